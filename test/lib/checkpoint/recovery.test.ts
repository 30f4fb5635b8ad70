/**
 * Checkpoints and getOrCreate on a ManualClock: a job stopped (or cut off) and resumed from its
 * checkpoint ends with the same state as a job that ran straight through.
 */
import test from 'ava';
import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import {
  ConfigurationError,
  ManualClock,
  StateSpec,
  StreamingContext,
  type DStream,
  type State,
  type StreamingEvent,
} from '../../../lib/index.js';

const input = [['a b'], ['b c'], ['a a'], ['c'], ['d a'], ['b'], []];

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-ckpt-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

type Build = (words: DStream<[string, number]>) => DStream<unknown>;

const runningCount: Build = (pairs) =>
  pairs
    .updateStateByKey((ones: number[], total: number | undefined) => (total ?? 0) + ones.length)
    .name('counts');

interface Job {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  readonly outputs: Map<number, unknown[]>;
  /** What a batch waits for before its output runs (nothing by default). */
  hold: (time: number) => Promise<void> | undefined;
}

/** Builds the job: the same code every time, as getOrCreate needs. */
function job(dir: string | undefined, build: Build, options: { start?: number; name?: string } = {}): Job {
  const clock = new ManualClock(options.start ?? 0);
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    name: options.name ?? 'wordcount',
    ...(dir === undefined ? {} : { checkpointDir: dir }),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const outputs = new Map<number, unknown[]>();
  const words = ssc
    .queueStream(input.map((b) => [...b]))
    .flatMap((line) => line.split(' '))
    .map((w): [string, number] => [w, 1]);
  const made: Job = { ssc, clock, outputs, hold: () => undefined };
  build(words).foreachBatch(async (records, time) => {
    await made.hold(time);
    outputs.set(time, [...records].sort());
  });
  return made;
}

async function uninterrupted(build: Build, batches = input.length): Promise<Map<number, unknown[]>> {
  const { ssc, clock, outputs } = job(undefined, build);
  await ssc.start();
  await clock.advance(batches * 1000);
  await ssc.stop();
  return outputs;
}

async function resume(
  dir: string,
  build: Build,
  start: number,
  options: { allowMissingState?: boolean } = {},
) {
  let made: Job | undefined;
  const ssc = await StreamingContext.getOrCreate(dir, () => (made = job(dir, build, { start })).ssc, options);
  if (!made || made.ssc !== ssc) throw new Error('getOrCreate did not return what build made');
  return made;
}

test('a job stopped after 3 batches and resumed ends with the state of one that ran through', async (t) => {
  const dir = await tempDir(t);
  const first = job(dir, runningCount);
  await first.ssc.start();
  await first.clock.advance(3000);
  await first.ssc.stop();
  const second = await resume(dir, runningCount, 3000);
  const restored = firstValueFrom(second.ssc.events.pipe(filter((e) => e.type === 'checkpointRestored')));
  await second.ssc.start();
  const event = (await restored) as Extract<StreamingEvent, { type: 'checkpointRestored' }>;
  t.is(event.batchTime, 3000);
  t.deepEqual([event.pending, event.skipped], [[], []]);
  await second.clock.advance(4000);
  await second.ssc.stop();
  const expected = await uninterrupted(runningCount);
  t.deepEqual(second.outputs.get(7000), expected.get(7000));
  t.deepEqual(
    [...second.outputs.keys()],
    [4000, 5000, 6000, 7000],
    'the resumed job starts with the batch after the checkpoint and takes the next queued batch',
  );
  for (const time of [4000, 5000, 6000, 7000]) t.deepEqual(second.outputs.get(time), expected.get(time));
});

