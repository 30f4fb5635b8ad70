/**
 * Write-ahead log throughput: 1 KiB records appended one at a time (each append awaited, as a
 * receiver stores a block) to a `FileWriteAheadLog` with fsync `'never'`, `{ intervalMs: 100 }`
 * and `'always'` (fewer records), and with 64 appends in flight. Beside it, in the same run, the
 * baseline: the same frame bytes written by a plain `FileHandle.write` loop, without fsync and
 * with a `datasync` after each write. Reports records/s and MB/s of payload (median of the runs).
 * Every record the log wrote must read back intact and in order (`readAll`, and `read` of a
 * sample of pointers); the baseline's file must hold every frame.
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FsyncPolicy, WalPointer } from '../../lib/types.js';
import { FileWriteAheadLog } from '../../lib/wal/file-wal.js';
import { encodeFrame, scanFrames } from '../../lib/wal/segment.js';
import { median, type BenchRow } from '../result.js';

/** Sizes of one run; the defaults are what the checkpoint benchmark uses. */
export interface WalSettings {
  /** Records per run with fsync `'never'` and `{ intervalMs: 100 }`. */
  readonly records: number;
  /** Records per run with fsync `'always'` (each waits for the disk). */
  readonly syncedRecords: number;
  /** Measured runs of each figure (after one warm-up run of each); the median is reported. */
  readonly runs: number;
}

export const WAL_FULL: WalSettings = { records: 50_000, syncedRecords: 500, runs: 5 };
export const WAL_QUICK: WalSettings = { records: 3_000, syncedRecords: 50, runs: 1 };

const RECORD_BYTES = 1024;
/** Distinct payloads; record i carries payload i % POOL. */
const POOL = 1024;
const IN_FLIGHT = 64;

const payloads = Array.from({ length: POOL }, (_, k) => {
  const data = new Uint8Array(RECORD_BYTES);
  for (let i = 0; i < RECORD_BYTES; i++) data[i] = (k * 131 + i) & 0xff;
  new DataView(data.buffer).setUint32(0, k);
  return data;
});
const frames = payloads.map((data, k) => encodeFrame(data, k));
const payloadOf = (i: number): Uint8Array => payloads[i % POOL] as Uint8Array;

interface Case {
  readonly label: string;
  readonly fsync: FsyncPolicy;
  readonly records: (s: WalSettings) => number;
  readonly inFlight: number;
  /** The baseline beside it: a write loop, with a datasync after each write or none. */
  readonly baseline?: 'none' | 'each';
}

const CASES: readonly Case[] = [
  { label: 'fsync never', fsync: 'never', records: (s) => s.records, inFlight: 1, baseline: 'none' },
  {
    label: `fsync never, ${IN_FLIGHT} in flight`,
    fsync: 'never',
    records: (s) => s.records,
    inFlight: IN_FLIGHT,
  },
  { label: 'fsync every 100 ms', fsync: { intervalMs: 100 }, records: (s) => s.records, inFlight: 1 },
  { label: 'fsync always', fsync: 'always', records: (s) => s.syncedRecords, inFlight: 1, baseline: 'each' },
];

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Appends `n` records with `inFlight` appends outstanding at a time; returns their pointers. */
async function appendAll(wal: FileWriteAheadLog, n: number, inFlight: number): Promise<WalPointer[]> {
  const pointers: WalPointer[] = new Array<WalPointer>(n);
  for (let i = 0; i < n; i += inFlight) {
    const last = Math.min(n, i + inFlight);
    const batch: Promise<WalPointer>[] = [];
    for (let j = i; j < last; j++) batch.push(wal.append(payloadOf(j), j));
    (await Promise.all(batch)).forEach((pointer, k) => (pointers[i + k] = pointer));
  }
  return pointers;
}

/** What is wrong with what the log in `dir` reads back, or undefined when all `n` records are intact. */
async function checkWal(
  dir: string,
  n: number,
  pointers: readonly WalPointer[],
): Promise<string | undefined> {
  const wal = await FileWriteAheadLog.open(dir, { fsync: 'never' });
  try {
    const corrupt: string[] = [];
    let i = 0;
    for await (const { time, data } of wal.readAll((seg, offset, reason) =>
      corrupt.push(`${seg}@${offset}: ${reason}`),
    )) {
      if (time !== i || !Buffer.from(data).equals(payloadOf(i)))
        return `record ${i} reads back wrong (time ${time})`;
      i++;
    }
    if (corrupt.length > 0) return `reported damage: ${corrupt.join('; ')}`;
    if (i !== n) return `read back ${i} records, wrote ${n}`;
    for (let k = 0; k < n; k += Math.max(1, Math.floor(n / 97))) {
      if (!Buffer.from(await wal.read(pointers[k] as WalPointer)).equals(payloadOf(k)))
        return `read(pointer ${k}) differs`;
    }
    return undefined;
  } finally {
    await wal.close();
  }
}

