/**
 * FileWriteAheadLog on real temporary directories: round trips, segment rolls, damaged segments,
 * cleaning, reopening, concurrent appends and the fsync policies on a ManualClock.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readdir, rm, stat, truncate, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../lib/clock/manual-clock.js';
import { ConfigurationError, IllegalStateError, KindlingError } from '../../../lib/errors.js';
import type { WalPointer } from '../../../lib/types.js';
import { FileWriteAheadLog, type FileWalOptions } from '../../../lib/wal/file-wal.js';

async function workspace(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-wal-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a log that is closed at the end of the test (closing twice is harmless). */
async function openWal(t: ExecutionContext, dir: string, options: FileWalOptions = {}) {
  const wal = await FileWriteAheadLog.open(dir, { fsync: 'never', ...options });
  t.teardown(() => wal.close());
  return wal;
}

/** `size` bytes that say which record they belong to. */
function payload(n: number, size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (n * 7 + i) & 0xff;
  return data;
}

interface Corruption {
  readonly segment: string;
  readonly offset: number;
  readonly reason: string;
}

async function readAll(wal: FileWriteAheadLog) {
  const records: { pointer: WalPointer; time: number; data: Uint8Array }[] = [];
  const corrupt: Corruption[] = [];
  for await (const record of wal.readAll((segment, offset, reason) =>
    corrupt.push({ segment, offset, reason }),
  ))
    records.push({ ...record, data: record.data });
  return { records, corrupt, times: records.map((r) => r.time) };
}

const segments = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

test('records of 0 bytes, 1 byte, 1 MiB and sizes between round-trip through read and readAll', async (t) => {
  const dir = await workspace(t);
  const wal = await openWal(t, dir);
  const sizes = [0, 1, 1 << 20, 2, 1000, 0, 65_537, 3];
  const pointers: WalPointer[] = [];
  for (const [i, size] of sizes.entries()) pointers.push(await wal.append(payload(i, size), 1000 * (i + 1)));
  for (const [i, size] of sizes.entries())
    t.deepEqual(await wal.read(pointers[i] as WalPointer), payload(i, size));
  const { records, corrupt } = await readAll(wal);
  t.deepEqual(corrupt, []);
  t.deepEqual(
    records.map((r) => r.data),
    sizes.map((size, i) => payload(i, size)),
  );
  t.deepEqual(
    records.map((r) => r.time),
    sizes.map((_, i) => 1000 * (i + 1)),
  );
  t.deepEqual(
    records.map((r) => r.pointer),
    pointers,
  );
});

test('records keep their append order across segment rolls; segments stay under the limit', async (t) => {
  const dir = await workspace(t);
  const wal = await openWal(t, dir, { segmentMaxBytes: 4096 });
  const sizes = range(300).map((i) => (i * 37) % 500);
  sizes[150] = 10_000; // larger than a segment: it gets a segment of its own
  for (const [i, size] of sizes.entries()) await wal.append(payload(i, size), i);
  const names = await segments(dir);
  t.true(names.length > 10, `${names.length} segments`);
  t.deepEqual(names, [...names].sort(), 'segment names sort in append order');
  const sizesOnDisk = await Promise.all(names.map(async (name) => (await stat(join(dir, name))).size));
  t.is(sizesOnDisk.filter((size) => size > 4096).length, 1);
  t.true(sizesOnDisk.includes(10_020));
  const { records, corrupt, times } = await readAll(wal);
  t.deepEqual(corrupt, []);
  t.deepEqual(times, range(300));
  t.true(records.every((r, i) => Buffer.from(r.data).equals(payload(i, sizes[i] as number))));
  t.deepEqual(
    [...new Set(records.map((r) => r.pointer.segment))],
    names,
    'every segment holds records, in name order',
  );
});

