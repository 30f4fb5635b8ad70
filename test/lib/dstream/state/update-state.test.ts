/**
 * updateStateByKey. Vectors from Spark's BasicOperationsSuite ("updateStateByKey", "updateStateByKey -
 * simple with initial value RDD", "... - testing time stamps as input", "... - with initial value RDD",
 * "... - object lifecycle").
 */
import test from 'ava';
import { ManualClock, StreamingContext, type DStream } from '../../../../lib/index.js';
import { runOperation, sortedBatches } from '../../../helpers/operations.js';

const input = [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];

const runningCount = (s: DStream<string>): DStream<[string, number]> =>
  s
    .map((x) => [x, 1] as [string, number])
    .updateStateByKey(
      (values: number[], state: number | undefined) => values.reduce((a, b) => a + b, 0) + (state ?? 0),
    );

test('updateStateByKey keeps a running count per key (Spark vector)', async (t) => {
  const output = await runOperation(input, runningCount);
  t.deepEqual(sortedBatches(output), [
    [['a', 1]],
    [
      ['a', 2],
      ['b', 1],
    ],
    [
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ],
    [
      ['a', 4],
      ['b', 3],
      ['c', 1],
    ],
    [
      ['a', 5],
      ['b', 3],
      ['c', 1],
    ],
    [
      ['a', 5],
      ['b', 3],
      ['c', 1],
    ],
  ]);
});

const withInitial = [
  [
    ['a', 2],
    ['c', 2],
  ],
  [
    ['a', 3],
    ['b', 1],
    ['c', 2],
  ],
  [
    ['a', 4],
    ['b', 2],
    ['c', 3],
  ],
  [
    ['a', 5],
    ['b', 3],
    ['c', 3],
  ],
  [
    ['a', 6],
    ['b', 3],
    ['c', 3],
  ],
  [
    ['a', 6],
    ['b', 3],
    ['c', 3],
  ],
];

const sum = (values: number[], state: number | undefined): number =>
  values.reduce((a, b) => a + b, 0) + (state ?? 0);

test('updateStateByKey starts from an initial state given as pairs (Spark vector)', async (t) => {
  const initialState: [string, number][] = [
    ['a', 1],
    ['c', 2],
  ];
  const output = await runOperation(input, (s) =>
    s.map((x) => [x, 1] as [string, number]).updateStateByKey(sum, { initialState }),
  );
  t.deepEqual(sortedBatches(output), withInitial);
});

test('updateStateByKey starts from an initial state given as a Map (Spark vector)', async (t) => {
  const initialState = new Map([
    ['a', 1],
    ['c', 2],
  ]);
  const output = await runOperation(input, (s) =>
    s.map((x) => [x, 1] as [string, number]).updateStateByKey(sum, { initialState }),
  );
  t.deepEqual(sortedBatches(output), withInitial);
});

test('updateStateByKey gets the key and the batch time (Spark vector, testing time stamps as input)', async (t) => {
  // Spark's (time, key, values, state) form; here the key and time come after values and state.
  const initialState: [string, number][] = [
    ['a', 0],
    ['c', 0],
  ];
  const keysSeen = new Set<string>();
  const output = await runOperation(input, (s) =>
    s
      .map((x) => [x, 1] as [string, number])
      .updateStateByKey(
        (values: number[], state: number | undefined, key: string, time: number) => {
          keysSeen.add(key);
          return values.length > 0 ? time + (state ?? 0) : (state ?? 0);
        },
        { initialState },
      ),
  );
  // a -> 1000, 3000, 6000, 10000, 15000, 15000; b -> -, 2000, 5000, 9000, 9000, 9000;
  // c -> 0, 0, 3000, 3000, 3000, 3000
  t.deepEqual(sortedBatches(output), [
    [
      ['a', 1000],
      ['c', 0],
    ],
    [
      ['a', 3000],
      ['b', 2000],
      ['c', 0],
    ],
    [
      ['a', 6000],
      ['b', 5000],
      ['c', 3000],
    ],
    [
      ['a', 10000],
      ['b', 9000],
      ['c', 3000],
    ],
    [
      ['a', 15000],
      ['b', 9000],
      ['c', 3000],
    ],
    [
      ['a', 15000],
      ['b', 9000],
      ['c', 3000],
    ],
  ]);
  t.deepEqual([...keysSeen].sort(), ['a', 'b', 'c']);
});

