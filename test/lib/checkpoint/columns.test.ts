/**
 * Stateful batches are checkpointed as columns (one array of keys, one of states), which
 * `v8.serialize` encodes several times faster than an array of pairs; rows written before come
 * back as they were.
 */
import test from 'ava';
import { ManualClock, StateSpec, StreamingContext, type State } from '../../../lib/index.js';
import { fromColumns, toColumns } from '../../../lib/checkpoint/columns.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../../lib/checkpoint/codec.js';

test('rows become columns and come back, through v8 serialization', (t) => {
  const rows: [string, number][] = [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ];
  const columns = toColumns(rows, 2);
  t.deepEqual(columns, {
    columns: [
      ['a', 'b', 'c'],
      [1, 2, 3],
    ],
  });
  t.deepEqual(fromColumns(decodeCheckpoint(encodeCheckpoint(columns))), rows);
  t.deepEqual(fromColumns(toColumns([], 3)), []);
  t.deepEqual(
    fromColumns(toColumns(new Map([[1n, { n: 1 }]]).entries(), 2)),
    [[1n, { n: 1 }]],
    'any iterable of rows; bigint keys and object states',
  );
});

test('an array is taken as rows already (a checkpoint written before columns)', (t) => {
  const rows = [
    ['a', 1],
    ['b', 2],
  ];
  t.is(fromColumns(rows), rows);
});

test('what is neither rows nor columns is refused', (t) => {
  t.throws(() => fromColumns({ states: [] }), { message: /neither rows nor columns/ });
  t.throws(() => fromColumns(null), { message: /neither rows nor columns/ });
});

test('updateStateByKey and mapWithState checkpoint their state as columns', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'columns' });
  const pairs = ssc.queueStream([['a', 'b', 'a']]).map((w): [string, number] => [w, 1]);
  const totals = pairs.updateStateByKey((ones: number[], n: number | undefined) => (n ?? 0) + ones.length);
  totals.foreachBatch(() => undefined);
  const mapped = pairs.mapWithState(
    StateSpec.function((_key: string, one: number | undefined, state: State<number>) => {
      state.update((state.getOption() ?? 0) + (one ?? 0));
      return undefined;
    }),
  );
  mapped.foreachBatch(() => undefined);
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();

  const [[time, saved]] = totals.node.checkpointBatches() as [[number, unknown]];
  t.is(time, 1000);
  t.deepEqual(saved, {
    columns: [
      ['a', 'b'],
      [2, 1],
    ],
  });
  const state = ssc.graph.allNodes().find((n) => n.kind === 'mapWithState');
  const [[, batches]] = state?.checkpointBatches() as [[number, { states: unknown }[]]];
  t.deepEqual(batches[0]?.states, {
    columns: [
      ['a', 'b'],
      [2, 1],
      [1000, 1000],
    ],
  });
});