test('a torn tail ends its segment, is reported, and later appends go to a new segment', async (t) => {
  const dir = await workspace(t);
  const first = await openWal(t, dir, { segmentMaxBytes: 2048 });
  const pointers: WalPointer[] = [];
  for (const i of range(40)) pointers.push(await first.append(payload(i, 100), i));
  await first.close();
  const last = pointers.at(-1) as WalPointer;
  const cut = pointers.filter((p) => p.segment === last.segment).at(-3) as WalPointer;
  await truncate(join(dir, cut.segment), cut.offset + 25); // mid-frame: header and 5 payload bytes
  const damagedSize = (await stat(join(dir, cut.segment))).size;

  const wal = await openWal(t, dir, { segmentMaxBytes: 2048 });
  const before = await readAll(wal);
  t.deepEqual(before.times, range(37), 'every record before the damage');
  t.is(before.corrupt.length, 1);
  t.like(before.corrupt[0], { segment: cut.segment, offset: cut.offset });
  t.regex(
    before.corrupt[0]?.reason ?? '',
    /torn tail: the frame at offset \d+ needs 120 bytes .* ends after 25/,
  );

  const added = await wal.append(payload(99, 10), 99);
  t.not(added.segment, cut.segment);
  t.true(added.segment > cut.segment, 'the new segment sorts after the damaged one');
  t.is((await stat(join(dir, cut.segment))).size, damagedSize, 'nothing is appended after the garbage');
  const after = await readAll(wal);
  t.deepEqual(after.times, [...range(37), 99]);
  t.deepEqual(after.records.at(-1)?.data, payload(99, 10));
  t.is(after.corrupt.length, 1, 'the damage is still reported, once');
});

test('a flipped payload byte ends that segment at the damaged record; other segments read on', async (t) => {
  const dir = await workspace(t);
  const first = await openWal(t, dir, { segmentMaxBytes: 2048 });
  const pointers: WalPointer[] = [];
  for (const i of range(60)) pointers.push(await first.append(payload(i, 100), i));
  await first.close();
  const bySegment = new Map<string, WalPointer[]>();
  for (const p of pointers) bySegment.set(p.segment, [...(bySegment.get(p.segment) ?? []), p]);
  const [, middle] = [...bySegment.keys()];
  const damaged = bySegment.get(middle as string)?.[4] as WalPointer;
  const damagedIndex = pointers.indexOf(damaged);
  const file = join(dir, damaged.segment);
  const bytes = await readFile(file);
  bytes[damaged.offset + 20 + 50] = (bytes[damaged.offset + 20 + 50] as number) ^ 0x10;
  await writeFile(file, bytes);

  const wal = await openWal(t, dir, { segmentMaxBytes: 2048 });
  const error = await t.throwsAsync(wal.read(damaged), { instanceOf: KindlingError });
  t.regex(error?.message ?? '', /checksum mismatch/);
  t.regex(error?.message ?? '', new RegExp(damaged.segment));
  t.deepEqual(await wal.read(pointers[damagedIndex - 1] as WalPointer), payload(damagedIndex - 1, 100));

  const { times, corrupt } = await readAll(wal);
  const lostInSegment = (bySegment.get(damaged.segment) ?? []).map((p) => pointers.indexOf(p)).slice(4);
  t.deepEqual(
    times,
    range(60).filter((i) => !lostInSegment.includes(i)),
  );
  t.is(corrupt.length, 1);
  t.like(corrupt[0], { segment: damaged.segment, offset: damaged.offset });
  t.regex(corrupt[0]?.reason ?? '', /checksum mismatch/);

  const added = await wal.append(payload(7, 7), 1000);
  t.deepEqual(await wal.read(added), payload(7, 7));
  t.deepEqual((await readAll(wal)).times.at(-1), 1000);
});