test('updateStateByKey: mutable state objects are dropped after two idle batches (Spark object lifecycle)', async (t) => {
  interface Counter {
    counter: number;
    idle: number;
  }
  const update = (values: number[], state: Counter | undefined): Counter | undefined => {
    const obj = state ?? { counter: 0, idle: 0 };
    const n = values.reduce((a, b) => a + b, 0);
    if (n === 0) obj.idle += 1;
    else {
      obj.counter += n;
      obj.idle = 0;
    }
    return obj.idle === 2 ? undefined : obj;
  };
  const output = await runOperation([['a', 'b'], [], ['a', 'c', 'a'], ['c'], [], []], (s) =>
    s
      .map((x) => [x, 1] as [string, number])
      .updateStateByKey(update)
      .mapValues((obj) => obj.counter),
  );
  t.deepEqual(sortedBatches(output), [
    [
      ['a', 1],
      ['b', 1],
    ],
    [
      ['a', 1],
      ['b', 1],
    ],
    [
      ['a', 3],
      ['c', 1],
    ],
    [
      ['a', 3],
      ['c', 2],
    ],
    [['c', 2]],
    [],
  ]);
});

test('updateStateByKey removes a key whose update returns undefined, and may add it again', async (t) => {
  let calls = 0;
  const output = await runOperation([['a', 'b', 'b'], ['b'], [], ['a', 'b']], (s) =>
    s
      .map((x) => [x, 1] as [string, number])
      .updateStateByKey((values: number[], state: number | undefined) => {
        calls++;
        const next = values.length + (state ?? 0);
        return next >= 3 ? undefined : next;
      }),
  );
  t.deepEqual(sortedBatches(output), [
    [
      ['a', 1],
      ['b', 2],
    ],
    [['a', 1]],
    [['a', 1]],
    [
      ['a', 2],
      ['b', 1],
    ],
  ]);
  // 'b' reached 3 in the second batch and was removed: not called in the third, new in the fourth.
  t.is(calls, 2 + 2 + 1 + 2);
});

test('updateStateByKey calls update with [] for keys without data, and state undefined for new keys', async (t) => {
  const calls: string[] = [];
  await runOperation([['a'], ['b', 'b']], (s) =>
    s
      .map((x) => [x, 1] as [string, number])
      .updateStateByKey((values: number[], state: number | undefined) => {
        calls.push(`${JSON.stringify(values)}/${String(state)}`);
        return (state ?? 0) + values.length;
      }),
  );
  t.deepEqual(calls, ['[1]/undefined', '[]/1', '[1,1]/undefined']);
});

test('updateStateByKey never changes a batch it already output', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'state-batches' });
  const batches: [string, number][][] = [];
  const copies: string[] = [];
  ssc
    .queueStream([['a'], ['a', 'b'], ['c']])
    .map((x) => [x, 1] as [string, number])
    .updateStateByKey(sum)
    .foreachBatch((records) => {
      batches.push(records); // the batch itself, not a copy
      copies.push(JSON.stringify(records));
    });
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.is(batches.length, 3);
  t.deepEqual(
    batches.map((b) => JSON.stringify(b)),
    copies,
  );
  t.deepEqual(batches[2], [
    ['a', 2],
    ['b', 1],
    ['c', 1],
  ]);
});

test("updateStateByKey outputs its own pairs, not the initial state's, which a user may change later", async (t) => {
  const initialState: [string, number][] = [['idle', 7]];
  const output = await runOperation([['a'], []], (s) =>
    s.map((x) => [x, 1] as [string, number]).updateStateByKey(sum, { initialState }),
  );
  const idle = output.flat().filter((pair) => pair[0] === 'idle');
  t.deepEqual(idle, [
    ['idle', 7],
    ['idle', 7],
  ]);
  for (const pair of idle) t.not(pair, initialState[0]);
});

test('updateStateByKey fails the batch with the operator name when update throws', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'state-error' });
  ssc
    .queueStream([['a'], ['boom']])
    .map((x) => [x, 1] as [string, number])
    .updateStateByKey((values: number[], state: number | undefined) => {
      if (values.length === 0) throw new Error('no values');
      return (state ?? 0) + values.length;
    })
    .name('totals')
    .foreachBatch(() => undefined);
  await ssc.start();
  await clock.advance(2000);
  const error = await t.throwsAsync(ssc.awaitTermination());
  t.regex(error?.message ?? '', /operator 'totals' failed in the batch of time 2000: no values/);
});
