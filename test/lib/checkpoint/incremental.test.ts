/**
 * Incremental checkpoints of keyed state: after a whole one, each checkpoint of a mapWithState
 * job saves only the keys changed since the one before (its base, named in the file), a restart
 * makes the chain whole again, a damaged base sends the restart to an older checkpoint, and a
 * checkpoint whose base could not be written is not written either.
 */
import test from 'ava';
import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import {
  DirectoryCheckpointStore,
  ManualClock,
  StateSpec,
  StreamingContext,
  type CheckpointStore,
  type State,
  type StreamingEvent,
} from '../../../lib/index.js';

/** Batch n holds words; a word `-x` removes the state of x. */
const input = [['a', 'b', 'c', 'd'], ['a'], ['b', '-c'], ['e'], ['a', 'c'], ['-a', 'f'], ['b'], ['g'], ['a']];

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-incremental-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Job {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  /** Every [word, count] after each batch, sorted. */
  readonly states: Map<number, [string, number][]>;
  readonly warnings: string[];
}

function job(store: CheckpointStore | undefined, start = 0): Job {
  const clock = new ManualClock(start);
  const warnings: string[] = [];
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    name: 'counts',
    ...(store === undefined ? {} : { checkpointStore: store }),
    logger: { ...quiet, warn: (message: string) => warnings.push(message) },
  });
  const states = new Map<number, [string, number][]>();
  const pairs = ssc.queueStream(input.map((b) => [...b])).map((w): [string, number] => [w, 1]);
  const removals = pairs.filter(([w]) => w.startsWith('-')).map(([w]): [string, number] => [w.slice(1), 0]);
  pairs
    .filter(([w]) => !w.startsWith('-'))
    .union(removals)
    .mapWithState(
      StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
        if (one === 0) state.remove();
        else state.update((state.getOption() ?? 0) + (one ?? 0));
        return word;
      }),
    )
    .name('counts')
    .stateSnapshots()
    .foreachBatch((pairs, time) => {
      states.set(
        time,
        [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      );
    });
  return { ssc, clock, states, warnings };
}

async function uninterrupted(): Promise<Map<number, [string, number][]>> {
  const { ssc, clock, states } = job(undefined);
  await ssc.start();
  await clock.advance(input.length * 1000);
  await ssc.stop();
  return states;
}

async function checkpointNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.startsWith('checkpoint-')).sort();
}

async function resume(dir: string, start: number): Promise<{ job: Job; event: StreamingEvent }> {
  let made: Job | undefined;
  const ssc = await StreamingContext.getOrCreate(
    dir,
    () => (made = job(new DirectoryCheckpointStore(dir), start)).ssc,
  );
  if (!made || made.ssc !== ssc) throw new Error('getOrCreate did not return what build made');
  const restored = firstValueFrom(ssc.events.pipe(filter((e) => e.type === 'checkpointRestored')));
  await ssc.start();
  return { job: made, event: await restored };
}

test('after a whole checkpoint each one saves the changes on the one before, and a restart makes them whole', async (t) => {
  const dir = await tempDir(t);
  const first = job(new DirectoryCheckpointStore(dir));
  await first.ssc.start();
  await first.clock.advance(5000);
  await first.ssc.stop();
  const names = await checkpointNames(dir);
  // The start (no state yet) and batch 1000 are whole; 2000 on 1000, ... (keep 3, with their bases).
  t.deepEqual(names, [
    'checkpoint-0000000000001000',
    'checkpoint-0000000000002000-on-0000000000001000',
    'checkpoint-0000000000003000-on-0000000000002000',
    'checkpoint-0000000000004000-on-0000000000003000',
    'checkpoint-0000000000005000-on-0000000000004000',
  ]);
  const { job: second, event } = await resume(dir, 5000);
  t.is((event as { batchTime: number }).batchTime, 5000);
  await second.clock.advance((input.length - 5) * 1000);
  await second.ssc.stop();
  const expected = await uninterrupted();
  for (let time = 6000; time <= input.length * 1000; time += 1000)
    t.deepEqual(second.states.get(time), expected.get(time), `state after batch ${time}`);
  const after = await checkpointNames(dir);
  t.true(
    after.includes('checkpoint-0000000000006000'),
    'the first checkpoint after a restart is whole: the restored state counted no changes',
  );
  t.false(
    after.some((name) => name.startsWith('checkpoint-0000000000001000')),
    'old chains are deleted',
  );
});