test('damage found in the segment being written makes the next append start a new segment', async (t) => {
  const dir = await workspace(t);
  const wal = await openWal(t, dir);
  const a = await wal.append(payload(1, 50), 1);
  await wal.append(payload(2, 50), 2);
  await truncate(join(dir, a.segment), a.length + 10);
  const { times, corrupt } = await readAll(wal);
  t.deepEqual(times, [1]);
  t.is(corrupt.length, 1);
  const c = await wal.append(payload(3, 50), 3);
  t.not(c.segment, a.segment);
  t.deepEqual((await readAll(wal)).times, [1, 3]);
});

test('clean deletes only segments whose every record is older than the time, never the active one', async (t) => {
  const dir = await workspace(t);
  const clock = new ManualClock();
  const options = { segmentMaxBytes: 1024, clock };
  const first = await openWal(t, dir, options);
  // ~9 records of 100 bytes per segment; times rise but are not sorted within a segment.
  for (const i of range(40)) await first.append(payload(i, 100), i % 2 === 0 ? i * 10 : i * 10 - 15);
  await first.close();
  const wal = await openWal(t, dir, options); // older segments' times are found by scanning them
  const all = (await readAll(wal)).records;
  const newestOf = (segment: string): number =>
    Math.max(...all.filter((r) => r.pointer.segment === segment).map((r) => r.time));
  const names = await segments(dir);
  await wal.clean(200);
  const kept = await segments(dir);
  t.deepEqual(
    kept,
    names.filter((name) => newestOf(name) >= 200),
  );
  t.true(kept.length < names.length && kept.length > 0);
  t.deepEqual(
    (await readAll(wal)).records.map((r) => r.time),
    all.filter((r) => kept.includes(r.pointer.segment)).map((r) => r.time),
  );
  const error = await t.throwsAsync(wal.read(all[0]?.pointer as WalPointer), { instanceOf: KindlingError });
  t.regex(error?.message ?? '', /was the segment cleaned/);

  const active = await wal.append(payload(1, 10), 5);
  await wal.append(payload(2, 10), 6);
  await wal.clean(Infinity);
  t.deepEqual(await segments(dir), [active.segment], 'only the active segment is left');
  t.deepEqual((await readAll(wal)).times, [5, 6]);
});

test('a reopened log sees every record written before close', async (t) => {
  const dir = await workspace(t);
  for (const round of range(3)) {
    const wal = await openWal(t, dir, { segmentMaxBytes: 8192 });
    for (const i of range(50)) await wal.append(payload(round * 50 + i, 300), round * 50 + i);
    await wal.close();
  }
  const wal = await openWal(t, dir);
  const { records, times, corrupt } = await readAll(wal);
  t.deepEqual(corrupt, []);
  t.deepEqual(times, range(150));
  t.true(records.every((r, i) => Buffer.from(r.data).equals(payload(i, 300))));
  await wal.close();
  await t.throwsAsync(wal.append(new Uint8Array(1), 1), {
    instanceOf: IllegalStateError,
    message: /is closed; open it again/,
  });
});

test('1000 concurrent appends land intact, in call order, gathered into few writes', async (t) => {
  const dir = await workspace(t);
  const wal = await openWal(t, dir, { fsync: 'always', segmentMaxBytes: 256 * 1024 });
  const pointers = await Promise.all(range(1000).map((i) => wal.append(payload(i, 1 + (i % 700)), i)));
  const offsets = pointers.map((p) => [p.segment, p.offset] as const);
  t.deepEqual(
    offsets,
    [...offsets].sort(([s1, o1], [s2, o2]) => (s1 === s2 ? o1 - o2 : s1 < s2 ? -1 : 1)),
  );
  const { records, times, corrupt } = await readAll(wal);
  t.deepEqual(corrupt, []);
  t.deepEqual(times, range(1000));
  t.true(records.every((r, i) => Buffer.from(r.data).equals(payload(i, 1 + (i % 700)))));
  const { writes, records: written, fsyncs } = wal.stats;
  t.is(written, 1000);
  t.true(writes < 100, `${writes} writes`);
  t.true(fsyncs <= writes + 1, `${fsyncs} fsyncs for ${writes} writes: one per write, not per record`);
});

