/**
 * DirectoryCheckpointStore on real temp directories: round trip, order, retention, corrupt and
 * truncated files, crash leftovers, rewrites, missing directories.
 */
import test from 'ava';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryCheckpointStore } from '../../../lib/checkpoint/directory-store.js';
import { CHECKPOINT_HEADER_BYTES } from '../../../lib/checkpoint/format.js';
import { ConfigurationError, KindlingError } from '../../../lib/errors.js';

async function tempDir(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-ckpt-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const name = (time: number): string => `checkpoint-${String(time).padStart(16, '0')}`;

test('round trip: what is written reads back, with its time and name', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  const data = text('state at 1000');
  await store.write(1000, data);
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(skipped, []);
  t.deepEqual(checkpoints, [{ time: 1000, name: name(1000), data }]);
  t.deepEqual(await readdir(dir), [name(1000)]);
  t.is(store.description, `directory ${dir}`);
});

test('an empty payload round trips', async (t) => {
  const store = new DirectoryCheckpointStore(await tempDir(t));
  await store.write(0, new Uint8Array(0));
  const { checkpoints } = await store.readAll();
  t.is(checkpoints.length, 1);
  t.is(checkpoints[0]?.data.byteLength, 0);
});

test('newest first, by time and not by the order of writes or of names as text', async (t) => {
  const store = new DirectoryCheckpointStore(await tempDir(t), { keep: 10 });
  for (const time of [9000, 10000, 2000, 100000]) await store.write(time, text(`at ${time}`));
  const { checkpoints } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => c.time),
    [100000, 10000, 9000, 2000],
  );
  t.deepEqual(new TextDecoder().decode(checkpoints[0]?.data), 'at 100000');
});

test('keep-N retention deletes all but the newest N after each write', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir, { keep: 2 });
  for (let time = 1000; time <= 5000; time += 1000) await store.write(time, bytes(time / 1000));
  t.deepEqual((await readdir(dir)).sort(), [name(4000), name(5000)]);
  const { checkpoints } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => [c.time, c.data[0]]),
    [
      [5000, 5],
      [4000, 4],
    ],
  );
});

test('retention never deletes the checkpoint just written, even when newer ones exist', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir, { keep: 1 });
  await store.write(9000, bytes(9));
  await store.write(3000, bytes(3));
  t.deepEqual((await readdir(dir)).sort(), [name(3000), name(9000)]);
  await store.write(4000, bytes(4));
  t.deepEqual((await readdir(dir)).sort(), [name(4000), name(9000)]);
});

test('a truncated newest checkpoint is skipped with its reason and the older one returned', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  await store.write(1000, new Uint8Array(600).fill(1));
  await store.write(2000, new Uint8Array(1000).fill(2));
  await truncate(join(dir, name(2000)), CHECKPOINT_HEADER_BYTES + 512);
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => c.time),
    [1000],
  );
  t.deepEqual(skipped, [
    { name: name(2000), reason: 'truncated: header says 1000 bytes, file has 512 (after the header)' },
  ]);
});

test('a file cut inside the header, or empty, is truncated', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  await store.write(1000, text('a'));
  await store.write(2000, text('b'));
  await truncate(join(dir, name(1000)), 10);
  await truncate(join(dir, name(2000)), 0);
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(checkpoints, []);
  t.deepEqual(skipped, [
    { name: name(2000), reason: 'truncated: the file is empty' },
    { name: name(1000), reason: 'truncated: the file has 10 bytes, less than the 20-byte header' },
  ]);
});

test('a flipped payload byte gives a checksum mismatch', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  await store.write(1000, text('older'));
  await store.write(2000, text('newer state'));
  const path = join(dir, name(2000));
  const file = await readFile(path);
  file.writeUInt8(file.readUInt8(CHECKPOINT_HEADER_BYTES + 3) ^ 0x01, CHECKPOINT_HEADER_BYTES + 3);
  await writeFile(path, file);
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => c.time),
    [1000],
  );
  t.is(skipped.length, 1);
  t.is(skipped[0]?.name, name(2000));
  t.regex(
    skipped[0]?.reason ?? '',
    /^checksum mismatch: header says crc32 0x[0-9a-f]{8}, payload has 0x[0-9a-f]{8}$/,
  );
});

