/**
 * Which dead letters a stream's `deadLetters()` holds (its lineage's, through joins, unions and
 * windows), and that each dead letter is reported and counted once per batch, even when a fused
 * chain runs twice for the same batch.
 */
import test from 'ava';
import { ManualClock, StreamingContext, type DeadLetter } from '../../../../lib/index.js';
import { runWithDeadLetters, strictNumber } from './dead-letters-harness.js';

const DL = { onRecordError: 'deadLetter' } as const;

/** A context on a ManualClock that records `batchCompleted.deadLetters`. */
function setup() {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'lineage-test' });
  const counted: number[] = [];
  ssc.events.subscribe((e) => {
    if (e.type === 'batchCompleted') counted.push(e.deadLetters);
  });
  return { clock, ssc, counted };
}

function collect<T>(stream: { foreachBatch(f: (records: T[]) => void): void }): T[][] {
  const batches: T[][] = [];
  stream.foreachBatch((records) => void batches.push([...records]));
  return batches;
}

const records = (batches: DeadLetter[][]): unknown[][] => batches.map((b) => b.map((l) => l.record));

test("a dead letter upstream of a join appears in the join's deadLetters(), from either side", async (t) => {
  const { clock, ssc, counted } = setup();
  const left = ssc
    .queueStream([['a:1', 'b:x'], ['c:3']])
    .map((s) => s.split(':') as [string, string])
    .mapValues(strictNumber, DL);
  const right = ssc
    .queueStream([['a=10', 'bad'], ['c=30']])
    .map((s) => {
      const [k, v] = s.split('=');
      if (v === undefined) throw new Error(`no '=' in ${s}`);
      return [k, v] as [string, string];
    }, DL)
    .name('parseRight');
  const joined = left.join(right);
  const out = collect(joined);
  const dead = collect(joined.deadLetters());
  const leftOnly = collect(left.deadLetters());
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(out, [[['a', [1, '10']]], [['c', [3, '30']]]]);
  t.deepEqual(records(dead), [[['b', 'x'], 'bad'], []]);
  t.deepEqual(
    dead[0]?.map((l) => [l.operator, l.origin.input]),
    [
      ['queueStream/map/mapValues', 'queueStream'],
      ['parseRight', 'queueStream#2'],
    ],
  );
  t.deepEqual(records(leftOnly), [[['b', 'x']], []], 'a stream sees its own lineage only');
  t.deepEqual(counted, [2, 0]);
});

test('a fused chain run by two readers (a self-join) writes, reports and counts each dead letter once', async (t) => {
  const { clock, ssc, counted } = setup();
  const parsed = ssc.queueStream([['1', 'x', '2'], ['y']]).map(strictNumber, DL);
  // Neither side is cached: each runs the fused loop, `strictNumber` included, for the same batch.
  const pairs = parsed.map((n) => [n % 2, n] as [number, number]);
  const squares = parsed.map((n) => [n % 2, n * n] as [number, number]);
  const joined = pairs.join(squares);
  const out = collect(joined);
  const joinDead = collect(joined.deadLetters());
  const pairsDead = collect(pairs.deadLetters());
  const all = collect(ssc.deadLetters());
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(out, [
    [
      [1, [1, 1]],
      [0, [2, 4]],
    ],
    [],
  ]);
  t.deepEqual(records(joinDead), [['x'], ['y']]);
  t.deepEqual(records(pairsDead), [['x'], ['y']]);
  t.deepEqual(records(all), [['x'], ['y']]);
  t.deepEqual(counted, [1, 1]);
});

test('two outputs on two fused branches of one rejecting operator: each branch reports it, the batch counts it once', async (t) => {
  const { clock, ssc, counted } = setup();
  const parsed = ssc.queueStream([['1', 'x']]).map(strictNumber, DL);
  const doubled = parsed.map((n) => n * 2);
  const negated = parsed.map((n) => -n);
  const outs = [collect(doubled), collect(negated)];
  const dead = [collect(doubled.deadLetters()), collect(negated.deadLetters())];
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(outs, [[[2]], [[-1]]]);
  t.deepEqual(dead.map(records), [[['x']], [['x']]]);
  t.is(dead[0]?.[0]?.[0], dead[1]?.[0]?.[0], 'the same dead letter, written once');
  t.deepEqual(counted, [1]);
});

test('union: the dead letters of both branches', async (t) => {
  const run = await runWithDeadLetters([['1', 'x']], (s, ssc) =>
    s.map(strictNumber, DL).union(ssc.queueStream([['y', '2']]).map(strictNumber, DL)),
  );
  t.deepEqual(run.out, [[1, 2]]);
  t.deepEqual(records(run.dead), [['x', 'y']]);
  t.deepEqual(run.counted, [1 + 1]);
});

test('a window slid every 2 batches reports the dead letters of both batches, once', async (t) => {
  const run = await runWithDeadLetters([['1', 'a'], ['b', '2'], ['3'], ['c']], (s) =>
    s.map(strictNumber, DL).window(3000, 2000),
  );
  t.deepEqual(run.out, [
    [1, 2],
    [2, 3],
  ]);
  t.deepEqual(records(run.dead), [['a', 'b'], ['c']]);
  t.deepEqual(
    run.dead.map((b) => b.map((l) => l.batchTime)),
    [[1000, 2000], [4000]],
  );
  t.deepEqual(run.counted, [0, 2, 0, 1], 'counted in the batch that ran the operator');
});

test('a chain after the dead letters is its own operator: its dead letters include those it read from', async (t) => {
  const run = await runWithDeadLetters([['x', '1']], (s) =>
    s
      .map(strictNumber, DL)
      .deadLetters()
      .map((l) => strictNumber(String(l.record).replace('x', 'oops')), DL),
  );
  t.deepEqual(run.out, [[]]);
  t.deepEqual(
    run.dead[0]?.map((l) => [l.operator, l.origin.input]),
    [
      ['queueStream/map', 'queueStream'],
      ['queueStream/map/deadLetters/map', 'queueStream'],
    ],
  );
});

test('ssc.deadLetters(): every dead letter of the context, once, also when added before the other outputs', async (t) => {
  const { clock, ssc, counted } = setup();
  const all = collect(ssc.deadLetters());
  const a = ssc.queueStream([['x', '1'], ['2']]).map(strictNumber, DL);
  const b = ssc.queueStream([['3'], ['y']]).filter((w) => strictNumber(w) > 0, DL);
  const out = collect(a.union(b.map(Number)));
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(out, [[1, 3], [2]]);
  t.deepEqual(records(all), [['x'], ['y']]);
  t.deepEqual(counted, [1, 1]);
});
