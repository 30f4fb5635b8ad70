/**
 * `parallel(workerTask(...))`: stages on the context's worker threads (piscina) give the same
 * batches as inline, in order, slice after slice; errors name the operator and batch time; dead
 * letters work as in the narrow operators; the pool starts with the context and closes on stop.
 * The functions live in parallel-tasks.ts, a TypeScript module the workers load through tsx.
 */
import { availableParallelism } from 'node:os';
import test from 'ava';
import {
  BatchError,
  ConfigurationError,
  ManualClock,
  StreamingContext,
  workerTask,
  type DStream,
  type ParallelOptions,
  type WorkerTaskKind,
} from '../../../../lib/index.js';
import { MODULE, POOLS, range, run, task, type Run } from './parallel-harness.js';
import * as tasks from './parallel-tasks.js';

const NUMBERS = [range(1, 10), range(11, 40), [], range(41, 43)];
const LINES = [['a b', 'c', ''], ['d e f', 'g h'], [], ['i j k l m n o p q r s t u v']];

interface Case {
  readonly name: string;
  readonly input: unknown[][];
  readonly stage: (s: DStream<unknown>) => DStream<unknown>;
  readonly expected: unknown[][];
}

const CASES: readonly Case[] = [
  {
    name: 'map',
    input: NUMBERS,
    stage: (s) => s.parallel(task('square'), { slices: 3 }),
    expected: NUMBERS.map((b) => b.map(tasks.square)),
  },
  {
    name: 'flatMap',
    input: LINES,
    stage: (s) => s.parallel(task('words', 'flatMap'), { slices: 3 }),
    expected: LINES.map((b) => b.flatMap(tasks.words)),
  },
  {
    name: 'filter',
    input: NUMBERS,
    stage: (s) => s.parallel(task('isEven', 'filter'), { slices: 4 }),
    expected: NUMBERS.map((b) => b.filter(tasks.isEven)),
  },
  {
    name: 'mapPartitions',
    input: NUMBERS,
    stage: (s) => s.parallel(task('withTime', 'mapPartitions'), { slices: 3 }),
    expected: NUMBERS.map((b, i) => tasks.withTime(b, (i + 1) * 1000)),
  },
  {
    name: 'default slicing, between narrow operators',
    input: [range(1, 1000), range(1001, 3000)],
    stage: (s) =>
      (s as DStream<number>)
        .map((n) => n + 1)
        .parallel(task<number, number>('square'))
        .filter((n) => n % 3 !== 0),
    expected: [range(1, 1000), range(1001, 3000)].map((b) =>
      b.map((n) => (n + 1) ** 2).filter((n) => n % 3 !== 0),
    ),
  },
  {
    name: 'default slicing (cut as the threads ask), flatMap then filter',
    input: [range(1, 5000).map((n) => `${n} ${n + 1}`), [], ['1 2 3']],
    stage: (s) =>
      (s as DStream<string>)
        .parallel(task<string, string>('words', 'flatMap'))
        .map(Number)
        .parallel(task<number, number>('isEven', 'filter')),
    expected: [range(1, 5000).flatMap((n) => [n, n + 1].filter(tasks.isEven)), [], [2]],
  },
  {
    // Records of one shape with primitive fields cross threads as columns (record-transfer.ts).
    name: 'objects, then tuples, then objects again between stages',
    input: [range(1, 2000), [7], []],
    stage: (s) =>
      (s as DStream<number>)
        .parallel(task<number, tasks.Described>('describeNumber'))
        .parallel(task<tasks.Described, [string, number]>('parityPair'))
        .map(([parity, square]) => ({ parity, square, n: 0, half: undefined }))
        .parallel(task<tasks.Described, [string, number]>('parityPair')),
    expected: [range(1, 2000), [7], []].map((b) => b.map((n) => tasks.parityPair(tasks.describeNumber(n)))),
  },
  {
    name: 'objects with a field sometimes undefined',
    input: [range(1, 600)],
    stage: (s) => s.parallel(task('describeNumber')),
    expected: [range(1, 600).map(tasks.describeNumber)],
  },
];

for (const c of CASES) {
  for (const pool of POOLS) {
    test.serial(`${c.name}: the same batches, in order, ${pool.label}`, async (t) => {
      const result = await run(c.input, pool.workers, c.stage);
      t.is(result.failure, undefined);
      t.deepEqual(result.out, c.expected);
      t.deepEqual(result.times, [1000, 2000, 3000, 4000].slice(0, c.input.length));
    });
  }
}