test('a newer format version and foreign bytes are skipped with what is wrong', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  await store.write(1000, text('x'));
  const path = join(dir, name(1000));
  const file = await readFile(path);
  file.writeUInt32BE(7, 4);
  await writeFile(path, file);
  await writeFile(join(dir, name(2000)), '{"json": true}');
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(checkpoints, []);
  t.deepEqual(skipped, [
    { name: name(2000), reason: "not a Kindling checkpoint: it does not start with the magic bytes 'KCKP'" },
    { name: name(1000), reason: 'unknown format version 7; written by a newer Kindling?' },
  ]);
});

test('a leftover temp file (a crash mid-write) is ignored and cleaned by a later write', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  await store.write(1000, text('good'));
  const leftover = `.${name(2000)}.4242-1.tmp`;
  await writeFile(join(dir, leftover), 'half a checkp');
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => c.time),
    [1000],
  );
  t.deepEqual(skipped, []);
  await store.write(1500, text('earlier than the leftover'));
  t.true((await readdir(dir)).includes(leftover), 'a temp file of a later time is left alone');
  await store.write(2000, text('the same time again'));
  t.deepEqual((await readdir(dir)).sort(), [name(1000), name(1500), name(2000)]);
});

test('files that do not match the naming pattern are ignored and kept', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir, { keep: 1 });
  const others = ['checkpoint-1000', 'notes.txt', `${name(1000)}.bk`, 'checkpoint-000000000000100x'];
  for (const other of others) await writeFile(join(dir, other), 'not mine');
  await store.write(2000, text('mine'));
  await store.write(3000, text('mine'));
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => c.time),
    [3000],
  );
  t.deepEqual(skipped, []);
  await store.clear();
  t.deepEqual((await readdir(dir)).sort(), [...others].sort());
});

test('writing the same time again replaces it', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  await store.write(1000, text('first'));
  await store.write(1000, text('second, longer'));
  const { checkpoints } = await store.readAll();
  t.deepEqual(checkpoints, [{ time: 1000, name: name(1000), data: text('second, longer') }]);
  t.deepEqual(await readdir(dir), [name(1000)]);
});

test('writes started together run in call order and all land', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir, { keep: 3 });
  await Promise.all([1000, 2000, 3000, 4000].map((time) => store.write(time, bytes(time / 1000))));
  const { checkpoints } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => c.data[0]),
    [4, 3, 2],
  );
});

test('an empty or missing directory has no checkpoints; a write creates it', async (t) => {
  const dir = await tempDir(t);
  t.deepEqual(await new DirectoryCheckpointStore(dir).readAll(), { checkpoints: [], skipped: [] });
  const missing = join(dir, 'not', 'yet');
  const store = new DirectoryCheckpointStore(missing);
  t.deepEqual(await store.readAll(), { checkpoints: [], skipped: [] });
  await store.clear();
  await store.write(1000, text('x'));
  t.deepEqual(await readdir(missing), [name(1000)]);
});

test('clear removes every checkpoint and temp file', async (t) => {
  const dir = await tempDir(t);
  const store = new DirectoryCheckpointStore(dir);
  await store.write(1000, text('a'));
  await store.write(2000, text('b'));
  await writeFile(join(dir, `.${name(3000)}.1-1.tmp`), 'x');
  await store.clear();
  t.deepEqual(await readdir(dir), []);
  t.deepEqual((await store.readAll()).checkpoints, []);
});

test('bad options, times and directories fail with what to fix', async (t) => {
  const dir = await tempDir(t);
  t.throws(() => new DirectoryCheckpointStore(dir, { keep: 0 }), {
    instanceOf: ConfigurationError,
    message: /keep must be a whole number of at least 1, got 0/,
  });
  const store = new DirectoryCheckpointStore(dir);
  await t.throwsAsync(store.write(-1000, text('x')), { instanceOf: KindlingError, message: /got -1000/ });
  await t.throwsAsync(store.write(1.5, text('x')), { instanceOf: KindlingError, message: /got 1.5/ });
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  const underFile = new DirectoryCheckpointStore(join(file, 'ckpt'));
  await t.throwsAsync(underFile.write(1000, text('x')), {
    instanceOf: ConfigurationError,
    message: /is a file or lies under one/,
  });
  await t.throwsAsync(new DirectoryCheckpointStore(file).readAll(), { instanceOf: ConfigurationError });
});