test("fsync policies: 'always' syncs before resolving, intervalMs syncs on the clock, 'never' not at all", async (t) => {
  const dir = await workspace(t);
  const always = await openWal(t, join(dir, 'always'), { fsync: 'always' });
  await always.append(payload(1, 10), 1);
  t.is(always.stats.fsyncs, 1);
  await always.append(payload(2, 10), 2);
  t.is(always.stats.fsyncs, 2);

  const clock = new ManualClock();
  const timed = await openWal(t, join(dir, 'timed'), { fsync: { intervalMs: 100 }, clock });
  await timed.append(payload(1, 10), 1);
  t.is(timed.stats.fsyncs, 0, 'the append resolved before the fsync');
  await clock.advance(0);
  t.is(timed.stats.fsyncs, 1);
  await timed.append(payload(2, 10), 2);
  await timed.append(payload(3, 10), 3);
  await clock.advance(99);
  t.is(timed.stats.fsyncs, 1, 'at most one fsync per interval');
  await clock.advance(1);
  t.is(timed.stats.fsyncs, 2, 'both appends synced together');
  await clock.advance(1000);
  t.is(timed.stats.fsyncs, 2, 'nothing written, nothing synced');
  await timed.append(payload(4, 10), 4);
  await timed.close();
  t.is(timed.stats.fsyncs, 3, 'close syncs what is left');

  const never = await openWal(t, join(dir, 'never'), { fsync: 'never' });
  await never.append(payload(1, 10), 1);
  await never.close();
  t.is(never.stats.fsyncs, 0);
});

test('rollIntervalMs starts a new segment at the first append after the interval', async (t) => {
  const dir = await workspace(t);
  const clock = new ManualClock();
  const wal = await openWal(t, dir, { rollIntervalMs: 1000, clock });
  const a = await wal.append(payload(1, 10), 1000);
  await clock.advance(999);
  const b = await wal.append(payload(2, 10), 2000);
  await clock.advance(1);
  const c = await wal.append(payload(3, 10), 3000);
  t.is(a.segment, b.segment);
  t.not(b.segment, c.segment);
  t.regex(c.segment, /^log-\d{12}-3000$/, 'named after its first record time');
});

test('bad options, pointers and times are refused with messages that say what is wrong', async (t) => {
  const dir = await workspace(t);
  await t.throwsAsync(FileWriteAheadLog.open(dir, { fsync: { intervalMs: 0 } }), {
    instanceOf: ConfigurationError,
    message: /fsync interval 0 ms must be a number > 0/,
  });
  await t.throwsAsync(FileWriteAheadLog.open(dir, { segmentMaxBytes: 10 }), {
    instanceOf: ConfigurationError,
  });
  const wal = await openWal(t, dir);
  await t.throwsAsync(wal.append(new Uint8Array(1), Number.NaN), { message: /time NaN must be a finite/ });
  const p = await wal.append(payload(1, 10), 1);
  await t.throwsAsync(wal.read({ ...p, segment: '../etc/passwd' }), { message: /is not a segment name/ });
  await t.throwsAsync(wal.read({ ...p, length: p.length + 1 }), {
    message: /segment ends 30 bytes into its 31/,
  });
  await t.throwsAsync(wal.read({ ...p, length: 5 }), { message: /not a frame's/ });
});

test('close waits for the appends already called, and a second close is harmless', async (t) => {
  const dir = await workspace(t);
  const wal = await FileWriteAheadLog.open(dir, { fsync: 'always' });
  const appends = range(20).map((i) => wal.append(payload(i, 64), i));
  await wal.close();
  await wal.close();
  t.is((await Promise.all(appends)).length, 20);
  const reopened = await openWal(t, dir);
  t.deepEqual((await readAll(reopened)).times, range(20));
});
