/**
 * The incremental window reductions: reduceByKeyAndWindow with an inverse (with and without a
 * filter), reduceByWindow with an inverse, countByWindow and countByValueAndWindow. Vectors from
 * Spark's WindowOperationsSuite (see window-vectors.ts) unless a test says otherwise.
 */
import test from 'ava';
import { BatchError, type DStream } from '../../../../lib/index.js';
import type { ReducedWindowNode } from '../../../../lib/dstream/operators/reduced-window.js';
import { runOperation, sortedBatches } from '../../../helpers/operations.js';
import {
  bigInput,
  bigReduceInvOutput,
  bigReduceOutput,
  largerSlideInput,
  largerSlideReduceOutput,
  smallReduceCases,
  type Pairs,
} from './window-vectors.js';

const add = (a: number, b: number): number => a + b;
const sub = (a: number, b: number): number => a - b;

const reduceInv =
  (window = 2000, slide = 1000, filter?: (pair: [string, number]) => boolean) =>
  (s: DStream<[string, number]>): DStream<[string, number]> =>
    s.reduceByKeyAndWindow(add, sub, window, slide, filter ? { filter } : {});

for (const [name, input, expected] of smallReduceCases) {
  test(`reduceByKeyAndWindow with inverse function - ${name} (Spark vector)`, async (t) => {
    t.deepEqual(
      sortedBatches(await runOperation(input, reduceInv(), { numBatches: expected.length })),
      expected,
    );
  });
}

test('reduceByKeyAndWindow with inverse function - key removed from window keeps (a, 0) (Spark vector)', async (t) => {
  const out = await runOperation([[['a', 1]], [['a', 1]], [], []] as Pairs[], reduceInv(), { numBatches: 4 });
  t.deepEqual(out, [[['a', 1]], [['a', 2]], [['a', 1]], [['a', 0]]]);
});

test('reduceByKeyAndWindow with inverse function - larger slide time (Spark vector)', async (t) => {
  const out = await runOperation(largerSlideInput, reduceInv(4000, 2000), { numBatches: 8 });
  t.deepEqual(out, largerSlideReduceOutput);
});

test('reduceByKeyAndWindow with inverse function - big test (Spark vector)', async (t) => {
  const out = await runOperation(bigInput, reduceInv(), { numBatches: 12 });
  t.deepEqual(sortedBatches(out), sortedBatches(bigReduceInvOutput));
});

test('reduceByKeyAndWindow with inverse and filter functions - big test (Spark vector)', async (t) => {
  const out = await runOperation(
    bigInput,
    reduceInv(2000, 1000, ([, n]) => n !== 0),
    { numBatches: 12 },
  );
  t.deepEqual(sortedBatches(out), sortedBatches(bigReduceOutput));
});

test('reduceByKeyAndWindow with inverse function - slide longer than the window carries nothing over (own vector)', async (t) => {
  const input: Pairs[] = [
    [
      ['a', 1],
      ['b', 1],
    ],
    [['a', 2]],
    [['a', 3]],
    [['a', 4]],
    [['a', 5]],
    [['a', 6]],
  ];
  const out = await runOperation(input, reduceInv(2000, 3000), { numBatches: 6 });
  t.deepEqual(out, [[['a', 5]], [['a', 11]]]);
});

test('reduceByKeyAndWindow with inverse function - a key filtered out too early fails the batch clearly', async (t) => {
  // 'a' sums to 0 in the window (1, -1) and is filtered out, but its batch with 1 is still in it.
  const input: Pairs[] = [[['a', 1]], [['a', -1]], [], []];
  const error = await t.throwsAsync(
    runOperation(
      input,
      reduceInv(3000, 1000, ([, n]) => n !== 0),
    ),
    {
      instanceOf: BatchError,
    },
  );
  t.is(error.batchTime, 4000);
  t.regex(error.message, /key "a" is in a batch leaving the window.*filter removed the key/);
});

// ---- cost grows with the slide, not the window ----------------------------------------------

/** Runs an incremental window over `numBatches` batches of one record for each of two keys. */
async function countWork(window: number, incremental: boolean, numBatches = 40) {
  const calls = { reduce: 0, inverse: 0, reads: [] as number[] };
  const input: Pairs[] = Array.from({ length: numBatches }, () => [
    ['a', 1],
    ['b', 1],
  ]);
  const f = (a: number, b: number): number => (calls.reduce++, a + b);
  const invF = (a: number, b: number): number => (calls.inverse++, a - b);
  const out = await runOperation(input, (s) => {
    if (!incremental) return s.reduceByKeyAndWindow(f, window, 1000);
    const windowed = s.reduceByKeyAndWindow(f, invF, window, 1000);
    const perBatch = (windowed.node as ReducedWindowNode<string, number>).perBatch;
    const getOrCompute = perBatch.getOrCompute.bind(perBatch);
    perBatch.getOrCompute = (time) => {
      const batch = getOrCompute(time);
      if (batch) calls.reads.push(time);
      return batch;
    };
    return windowed;
  });
  return { calls, out };
}

for (const window of [5000, 20_000]) {
  test(`incremental reduceByKeyAndWindow reads only the batches entering and leaving a ${window} ms window`, async (t) => {
    const numBatches = 40;
    const { calls, out } = await countWork(window, true, numBatches);
    const expectedReads: number[] = [];
    for (let time = 1000; time <= numBatches * 1000; time += 1000) {
      expectedReads.push(time); // entering
      if (time - window > 0) expectedReads.push(time - window); // leaving
    }
    t.deepEqual(
      [...calls.reads].sort((a, b) => a - b),
      expectedReads.sort((a, b) => a - b),
    );
    // Per output and key: one f for the entering batch, one invF for the leaving one.
    t.is(calls.reduce, 2 * (numBatches - 1));
    t.is(calls.inverse, 2 * (numBatches - window / 1000));
    t.deepEqual(sortedBatches(out).at(-1), [
      ['a', window / 1000],
      ['b', window / 1000],
    ]);
  });
}

