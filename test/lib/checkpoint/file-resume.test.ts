/**
 * textFileStream resumes from the names a checkpoint saw: after a restart, files moved in while
 * the job was down are read, and files read before are not read again, so each counts once.
 */
import test from 'ava';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, StreamingContext } from '../../../lib/index.js';

function job(dir: string, start: number) {
  const clock = new ManualClock(start);
  const checkpointDir = join(dir, 'ckpt');
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    checkpointDir,
    name: 'files',
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  let state: [string, number][] = [];
  const read: string[][] = [];
  const lines = ssc.textFileStream(join(dir, 'in'));
  lines.foreachBatch((batch) => {
    read.push([...batch]);
  });
  lines
    .map((word): [string, number] => [word, 1])
    .updateStateByKey((ones: number[], n: number | undefined) => (n ?? 0) + ones.length)
    .name('counts')
    .foreachBatch((records) => {
      state = [...records].sort();
    });
  return { ssc, clock, checkpointDir, state: () => state, read };
}

/** Moves a complete file into the input directory, as textFileStream asks. */
async function moveIn(dir: string, name: string, words: string[]): Promise<void> {
  const temp = join(dir, `.${name}.tmp`);
  await writeFile(temp, words.join('\n') + '\n');
  await rename(temp, join(dir, 'in', name));
}

test('files moved in while the job was down are read after the restart, and old ones are not read again', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-file-resume-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'in'));

  const first = job(dir, 0);
  await first.ssc.start();
  await moveIn(dir, 'part-1', ['a', 'b']);
  await first.clock.advance(1000);
  await moveIn(dir, 'part-2', ['a']);
  await first.clock.advance(1000);
  await first.ssc.stop();
  t.deepEqual(first.read, [['a', 'b'], ['a']]);

  await moveIn(dir, 'part-3', ['c', 'a']); // while the job is down
  let second!: ReturnType<typeof job>;
  const ssc = await StreamingContext.getOrCreate(join(dir, 'ckpt'), () => {
    second = job(dir, 2000);
    return second.ssc;
  });
  await ssc.start();
  await moveIn(dir, 'part-4', ['b']);
  await second.clock.advance(1000);
  await second.clock.advance(1000);
  await ssc.stop();
  t.deepEqual(second.read, [['c', 'a', 'b'], []], 'part-3 and part-4 once, part-1 and part-2 not again');
  t.deepEqual(second.state(), [
    ['a', 3],
    ['b', 2],
    ['c', 1],
  ]);
});