test('a damaged base sends the restart to the newest checkpoint whose chain reads back', async (t) => {
  const dir = await tempDir(t);
  const first = job(new DirectoryCheckpointStore(dir));
  await first.ssc.start();
  await first.clock.advance(5000);
  await first.ssc.stop();
  await truncate(join(dir, 'checkpoint-0000000000004000-on-0000000000003000'), 30);
  const { job: second, event } = await resume(dir, 5000);
  const restored = event as Extract<StreamingEvent, { type: 'checkpointRestored' }>;
  t.is(restored.batchTime, 3000);
  t.deepEqual(
    restored.skipped.map((s) => s.name),
    ['checkpoint-0000000000004000-on-0000000000003000', 'checkpoint-0000000000005000-on-0000000000004000'],
  );
  t.regex(
    restored.skipped[1]?.reason ?? '',
    /changes since the checkpoint of time 4000, which is missing or unreadable/,
  );
  await second.clock.advance((input.length - 3) * 1000);
  await second.ssc.stop();
  const expected = await uninterrupted();
  for (let time = 4000; time <= input.length * 1000; time += 1000)
    t.deepEqual(second.states.get(time), expected.get(time), `state after batch ${time}`);
});

/** A directory store whose write of one time fails. */
class FailingOnce extends DirectoryCheckpointStore {
  constructor(
    dir: string,
    private readonly failAt: number,
  ) {
    super(dir);
  }

  override async write(time: number, data: Uint8Array, base?: number): Promise<void> {
    if (time === this.failAt) throw new Error('disk full');
    return super.write(time, data, base);
  }
}

test('a checkpoint on a base whose write failed is not written, and the next one is whole', async (t) => {
  const dir = await tempDir(t);
  const first = job(new FailingOnce(dir, 3000));
  const failed: string[] = [];
  first.ssc.events.subscribe((e) => {
    if (e.type === 'checkpointFailed') failed.push(`${e.batchTime}: ${e.error.message}`);
  });
  await first.ssc.start();
  await first.clock.advance(6000);
  await first.ssc.stop();
  t.is(failed.length, 1);
  t.regex(failed[0] ?? '', /^3000: .*disk full/);
  const names = await checkpointNames(dir);
  t.true(names.includes('checkpoint-0000000000004000'), `4000 is whole: ${names.join(', ')}`);
  t.true(names.includes('checkpoint-0000000000005000-on-0000000000004000'));
  const { job: second } = await resume(dir, 6000);
  await second.clock.advance((input.length - 6) * 1000);
  await second.ssc.stop();
  const expected = await uninterrupted();
  t.deepEqual(second.states.get(input.length * 1000), expected.get(input.length * 1000));
});