test('the naive reduceByKeyAndWindow does work that grows with the window (the comparison above can fail)', async (t) => {
  const { calls, out } = await countWork(20_000, false);
  t.true(calls.reduce > 10 * 40, `${calls.reduce} reduce calls`);
  t.deepEqual(sortedBatches(out).at(-1), [
    ['a', 20],
    ['b', 20],
  ]);
});

// ---- built on the incremental reduction --------------------------------------------------------

test('countByWindow (Spark vector)', async (t) => {
  const input = [[1], [1], [1, 2], [0], [], []];
  t.deepEqual(await runOperation(input, (s) => s.countByWindow(2000, 1000)), [[1], [2], [3], [3], [1], [0]]);
});

test('countByWindow gives 0 for windows before the first record (own vector)', async (t) => {
  const input = [[], [], [7], [], [], []];
  const out = await runOperation(input, (s) => s.countByWindow(2000, 2000));
  t.deepEqual(out, [[0], [1], [0]]);
});

test('countByValueAndWindow (Spark vector)', async (t) => {
  const input = [['a'], ['b', 'b'], ['a', 'b']];
  const out = await runOperation(input, (s) => s.countByValueAndWindow(2000, 1000));
  t.deepEqual(sortedBatches(out), [
    [['a', 1]],
    [
      ['a', 1],
      ['b', 2],
    ],
    [
      ['a', 1],
      ['b', 3],
    ],
  ]);
});

test('countByValueAndWindow drops values whose count falls to 0 (own vector)', async (t) => {
  const input = [['a'], ['b'], [], []];
  const out = await runOperation(input, (s) => s.countByValueAndWindow(2000, 1000));
  t.deepEqual(sortedBatches(out), [
    [['a', 1]],
    [
      ['a', 1],
      ['b', 1],
    ],
    [['b', 1]],
    [],
  ]);
});

test('reduceByWindow with an inverse keeps a record once one has been seen (own vector)', async (t) => {
  const input = [[], [1], [2], [3, 4], [], [5], [], []];
  const out = await runOperation(input, (s) => s.reduceByWindow(add, sub, 2000, 1000));
  t.deepEqual(out, [[], [1], [3], [9], [7], [5], [5], [0]]);
});

test('reduceByWindow with an inverse and a larger slide (own vector)', async (t) => {
  const input = [[1], [2], [3], [4], [5], [6], [], []];
  const out = await runOperation(input, (s) => s.reduceByWindow(add, sub, 4000, 2000));
  t.deepEqual(out, [[3], [10], [18], [11]]);
});

test('reduceByKeyAndWindow with inverse and filter: keys keep the order they entered the window, a key back after leaving goes last (own vector)', async (t) => {
  const input: Pairs[] = [
    [
      ['a', 1],
      ['b', 1],
    ],
    [['c', 1]],
    [['b', 1]],
    [['a', 1]],
    [['c', 1]],
  ];
  const out = await runOperation(
    input,
    reduceInv(2000, 1000, ([, n]) => n > 0),
  );
  t.deepEqual(out, [
    [
      ['a', 1],
      ['b', 1],
    ],
    [
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ],
    [
      ['b', 1],
      ['c', 1],
    ],
    [
      ['b', 1],
      ['a', 1],
    ],
    [
      ['a', 1],
      ['c', 1],
    ],
  ]);
});

test('reduceByKeyAndWindow with inverse: changing an output pair does not change the next window (own vector)', async (t) => {
  const input: Pairs[] = [[['a', 1]], [['a', 1]], [['a', 1]]];
  const out = await runOperation(input, (s) =>
    reduceInv(
      3000,
      1000,
    )(s).mapBatch((pairs) => {
      const copy = pairs.map(([k, v]): [string, number] => [k, v]);
      for (const pair of pairs) pair[1] = -100;
      return copy;
    }),
  );
  t.deepEqual(out, [[['a', 1]], [['a', 2]], [['a', 3]]]);
});

test('a checkpoint of an incremental window holds its reduced batches, not the raw input of the whole window', async (t) => {
  const { ManualClock, StreamingContext } = await import('../../../../lib/index.js');
  const { takeCheckpoint } = await import('../../../../lib/checkpoint/checkpoint.js');
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'window-checkpoint' });
  const lines = Array.from({ length: 8 }, (_, n) => [`a b ${n}`, `b c ${n}`]);
  const out: [string, number][][] = [];
  ssc
    .queueStream(lines)
    .flatMap((line) => line.split(' '))
    .map((word): [string, number] => [word, 1])
    .reduceByKeyAndWindow(add, sub, 5000, 2000)
    .foreachBatch((pairs) => void out.push([...pairs]));
  await ssc.start();
  await clock.advance(8000);
  const data = takeCheckpoint(ssc.graph, 8000, 0);
  await ssc.stop();
  const input = data.inputs[0];
  t.true(
    (input?.batches.length ?? 0) <= 2,
    `the input keeps a batch until it is reduced (within one 2 s slide), not 5 s: ${input?.batches.map(([time]) => time).join(', ')}`,
  );
  const perBatch = data.nodes.find((n) => n.batches.length >= 5);
  t.truthy(perBatch, 'the per-batch reductions of the window are saved');
  t.deepEqual(
    out.at(-1)?.find(([w]) => w === 'b'),
    ['b', 10],
    'b twice in each of the 5 batches in (3 s, 8 s]',
  );
});