test.serial(
  'with threads, slices run on the workers and the main thread; inline, all on the main thread',
  async (t) => {
    const input = [range(1, 400), range(401, 800)];
    const stage = (s: DStream<number>): DStream<[number, number]> =>
      s.parallel(task<number, [number, number]>('onThread'), { slices: 8 });
    const threads = (r: Run<[number, number]>): Set<number> => new Set(r.out.flat().map(([, id]) => id));
    const inline = await run(input, undefined, stage);
    t.deepEqual([...threads(inline)], [0]);
    const pooled = await run(input, { threads: 2 }, stage);
    t.deepEqual(
      pooled.out.map((b) => b.map(([n]) => n)),
      input,
    );
    t.true(threads(pooled).size >= 2, `threads seen: ${[...threads(pooled)].join(', ')}`);
    t.true([...threads(pooled)].some((id) => id !== 0));
    const workersOnly = await run(input, { threads: 2, mainThread: false }, stage);
    t.false(threads(workersOnly).has(0));
  },
);

test.serial(
  'the main thread, out of work, runs a slice still queued behind another on a worker',
  async (t) => {
    // 8 records in 4 slices on 1 thread: the worker is handed slices 1 and 2, the main thread
    // runs 4 and 3. The worker waits in slice 1 until slice 2 runs on the main thread, which
    // only happens if the main thread takes it back (records 3 and 4).
    const released = new Int32Array(new SharedArrayBuffer(4));
    const input = [range(1, 8).map((n) => ({ n, released, releasedBy: 3 }))];
    const result = await run(input, { threads: 1 }, (s) =>
      s.parallel(task<tasks.Released, [number, number]>('waitForMainThread'), { slices: 4 }),
    );
    t.is(result.failure, undefined);
    const batch = result.out[0] ?? [];
    t.deepEqual(
      batch.map(([n]) => n),
      range(1, 8),
    );
    const onMain = batch.filter(([, thread]) => thread === 0).map(([n]) => n);
    t.deepEqual(onMain, [3, 4, 5, 6, 7, 8], 'slice 2 (records 3 and 4) ran on the main thread');
  },
);

test.serial(
  'onRecordError deadLetter with default slicing: every throwing record kept, the rest computed',
  async (t) => {
    const input = [range(1, 4000).map((n) => (n % 500 === 0 ? 13 : n))];
    for (const workers of [undefined, 1, 2] as const) {
      const result = await run(
        input,
        workers,
        (s) => s.parallel(task<number, number>('unlucky'), { onRecordError: 'deadLetter' }),
        { deadLetters: true },
      );
      t.deepEqual(
        result.out,
        input.map((b) => b.filter((n) => n !== 13).map(tasks.square)),
        `workers ${String(workers)}`,
      );
      t.is(result.dead.length, input.flat().filter((n) => n === 13).length);
      t.true(result.dead.every((l) => l.record === 13 && l.error.message === 'unlucky 13'));
    }
  },
);

test.serial('repartition(n) before the stage sets its slices; slices are as even as can be', async (t) => {
  const stage = (s: DStream<number>): DStream<number> =>
    s.repartition(4).parallel(task<number, number>('sliceSize', 'mapPartitions'));
  const pooled = await run([range(1, 10), range(1, 3)], 1, stage);
  t.deepEqual(pooled.out, [
    [2, 3, 2, 3],
    [1, 1, 1],
  ]);
  const inline = await run([range(1, 10)], undefined, stage);
  t.deepEqual(inline.out, [[10]], 'inline, a batch is one slice');
});

test.serial(
  'batches complete in order, each after the one before, with batches of very different sizes',
  async (t) => {
    const input = [range(1, 5000), range(1, 3), range(1, 2000), [], range(1, 7000)];
    const result = await run(input, 2, (s) => s.parallel(task<number, number>('square')).count());
    t.deepEqual(result.completed, [1000, 2000, 3000, 4000, 5000]);
    t.deepEqual(result.out, [[5000], [3], [2000], [0], [7000]]);
  },
);