test('batches generated but not completed before a crash run again, exactly once in state', async (t) => {
  const dir = await tempDir(t);
  const first = job(dir, runningCount);
  await first.ssc.start();
  await first.clock.advance(1000);
  // Batch 2000 hangs while 3000 and 4000 are generated behind it; then it completes and its
  // checkpoint holds their input, and batch 3000 hangs for good: the process "crashes" there.
  let release!: () => void;
  const batch2000 = new Promise<void>((resolve) => (release = resolve));
  const never = new Promise<void>(() => undefined);
  first.hold = (time) => (time === 2000 ? batch2000 : time >= 3000 ? never : undefined);
  const written = firstValueFrom(
    first.ssc.events.pipe(filter((e) => e.type === 'checkpointWritten' && e.batchTime === 2000)),
  );
  void first.clock.advance(3000, { waitEachStep: false });
  await firstValueFrom(
    first.ssc.events.pipe(filter((e) => e.type === 'batchSubmitted' && e.batchTime === 4000)),
  );
  release();
  await written;
  t.true(first.outputs.has(2000));
  t.false(first.outputs.has(3000));
  // The first context is abandoned, as a killed process would be.

  const second = await resume(dir, runningCount, 4000);
  const restored = firstValueFrom(second.ssc.events.pipe(filter((e) => e.type === 'checkpointRestored')));
  await second.ssc.start();
  t.like(await restored, { batchTime: 2000 });
  t.deepEqual(
    ((await restored) as Extract<StreamingEvent, { type: 'checkpointRestored' }>).pending,
    [3000, 4000],
  );
  await second.clock.advance(3000);
  await second.ssc.stop();
  const expected = await uninterrupted(runningCount);
  for (const time of [3000, 4000, 5000, 6000, 7000])
    t.deepEqual(second.outputs.get(time), expected.get(time));
});

const windowed: Build = (pairs) =>
  pairs.reduceByKeyAndWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    3000,
    1000,
  );

/** A plain window: after a restart it needs the input batches of before, from the checkpoint. */
const plainWindow: Build = (pairs) => pairs.groupByKeyAndWindow(3000, 1000);

const mapped: Build = (pairs) =>
  pairs.mapWithState(
    StateSpec.function((key: string, one: number | undefined, state: State<number>) => {
      const total = (state.exists() ? state.get() : 0) + (one ?? 0);
      state.update(total);
      return `${key}=${total}`;
    }),
  );

for (const [name, build] of [
  ['incremental reduceByKeyAndWindow', windowed],
  ['mapWithState', mapped],
  ['groupByKeyAndWindow (window data still needed)', plainWindow],
] as const) {
  test(`${name} resumes from a checkpoint with the same results`, async (t) => {
    const dir = await tempDir(t);
    const first = job(dir, build);
    await first.ssc.start();
    await first.clock.advance(4000);
    await first.ssc.stop();
    const second = await resume(dir, build, 4000);
    await second.ssc.start();
    await second.clock.advance(3000);
    await second.ssc.stop();
    const expected = await uninterrupted(build);
    for (const time of [5000, 6000, 7000])
      t.deepEqual(second.outputs.get(time), expected.get(time), `at ${time}`);
  });
}

test('a truncated newest checkpoint is skipped for the one before, and said so', async (t) => {
  const dir = await tempDir(t);
  const first = job(dir, runningCount);
  await first.ssc.start();
  await first.clock.advance(3000);
  await first.ssc.stop();
  const files = (await readdir(dir)).filter((f) => !f.startsWith('.')).sort();
  const newest = files.at(-1) as string;
  await truncate(join(dir, newest), 10);
  const warnings: string[] = [];
  let made: Job | undefined;
  const ssc = await StreamingContext.getOrCreate(dir, () => {
    made = job(dir, runningCount, { start: 3000 });
    (made.ssc as unknown as { logger: { warn(m: string): void } }).logger.warn = (m) => warnings.push(m);
    return made.ssc;
  });
  const restored = firstValueFrom(ssc.events.pipe(filter((e) => e.type === 'checkpointRestored')));
  await ssc.start();
  const event = (await restored) as Extract<StreamingEvent, { type: 'checkpointRestored' }>;
  t.is(event.batchTime, 2000);
  t.is(event.skipped[0]?.name, newest);
  t.regex(event.skipped[0]?.reason ?? '', /truncated/);
  t.true(warnings.some((w) => w.includes(newest) && /truncated/.test(w)));
  await made?.clock.advance(5000);
  await ssc.stop();
  const expected = await uninterrupted(runningCount);
  t.deepEqual(made?.outputs.get(7000), expected.get(7000), 'batch 3000 ran again from the older checkpoint');
});

