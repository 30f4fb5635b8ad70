/**
 * window and the operators built on a plain window: groupByKeyAndWindow, the naive
 * reduceByKeyAndWindow, reduceByWindow; and the window checks made at start. Vectors from Spark's
 * WindowOperationsSuite (see window-vectors.ts) unless a test says otherwise.
 */
import test from 'ava';
import { ConfigurationError, ManualClock, StreamingContext, type DStream } from '../../../../lib/index.js';
import { runOperation, sortedBatches } from '../../../helpers/operations.js';
import {
  bigGroupByOutput,
  bigInput,
  bigReduceOutput,
  largerSlideInput,
  largerSlideReduceOutput,
  smallReduceCases,
  type Pairs,
} from './window-vectors.js';

const numbers = [[0], [1], [2], [3], [4], [5]];

/** Spark's testWindow: numBatches = expected outputs x (slide / batch interval). */
function windowCase(name: string, expected: number[][], window = 2000, slide = 1000): void {
  test(`window - ${name} (Spark vector)`, async (t) => {
    const out = await runOperation(numbers, (s) => s.window(window, slide), {
      numBatches: expected.length * (slide / 1000),
    });
    t.deepEqual(sortedBatches(out), expected);
  });
}

windowCase('basic window', [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
windowCase(
  'tumbling window',
  [
    [0, 1],
    [2, 3],
    [4, 5],
  ],
  2000,
  2000,
);
windowCase(
  'larger window',
  [
    [0, 1],
    [0, 1, 2, 3],
    [2, 3, 4, 5],
    [4, 5],
  ],
  4000,
  2000,
);
windowCase(
  'non-overlapping window',
  [
    [1, 2],
    [4, 5],
  ],
  2000,
  3000,
);

test('window keeps batch order, reads a fused parent, and slides at the slide', async (t) => {
  let slide = 0;
  const out = await runOperation(
    numbers,
    (s) => {
      const windowed = s
        .map((x) => x * 10)
        .filter((x) => x !== 30)
        .window(3000, 2000);
      slide = windowed.slideDuration;
      return windowed;
    },
    { numBatches: 6 },
  );
  t.is(slide, 2000);
  t.deepEqual(out, [
    [0, 10],
    [10, 20],
    [40, 50],
  ]);
});

test('window of a windowed stream (own vector)', async (t) => {
  const out = await runOperation(numbers, (s) => s.window(2000, 2000).window(4000, 2000), { numBatches: 6 });
  t.deepEqual(out, [
    [0, 1],
    [0, 1, 2, 3],
    [2, 3, 4, 5],
  ]);
});

test('window defaults its slide to the parent slide', async (t) => {
  const out = await runOperation(numbers, (s) => s.window(2000), { numBatches: 3 });
  t.deepEqual(out, [[0], [0, 1], [1, 2]]);
});

// ---- reduceByKeyAndWindow without an inverse ----------------------------------------------

const reduceNaive =
  (window = 2000, slide = 1000) =>
  (s: DStream<[string, number]>): DStream<[string, number]> =>
    s.reduceByKeyAndWindow((a, b) => a + b, window, slide);

for (const [name, input, expected] of smallReduceCases) {
  test(`reduceByKeyAndWindow - ${name} (Spark vector)`, async (t) => {
    t.deepEqual(
      sortedBatches(await runOperation(input, reduceNaive(), { numBatches: expected.length })),
      expected,
    );
  });
}

test('reduceByKeyAndWindow - key removed from window (Spark vector)', async (t) => {
  const out = await runOperation([[['a', 1]], [['a', 1]], [], []] as Pairs[], reduceNaive(), {
    numBatches: 4,
  });
  t.deepEqual(out, [[['a', 1]], [['a', 2]], [['a', 1]], []]);
});

test('reduceByKeyAndWindow - larger slide time (Spark vector)', async (t) => {
  const out = await runOperation(largerSlideInput, reduceNaive(4000, 2000), { numBatches: 8 });
  t.deepEqual(out, largerSlideReduceOutput);
});

test('reduceByKeyAndWindow - big test (Spark vector)', async (t) => {
  const out = await runOperation(bigInput, reduceNaive(), { numBatches: 12 });
  t.deepEqual(sortedBatches(out), sortedBatches(bigReduceOutput));
});

test('groupByKeyAndWindow (Spark vector)', async (t) => {
  const out = await runOperation(bigInput, (s) => s.groupByKeyAndWindow(2000, 1000), { numBatches: 12 });
  t.deepEqual(sortedBatches(out), sortedBatches(bigGroupByOutput));
});

test('groupByKeyAndWindow keeps values in batch order and never mutates shared groups (own vector)', async (t) => {
  const input: Pairs[] = [
    [
      ['k', 1],
      ['k', 2],
    ],
    [['k', 3]],
    [['k', 4]],
    [],
  ];
  const out = await runOperation(input, (s) => s.groupByKeyAndWindow(2000, 1000), { numBatches: 4 });
  t.deepEqual(out, [[['k', [1, 2]]], [['k', [1, 2, 3]]], [['k', [3, 4]]], [['k', [4]]]]);
});

// ---- reduceByWindow without an inverse (own vectors) -----------------------------------------

test('reduceByWindow reduces each window; an empty window gives no record', async (t) => {
  const input = [[1], [2], [3, 4], [], [5], [], []];
  const out = await runOperation(input, (s) => s.reduceByWindow((a, b) => a + b, 2000, 1000));
  t.deepEqual(out, [[1], [3], [9], [7], [5], [5], []]);
});

test('reduceByWindow with a larger slide', async (t) => {
  const input = [[1], [2], [3], [4], [5], [6]];
  const out = await runOperation(input, (s) => s.reduceByWindow((a, b) => Math.max(a, b), 3000, 2000));
  t.deepEqual(out, [[2], [4], [6]]);
});

// ---- checks at start -----------------------------------------------------------------------

async function startError(build: (s: DStream<[string, number]>) => DStream<unknown>): Promise<unknown> {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'window-check' });
  build(ssc.queueStream<[string, number]>([])).foreachBatch(() => undefined);
  try {
    await ssc.start();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await ssc.stop();
  }
}