/** Writes `n` frames with a plain FileHandle loop; returns what is wrong with the file, if anything. */
async function rawWrites(
  file: string,
  n: number,
  sync: 'none' | 'each',
): Promise<{ time: number; problem?: string }> {
  const handle = await open(file, 'a');
  let time: number;
  try {
    time = await seconds(async () => {
      for (let i = 0; i < n; i++) {
        await handle.write(frames[i % POOL] as Uint8Array);
        if (sync === 'each') await handle.datasync();
      }
    });
  } finally {
    await handle.close();
  }
  const { frames: read, stop } = scanFrames(await readFile(file));
  await rm(file);
  const intact = read.length === n && stop === undefined && read.every((f, i) => f.time === i % POOL);
  return intact ? { time } : { time, problem: `raw file holds ${read.length} intact frames of ${n}` };
}

/**
 * Measures the write-ahead log beside a raw `fs` write loop; see the module summary.
 *
 * @example
 * const { rows, correct } = await measureWal({ quick: true, log: console.log });
 */
export async function measureWal(options: {
  readonly quick: boolean;
  readonly log?: (line: string) => void;
  readonly settings?: WalSettings;
}): Promise<{ rows: BenchRow[]; ratios: Record<string, number>; correct: boolean }> {
  const s = options.settings ?? (options.quick ? WAL_QUICK : WAL_FULL);
  const log = options.log ?? (() => undefined);
  const root = await mkdtemp(join(tmpdir(), 'kindling-bench-wal-'));
  log(
    `wal: ${s.records} records of ${RECORD_BYTES} bytes (${s.syncedRecords} with fsync always), ${s.runs} runs, in ${root}`,
  );
  const rows: BenchRow[] = [];
  const ratios: Record<string, number> = {};
  const problems: string[] = [];
  let dirs = 0;
  const fresh = (): string => join(root, `run-${dirs++}`);
  const report = (system: string, label: string, n: number, times: number[]): number => {
    const rate = n / median(times);
    rows.push({ system, metric: `wal records/s (1 KiB, ${label})`, value: rate });
    rows.push({ system, metric: `wal MB/s (1 KiB, ${label})`, value: (rate * RECORD_BYTES) / 1e6 });
    return rate;
  };
  try {
    for (const c of CASES) {
      const n = c.records(s);
      const walTimes: number[] = [];
      const rawTimes: number[] = [];
      for (let run = 0; run <= s.runs; run++) {
        const dir = fresh();
        const wal = await FileWriteAheadLog.open(dir, { fsync: c.fsync });
        let pointers: WalPointer[] = [];
        const time = await seconds(async () => (pointers = await appendAll(wal, n, c.inFlight)));
        await wal.close();
        const problem = await checkWal(dir, n, pointers);
        if (problem) problems.push(`kindling, ${c.label}, run ${run}: ${problem}`);
        if (run > 0) walTimes.push(time);
        if (c.baseline) {
          const raw = await rawWrites(join(root, `raw-${run}`), n, c.baseline);
          if (raw.problem) problems.push(`raw-fs, ${c.label}, run ${run}: ${raw.problem}`);
          if (run > 0) rawTimes.push(raw.time);
        }
        await rm(dir, { recursive: true, force: true });
      }
      const rate = report('kindling', c.label, n, walTimes);
      log(`  kindling ${c.label}: ${Math.round(rate).toLocaleString('en-US')} records/s`);
      if (c.baseline) {
        const rawRate = report('raw-fs', c.label, n, rawTimes);
        ratios[`kindling / raw-fs (wal records/s, ${c.label})`] = rate / rawRate;
        log(`  raw-fs   ${c.label}: ${Math.round(rawRate).toLocaleString('en-US')} records/s`);
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  for (const problem of problems) log(`  MISMATCH ${problem}`);
  return { rows, ratios, correct: problems.length === 0 };
}