test('a checkpoint from a different graph is refused with the operators that differ', async (t) => {
  const dir = await tempDir(t);
  const first = job(dir, runningCount);
  await first.ssc.start();
  await first.clock.advance(2000);
  await first.ssc.stop();
  const renamed: Build = (pairs) =>
    pairs
      .updateStateByKey((ones: number[], total: number | undefined) => (total ?? 0) + ones.length)
      .name('totals');
  const error = await t.throwsAsync(resume(dir, renamed, 2000), { instanceOf: ConfigurationError });
  t.regex(error.message, /'counts' \(updateStateByKey\) is in the checkpoint but not in this job/);
  t.regex(error.message, /'totals' \(updateStateByKey\) is new in this job/);
  t.regex(error.message, /allowMissingState/);

  const second = await resume(dir, renamed, 2000, { allowMissingState: true });
  const restored = firstValueFrom(second.ssc.events.pipe(filter((e) => e.type === 'checkpointRestored')));
  await second.ssc.start();
  t.like(await restored, { batchTime: 2000 });
  t.deepEqual(((await restored) as Extract<StreamingEvent, { type: 'checkpointRestored' }>).missingState, [
    'totals',
  ]);
  await second.clock.advance(1000);
  await second.ssc.stop();
  t.deepEqual(second.outputs.get(3000), [['a', 2]], 'the new operator starts with empty state');
});

test('a checkpoint written with another batch interval is refused', async (t) => {
  const dir = await tempDir(t);
  const first = job(dir, runningCount);
  await first.ssc.start();
  await first.clock.advance(1000);
  await first.ssc.stop();
  const build = (): StreamingContext => {
    const ssc = new StreamingContext({ batchInterval: 2000, clock: new ManualClock(), checkpointDir: dir });
    ssc.queueStream<number>([]).foreachBatch(() => {});
    return ssc;
  };
  await t.throwsAsync(StreamingContext.getOrCreate(dir, build), {
    instanceOf: ConfigurationError,
    message: /batch interval 1000 ms, this job uses 2000 ms/,
  });
});

test('getOrCreate refuses a context that does not checkpoint to the same directory', async (t) => {
  const dir = await tempDir(t);
  const build = (): StreamingContext => {
    const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
    ssc.queueStream<number>([]).foreachBatch(() => {});
    return ssc;
  };
  await t.throwsAsync(StreamingContext.getOrCreate(dir, build), {
    instanceOf: ConfigurationError,
    message: /give it checkpointDir/,
  });
});

test('with no checkpoint, getOrCreate returns the context build made, and checkpoints are written', async (t) => {
  const dir = await tempDir(t);
  const made = await resume(dir, runningCount, 0);
  const written: number[] = [];
  made.ssc.events.subscribe((e) => {
    if (e.type === 'checkpointWritten') written.push(e.batchTime);
  });
  await made.ssc.start();
  await made.clock.advance(3000);
  await made.ssc.stop({ graceful: true });
  t.deepEqual(written, [0, 1000, 2000, 3000], 'the start (zero time), then every batch');
  t.is((await readdir(dir)).filter((f) => !f.startsWith('.')).length, 3, 'the newest three are kept');
});

test('mapWithState - driver failure recovery (Spark vector): state snapshots go on after a restart', async (t) => {
  const dir = await tempDir(t);
  const words = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];
  const stateData = [
    [],
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
  ];
  const build = (start: number, snapshots: unknown[][]): { ssc: StreamingContext; clock: ManualClock } => {
    const clock = new ManualClock(start);
    const ssc = new StreamingContext({
      batchInterval: 1000,
      clock,
      name: 'driver-recovery',
      checkpointDir: dir,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const runningCount = StateSpec.function(
      (_key: string, value: number | undefined, state: State<number>) => {
        state.update((state.getOption() ?? 0) + (value ?? 0));
        return state.get();
      },
    );
    ssc
      .queueStream(words.map((b) => [...b]))
      .map((w): [string, number] => [w, 1])
      .mapWithState(runningCount)
      .checkpoint(3000)
      .stateSnapshots()
      .foreachBatch((records) => {
        snapshots.push([...records].sort());
      });
    return { ssc, clock };
  };
  const before: unknown[][] = [];
  const first = build(0, before);
  await first.ssc.start();
  await first.clock.advance(3000);
  await first.ssc.stop();
  const after: unknown[][] = [];
  let second!: { ssc: StreamingContext; clock: ManualClock };
  const ssc = await StreamingContext.getOrCreate(dir, () => (second = build(3000, after)).ssc);
  await ssc.start();
  await second.clock.advance(4000);
  await ssc.stop();
  t.deepEqual(before, stateData.slice(0, 3));
  t.deepEqual(after, stateData.slice(3));
});