const invalid: [string, (s: DStream<[string, number]>) => DStream<unknown>, RegExp][] = [
  [
    'window',
    (s) => s.window(1500),
    /window 1500 ms is not a multiple of the batch interval 1000 ms; .*such as 1000 ms or 2000 ms/,
  ],
  [
    'window slide',
    (s) => s.window(3000, 1500),
    /slide 1500 ms is not a multiple of the batch interval 1000 ms/,
  ],
  [
    'window of a window',
    (s) => s.window(4000, 2000).window(3000, 2000),
    /window 3000 ms is not a multiple of the slide 2000 ms of its parent stream/,
  ],
  ['zero window', (s) => s.window(0), /window 0 must be a positive number of milliseconds/],
  [
    'countByWindow',
    (s) => s.countByWindow(2500, 1000),
    /window 2500 ms is not a multiple of the batch interval 1000 ms/,
  ],
  [
    'reduceByWindow',
    (s) => s.reduceByWindow((a) => a, 2000, 500),
    /slide 500 ms is not a multiple of the batch interval 1000 ms/,
  ],
  ['groupByKeyAndWindow', (s) => s.groupByKeyAndWindow(1200), /window 1200 ms is not a multiple/],
  [
    'reduceByKeyAndWindow',
    (s) => s.reduceByKeyAndWindow((a, b) => a + b, 1700),
    /window 1700 ms is not a multiple/,
  ],
  [
    'reduceByKeyAndWindow with an inverse',
    (s) =>
      s.reduceByKeyAndWindow(
        (a, b) => a + b,
        (a, b) => a - b,
        2000,
        1300,
      ),
    /reduceByKeyAndWindow '.*': slide 1300 ms is not a multiple of the batch interval 1000 ms/,
  ],
  ['countByValueAndWindow', (s) => s.countByValueAndWindow(-1000), /window -1000 must be a positive/],
];

for (const [name, build, message] of invalid) {
  test(`${name}: durations are checked at start`, async (t) => {
    const error = await startError(build);
    t.true(error instanceof ConfigurationError, String(error));
    t.regex((error as Error).message, message);
  });
}

test('a window is not checked when it is built, only at start', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'window-build' });
  t.notThrows(() =>
    ssc
      .queueStream<number>([])
      .window(1500)
      .foreachBatch(() => undefined),
  );
});

test('valid windows start', async (t) => {
  t.is(await startError((s) => s.window(4000, 2000).window(8000, 4000)), undefined);
});
