/**
 * The write-ahead log is cleaned once no checkpoint the store keeps needs it: segments whose
 * every block belongs to batches up to the oldest checkpoint kept (of three, by default) are
 * deleted, and the segment being written is kept.
 */
import test from 'ava';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, Receiver, StreamingContext } from '../../../lib/index.js';

class Pushed extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

function job(dir: string, start: number) {
  const clock = new ManualClock(start);
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    checkpointDir: dir,
    writeAheadLog: true,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const receiver = new Pushed('pushed');
  let state: [string, number][] = [];
  ssc
    .receiverStream(receiver)
    .map((w): [string, number] => [w, 1])
    .updateStateByKey((ones: number[], n: number | undefined) => (n ?? 0) + ones.length)
    .name('counts')
    .foreachBatch((records) => {
      state = [...records].sort();
    });
  return { ssc, clock, receiver, state: () => state };
}

test('segments of blocks that a written checkpoint covers are deleted; the active one is kept', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-wal-clean-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const logDir = join(dir, 'received', 'receiverStream');
  const segments = async (): Promise<string[]> => (await readdir(logDir)).sort();

  const first = job(dir, 0);
  await first.ssc.start();
  await first.receiver.store(['a', 'b']);
  await first.clock.advance(1000);
  await first.receiver.store(['c']);
  await first.clock.advance(1000);
  await first.ssc.stop();
  const firstRun = await segments();
  t.true(firstRun.length > 0, 'the first run logged its blocks');

  // A restarted job writes a new segment; the first run's are kept until a checkpoint covers them.
  let second!: ReturnType<typeof job>;
  const ssc = await StreamingContext.getOrCreate(dir, () => (second = job(dir, 2000)).ssc);
  await ssc.start();
  t.deepEqual(await segments(), firstRun, 'nothing is cleaned before the first checkpoint');
  await second.receiver.store(['d']);
  await second.clock.advance(2000);
  t.deepEqual(
    (await segments()).filter((name) => firstRun.includes(name)),
    firstRun,
    'kept while the store keeps a checkpoint of the first run (a restart may fall back to it)',
  );
  await second.clock.advance(1000); // the third checkpoint of this run: the oldest kept is 3000's
  const after = await segments();
  t.deepEqual(
    after.filter((name) => firstRun.includes(name)),
    [],
    "the first run's segments are gone",
  );
  t.is(after.length, 1, 'the segment being written is kept');
  t.deepEqual(second.state(), [
    ['a', 1],
    ['b', 1],
    ['c', 1],
    ['d', 1],
  ]);
  await ssc.stop();
});

test('within one run, the log rolls every 60 s and a checkpoint deletes the rolled segment', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-wal-roll-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const logDir = join(dir, 'received', 'receiverStream');
  const segments = async (): Promise<string[]> => (await readdir(logDir)).sort();
  const run = job(dir, 0);
  await run.ssc.start();
  await run.receiver.store(['a']);
  await run.clock.advance(1000);
  const [early, ...others] = await segments();
  t.deepEqual(others, [], 'one segment so far');
  await run.clock.advance(58_000); // batches up to 59000, each checkpointed
  t.deepEqual(await segments(), [early], 'the segment being written is never deleted');
  // The log writes each batch's allocation too: the first write after 60 s starts a new segment,
  // and once the oldest checkpoint kept is after it, the first one goes. The state checkpoints are
  // incremental (whole at 1000, then 10 on their bases, whole at 12000, ... 56000, 67000): the three
  // newest are kept with the chain back to their whole one, so that happens from 67000 on.
  await run.clock.advance(11_000);
  const after = await segments();
  t.false(after.includes(early as string), 'the rolled segment was deleted');
  t.is(after.length, 1);
  await run.receiver.store(['b']);
  await run.clock.advance(1000);
  t.deepEqual(run.state(), [
    ['a', 1],
    ['b', 1],
  ]);
  await run.ssc.stop();
});
