/**
 * textFileStream's maxBytesPerBatch (backpressure for a directory source): new files past a
 * batch's byte budget wait for the next batches, in name order, and are never skipped.
 */
import test from 'ava';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../../../../lib/errors.js';
import { collect, setup } from '../../receiver/harness.js';

async function workspace(t: { teardown: (fn: () => Promise<void>) => void }) {
  const root = await mkdtemp(join(tmpdir(), 'kindling-max-bytes-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'incoming');
  const staging = join(root, 'staging');
  await mkdir(dir);
  await mkdir(staging);
  const moveIn = async (name: string, text: string): Promise<void> => {
    await writeFile(join(staging, name), text);
    await rename(join(staging, name), join(dir, name));
  };
  return { dir, moveIn };
}

test('files past maxBytesPerBatch wait for later batches, in name order, none skipped', async (t) => {
  const { dir, moveIn } = await workspace(t);
  const { clock, ssc } = setup();
  const out = collect(ssc.textFileStream(dir, { maxBytesPerBatch: 10 }));
  await ssc.start();
  await moveIn('a', 'a1\na2\n'); // 6 bytes
  await moveIn('b', 'b1\n'); // 3 bytes: 9 in all
  await moveIn('c', 'c1\nc2\n'); // 6 bytes: would make 15
  await moveIn('d', 'd-is-a-long-line\n'); // 17 bytes: over the limit alone, read alone
  await moveIn('e', 'e1\n');
  await clock.advance(1000);
  await moveIn('f', 'f1\n');
  await clock.advance(4000);
  await ssc.stop();
  t.deepEqual(out, [
    { time: 1000, records: ['a1', 'a2', 'b1'] },
    { time: 2000, records: ['c1', 'c2'] },
    { time: 3000, records: ['d-is-a-long-line'] },
    { time: 4000, records: ['e1', 'f1'] },
    { time: 5000, records: [] },
  ]);
});

test('maxBytesPerBatch must be positive', (t) => {
  const { ssc } = setup();
  t.throws(() => ssc.textFileStream('/nonexistent', { maxBytesPerBatch: 0 }), {
    instanceOf: ConfigurationError,
    message: /maxBytesPerBatch must be a positive number of bytes, got 0/,
  });
});