test('updateStateByKey checkpoints save the keys changed since the one before (under a quarter of them), and resume to the same state', async (t) => {
  const dir = await tempDir(t);
  const build = (start: number) => {
    const clock = new ManualClock(start);
    const ssc = new StreamingContext({
      batchInterval: 1000,
      clock,
      name: 'totals',
      checkpointDir: dir,
      logger: quiet,
    });
    const out = new Map<number, [string, number][]>();
    ssc
      .queueStream(input.map((b) => [...b]))
      .map((w): [string, number] => [w.replace('-', ''), w.startsWith('-') ? -1 : 1])
      .updateStateByKey(
        (ones: number[], total: number | undefined) => {
          if (ones.includes(-1)) return undefined; // a word -x removes x
          return ones.length === 0 ? total : (total ?? 0) + ones.length;
        },
        // Enough keys that a batch changes fewer than a quarter of them: then only those are saved.
        { initialState: Array.from({ length: 20 }, (_, i): [string, number] => [`k${i}`, i]) },
      )
      .name('totals')
      .foreachBatch(
        (pairs, time) =>
          void out.set(
            time,
            [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
          ),
      );
    return { ssc, clock, out };
  };
  const first = build(0);
  await first.ssc.start();
  await first.clock.advance(5000);
  await first.ssc.stop();
  t.true((await checkpointNames(dir)).includes('checkpoint-0000000000005000-on-0000000000004000'));
  let second: ReturnType<typeof build> | undefined;
  const ssc = await StreamingContext.getOrCreate(dir, () => (second = build(5000)).ssc);
  await ssc.start();
  await second?.clock.advance((input.length - 5) * 1000);
  await ssc.stop();
  const through = build(0);
  await rm(dir, { recursive: true, force: true });
  await through.ssc.start();
  await through.clock.advance(input.length * 1000);
  await through.ssc.stop();
  for (let time = 6000; time <= input.length * 1000; time += 1000)
    t.deepEqual(second?.out.get(time), through.out.get(time), `state after batch ${time}`);
});

test('a checkpoint holds no completed input batch unless a window over the input still needs it', async (t) => {
  const { takeCheckpoint } = await import('../../../lib/checkpoint/checkpoint.js');
  const saved = async (window: boolean): Promise<number[]> => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'inputs', logger: quiet });
    const lines = ssc.queueStream(input.map((b) => [...b]));
    (window ? lines.window(3000, 1000) : lines.map((w) => w.length)).foreachBatch(() => undefined);
    await ssc.start();
    await clock.advance(5000);
    const data = takeCheckpoint(ssc.graph, 5000, 0);
    await ssc.stop();
    return (data.inputs[0]?.batches ?? []).map(([time]) => time);
  };
  t.deepEqual(await saved(false), [], 'a restart never reads a completed batch of a stateless job again');
  t.deepEqual(await saved(true), [3000, 4000, 5000], 'the 3 s window after a restart still reads them');
});

test('with an output over state sliding 2 s, checkpoints wait for its batches, and a restart after an odd batch loses nothing', async (t) => {
  const dir = await tempDir(t);
  const build = (start: number, checkpointDir?: string) => {
    const clock = new ManualClock(start);
    const infos: string[] = [];
    const ssc = new StreamingContext({
      batchInterval: 1000,
      clock,
      name: 'sliding',
      ...(checkpointDir === undefined ? {} : { checkpointDir }),
      logger: { ...quiet, info: (message: string) => infos.push(message) },
    });
    const out = new Map<number, [string, number][]>();
    ssc
      .queueStream(input.map((b) => [...b]))
      .map((w): [string, number] => [w.replace('-', ''), 1])
      .reduceByKeyAndWindow(
        (a, b) => a + b,
        (a, b) => a - b,
        4000,
        2000,
      )
      .foreachBatch(
        (pairs, time) =>
          void out.set(
            time,
            [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
          ),
      );
    return { ssc, clock, out, infos };
  };
  const first = build(0, dir);
  await first.ssc.start();
  await first.clock.advance(5000);
  await first.ssc.stop();
  t.true(first.infos.some((m) => /checkpoints every 2000 ms instead of every 1000 ms/.test(m)));
  t.deepEqual(
    (await checkpointNames(dir)).map((name) => name.slice(11, 27)).map(Number),
    [0, 2000, 4000],
    'the start, then no checkpoint at an odd time, not even at the stop',
  );
  let second: ReturnType<typeof build> | undefined;
  const ssc = await StreamingContext.getOrCreate(dir, () => (second = build(4000, dir)).ssc);
  await ssc.start();
  await second?.clock.advance((input.length - 4) * 1000);
  await ssc.stop();
  const through = build(0);
  await through.ssc.start();
  await through.clock.advance(input.length * 1000);
  await through.ssc.stop();
  for (let time = 6000; time <= input.length * 1000; time += 2000)
    t.deepEqual(second?.out.get(time), through.out.get(time), `window ending ${time}`);
});