for (const pool of POOLS) {
  test.serial(
    `a throwing function fails the batch naming the operator and batch time, ${pool.label}`,
    async (t) => {
      let batches = 0;
      const result = await run([range(1, 5), range(6, 20), range(21, 25)], pool.workers, (s) =>
        s
          .parallel(task<number, number>('unlucky'), { slices: 4 })
          .name('score')
          .map((n) => {
            batches++;
            return n;
          }),
      );
      const error = result.failure;
      t.true(error instanceof BatchError, String(error));
      t.is((error as BatchError).operator, 'score');
      t.is((error as BatchError).batchTime, 2000);
      t.regex((error as BatchError).message, /operator 'score' failed in the batch of time 2000: unlucky 13/);
      const cause = (error as BatchError).cause as Error;
      t.is(cause.name, 'UnluckyError');
      t.regex(cause.stack ?? '', /parallel-tasks\.ts/);
      t.deepEqual(result.out, [range(1, 5).map(tasks.square)], 'the batch after the failed one never ran');
      t.is(batches, 5);
    },
  );

  test.serial(
    `onRecordError 'deadLetter' skips the records that throw and keeps them, ${pool.label}`,
    async (t) => {
      const result = await run(
        [range(1, 5), range(6, 20), [13, 13]],
        pool.workers,
        (s) => s.parallel(task<number, number>('unlucky'), { slices: 4, onRecordError: 'deadLetter' }),
        { deadLetters: true },
      );
      t.is(result.failure, undefined);
      t.deepEqual(result.out, [
        range(1, 5).map(tasks.square),
        range(6, 20)
          .filter((n) => n !== 13)
          .map(tasks.square),
        [],
      ]);
      t.deepEqual(
        result.dead.map((l) => [l.record, l.batchTime, l.operator, l.reason, l.error.message]),
        [
          [13, 2000, 'queueStream/parallelMap', 'userFunction', 'unlucky 13'],
          [13, 3000, 'queueStream/parallelMap', 'userFunction', 'unlucky 13'],
          [13, 3000, 'queueStream/parallelMap', 'userFunction', 'unlucky 13'],
        ],
      );
      t.deepEqual(result.dead[0]?.origin, { input: 'queueStream' });
    },
  );
}

test.serial(
  "mapPartitions with onRecordError 'deadLetter': the failed slice is one dead letter",
  async (t) => {
    const result = await run(
      [range(10, 17)],
      2,
      (s) =>
        s.parallel(task<number, number>('unluckySlice', 'mapPartitions'), {
          slices: 2,
          onRecordError: 'deadLetter',
        }),
      { deadLetters: true },
    );
    t.deepEqual(result.out, [[14, 15, 16, 17]]);
    t.deepEqual(
      result.dead.map((l) => [l.record, l.error.message]),
      [[[10, 11, 12, 13], 'a slice with 13']],
    );
  },
);

test.serial(
  'a result that cannot be cloned fails the batch with a message about structured clone',
  async (t) => {
    const result = await run([[1, 2, 3]], 1, (s) =>
      s.parallel(task<number, () => number>('unclonable'), { slices: 2 }),
    );
    const error = result.failure as BatchError;
    t.true(error instanceof BatchError);
    t.is(error.batchTime, 1000);
    t.regex(error.message, /parallelMap.*failed on a worker thread: .*structured clone/);
  },
);

test.serial(
  'a record that cannot be cloned fails the batch with a message about structured clone',
  async (t) => {
    const result = await run([[() => 3, 1, 2]], 1, (s) =>
      s.parallel(task<unknown, unknown>('square'), { slices: 3 }),
    );
    const error = result.failure as BatchError;
    t.true(error instanceof BatchError);
    t.regex(error.message, /slice 1 of 3 failed on a worker thread: .*could not be cloned.*structured clone/);
  },
);

test.serial('one result given twice by a worker arrives as one object, as it does inline', async (t) => {
  for (const pool of POOLS) {
    const result = await run([range(1, 300)], pool.workers, (s) =>
      s.parallel(task<number, { n: number }>('twice', 'flatMap')),
    );
    const batch = result.out[0] ?? [];
    t.is(batch.length, 600, pool.label);
    t.true(
      batch.every((r, i) => (i % 2 === 0 ? r === batch[i + 1] && r.n === i / 2 + 1 : r !== batch[i + 1])),
      pool.label,
    );
  }
});

