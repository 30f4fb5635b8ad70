/**
 * The batch log: each batch's plan is durable before its outputs run, and after a crash the
 * batches past the checkpoint run again with the plans they ran with, never planned afresh. Also:
 * a job whose every checkpoint is unreadable refuses to start, and a damaged plan is refused.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigurationError,
  DirectoryCheckpointStore,
  ManualClock,
  StreamingContext,
  type StreamingEvent,
} from '../../../lib/index.js';
import { CountingSource } from '../../helpers/counting-source.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Numbers from `next` on, `perBatch` a batch: its plan is [first, end), like an offset range. */
class Numbers extends CountingSource {
  constructor(perBatch: number) {
    super('numbers', perBatch);
  }
}

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-batch-log-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A job summing its numbers with state, writing each batch's records, checkpointing every 3 s. */
function job(dir: string, start: number, source: Numbers, written: Map<number, number[]>) {
  const clock = new ManualClock(start);
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    checkpointDir: dir,
    checkpointInterval: 3000,
    logger: quiet,
  });
  let total = 0;
  const numbers = ssc.sourceStream(source).name('numbers');
  numbers.foreachBatch((records, time) => void written.set(time, records));
  numbers
    .map((n): [string, number] => ['sum', n])
    .updateStateByKey((values: number[], sum: number | undefined) => values.reduce((a, b) => a + b, sum ?? 0))
    .name('sum')
    .foreachBatch((records) => void (total = records[0]?.[1] ?? total));
  return { ssc, clock, total: () => total };
}

test('after a crash, the batches past the checkpoint run again with the plans they ran with', async (t) => {
  const dir = await tempDir(t);
  const firstWritten = new Map<number, number[]>();
  const first = job(dir, 0, new Numbers(3), firstWritten);
  await first.ssc.start();
  await first.clock.advance(5000); // batches 1000 to 5000; checkpoints at 0 and 3000
  // The first process dies here (abandoned, not stopped). The second reads 5 numbers a batch, as
  // a Kafka stream would read a longer range from a log that kept growing.
  const source = new Numbers(5);
  const written = new Map<number, number[]>();
  let second!: ReturnType<typeof job>;
  const ssc = await StreamingContext.getOrCreate(dir, () => (second = job(dir, 5000, source, written)).ssc);
  const restored = new Promise<StreamingEvent>((resolve) =>
    ssc.events.subscribe((e) => e.type === 'checkpointRestored' && resolve(e)),
  );
  await ssc.start();
  await second.clock.advance(1000);
  await ssc.stop();
  t.like(await restored, { batchTime: 3000, pending: [4000, 5000], replayed: [4000, 5000] });
  t.deepEqual(source.replanned, [4000, 5000], 'replayed from the batch log');
  t.deepEqual(source.planned, [6000], 'only the new batch was planned');
  t.deepEqual(written.get(4000), firstWritten.get(4000), 'batch 4000 holds what it held before');
  t.deepEqual(written.get(5000), firstWritten.get(5000));
  t.deepEqual(written.get(6000), [15, 16, 17, 18, 19], 'the next batch goes on from where 5000 ended');
  const expected = Array.from({ length: 20 }, (_, i) => i).reduce((a, b) => a + b, 0);
  t.is(second.total(), expected, 'every number summed once');
});

test("a batch's plan is in the store before its outputs run, and plans go with old checkpoints", async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  const seenByOutput: number[][] = [];
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, checkpointStore: store, logger: quiet });
  ssc.sourceStream(new Numbers(2)).foreachBatch(async (_, time) => {
    const { plans } = await store.readPlans();
    seenByOutput.push([time, ...plans.map((p) => p.time)]);
  });
  await ssc.start();
  await clock.advance(5000);
  await ssc.stop();
  t.deepEqual(seenByOutput[0], [1000, 1000], "batch 1000's output saw its plan");
  t.true(seenByOutput.every(([time, ...times]) => times.includes(time as number)));
  const files = (await readdir(dir)).sort();
  t.deepEqual(
    files.filter((f) => f.startsWith('plans-')).map((f) => Number(f.slice(6))),
    [4000, 5000],
    'only the plans after the oldest checkpoint kept (3000) remain',
  );
});

test('a job whose every checkpoint is unreadable refuses to start, and says how to start afresh', async (t) => {
  const dir = await tempDir(t);
  const first = job(dir, 0, new Numbers(1), new Map());
  await first.ssc.start();
  await first.clock.advance(3000);
  await first.ssc.stop();
  for (const name of (await readdir(dir)).filter((f) => f.startsWith('checkpoint-'))) {
    await writeFile(join(dir, name), 'not a checkpoint');
  }
  const error = await t.throwsAsync(
    StreamingContext.getOrCreate(dir, () => job(dir, 3000, new Numbers(1), new Map()).ssc),
    { instanceOf: ConfigurationError },
  );
  t.regex(error.message, /every checkpoint in directory .* is unreadable/);
  t.regex(error.message, /discardUnreadableCheckpoints: true/);

  const source = new Numbers(1);
  let again!: ReturnType<typeof job>;
  const ssc = await StreamingContext.getOrCreate(dir, () => (again = job(dir, 3000, source, new Map())).ssc, {
    discardUnreadableCheckpoints: true,
  });
  await ssc.start();
  await again.clock.advance(1000);
  await ssc.stop();
  t.deepEqual(source.replanned, [], 'started afresh: nothing replayed');
  t.is(again.total(), 0, 'with empty state');
});

test('a damaged plan in the batch log is refused, naming it', async (t) => {
  const dir = await tempDir(t);
  const first = job(dir, 0, new Numbers(1), new Map());
  await first.ssc.start();
  await first.clock.advance(4000); // checkpoint 3000, plan of 4000 past it
  const plan = (await readdir(dir))
    .filter((f) => f.startsWith('plans-'))
    .sort()
    .at(-1) as string;
  await writeFile(join(dir, plan), 'torn');
  const error = await t.throwsAsync(
    StreamingContext.getOrCreate(dir, () => job(dir, 4000, new Numbers(1), new Map()).ssc),
    { instanceOf: ConfigurationError },
  );
  t.regex(error.message, new RegExp(`batch log .* is damaged: ${plan}`));
});