test.serial('the pool starts with the context and is closed by stop(), its threads ended', async (t) => {
  let threads: readonly { threadId: number }[] = [];
  let runningWhileActive = false;
  const result = await run(
    [range(1, 300)],
    { threads: 2 },
    (s) => s.parallel(task<number, number>('square')),
    {
      onStarted: (ssc) => {
        threads = [...ssc.workers.workerThreads];
        runningWhileActive = ssc.workers.running;
      },
    },
  );
  t.true(runningWhileActive);
  t.is(threads.length, 2);
  t.false(result.ssc.workers.running);
  t.deepEqual(
    threads.map((w) => w.threadId),
    [-1, -1],
    'a thread that ended has threadId -1',
  );
});

test.serial('a failed batch stops the context and closes the pool too', async (t) => {
  let threads: readonly { threadId: number }[] = [];
  const result = await run([[13]], 1, (s) => s.parallel(task<number, number>('unlucky')), {
    onStarted: (ssc) => (threads = [...ssc.workers.workerThreads]),
  });
  t.true(result.failure instanceof BatchError);
  t.is(threads.length, 1);
  t.deepEqual(
    threads.map((w) => w.threadId),
    [-1],
  );
});

test.serial('no thread starts when the graph has no parallel stage', async (t) => {
  let running = true;
  await run([[1]], 2, (s) => s.map((n) => n), { onStarted: (ssc) => (running = ssc.workers.running) });
  t.false(running);
});

test.serial(
  'a module without the export fails start(), naming the stage and the exports it has',
  async (t) => {
    const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), workers: 1 });
    ssc
      .queueStream([[1]])
      .parallel(task('notAFunction'))
      .foreachBatch(() => undefined);
    const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
    t.regex(
      error?.message ?? '',
      /parallelMap 'queueStream\/parallelMap'.*no function export 'notAFunction'/,
    );
    t.regex(error?.message ?? '', /isEven, mod7, onThread, parityPair, sliceSize, square/);
    t.false(ssc.workers.running);
    t.is(ssc.state, 'stopped');
  },
);

test.serial('a module that does not exist fails start() with the module named', async (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  ssc
    .queueStream([[1]])
    .parallel(workerTask(new URL('./no-such-module.ts', import.meta.url), 'f'))
    .foreachBatch(() => undefined);
  await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError, message: /no-such-module\.ts/ });
});

test('workers: true gives cores - 1 threads (at least 1) and the main thread takes slices; none without it', (t) => {
  const pool = new StreamingContext({ batchInterval: 1000, workers: true }).workers;
  t.is(pool.threads, Math.max(1, availableParallelism() - 1));
  t.true(pool.mainThread);
  t.is(new StreamingContext({ batchInterval: 1000, workers: 3 }).workers.threads, 3);
  t.is(new StreamingContext({ batchInterval: 1000 }).workers.threads, 0);
  t.is(new StreamingContext({ batchInterval: 1000, workers: false }).workers.threads, 0);
});

const BAD_OPTIONS: readonly [string, () => unknown, RegExp][] = [
  [
    'a relative module name',
    () => workerTask('./score.ts', 'score'),
    /new URL\('\.\/score\.ts', import\.meta\.url\)/,
  ],
  ['a bare module name', () => workerTask('score', 'score'), /import\.meta\.resolve\('score'\)/],
  ['an empty export name', () => workerTask(MODULE, ''), /name of the export/],
  [
    'an unknown kind',
    () => workerTask(MODULE, 'square', { kind: 'reduce' as WorkerTaskKind }),
    /kind must be one of map, flatMap, filter, mapPartitions/,
  ],
  [
    'threads 0',
    () => new StreamingContext({ batchInterval: 1000, workers: { threads: 0 } }),
    /threads must be a whole number >= 1/,
  ],
  ['threads 1.5', () => new StreamingContext({ batchInterval: 1000, workers: 1.5 }), /got 1\.5/],
  [
    'slices 0',
    () =>
      new StreamingContext({ batchInterval: 1000 })
        .queueStream<number>([])
        .parallel(task('square'), { slices: 0 } as ParallelOptions),
    /parallelMap: slices must be a whole number >= 1, got 0/,
  ],
  [
    'a wrong onRecordError',
    () =>
      new StreamingContext({ batchInterval: 1000 })
        .queueStream<number>([])
        .parallel(task('square'), { onRecordError: 'ignore' } as unknown as ParallelOptions),
    /onRecordError must be 'fail' or 'deadLetter'/,
  ],
];

for (const [name, build, message] of BAD_OPTIONS) {
  test.serial(`refused with a message that says how to fix it: ${name}`, (t) => {
    t.throws(build, { instanceOf: ConfigurationError, message });
  });
}
