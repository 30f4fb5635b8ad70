/**
 * The checkpoint benchmark: how long Kindling takes to checkpoint word-count state
 * (`encodeCheckpoint` + `DirectoryCheckpointStore.write`: v8 serialize, crc32, temp file, fsync,
 * rename, directory fsync, retention) for 10k, 100k and 1M keys, as a `Map` and as `[key, value]`
 * pairs, and to recover it (`readAll` + `decodeCheckpoint`). Beside each, the baseline in the same
 * run: `JSON.stringify` + `fs.writeFile` of the same data (no fsync, no checksum, not atomic), and
 * `fs.readFile` + `JSON.parse` back. Median of several runs after a warm-up. What is read back
 * must equal what was written, for Kindling and the baseline. Then the write-ahead log's figures.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js';
import { DirectoryCheckpointStore } from '../../lib/checkpoint/directory-store.js';
import { median, type BenchOptions, type BenchResult, type BenchRow } from '../result.js';
import { compareState, fromJson, toJson, wordCounts, type StateShape, type WordCounts } from './state.js';
import { measureWal } from './wal.js';

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface CheckpointSettings {
  /** Numbers of keys of the state whose checkpoint write is timed. */
  readonly sizes: readonly number[];
  /** Number of keys of the state whose recovery (read + decode) is timed. */
  readonly recoveryKeys: number;
  /** Measured runs of each figure (after one warm-up run each); the median is reported. */
  readonly runs: number;
}

export const FULL: CheckpointSettings = {
  sizes: [10_000, 100_000, 1_000_000],
  recoveryKeys: 100_000,
  runs: 7,
};
export const QUICK: CheckpointSettings = { sizes: [10_000], recoveryKeys: 10_000, runs: 2 };

const SHAPES: readonly StateShape[] = ['Map', 'pairs', 'columns'];
/** Checkpoints a store keeps (the default), so recovery reads what a real directory holds. */
const KEEP = 3;

async function ms(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function label(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runCheckpoint(
  options: BenchOptions,
  settings?: CheckpointSettings,
): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'kindling-bench-checkpoint-'));
  log(`checkpoint: sizes ${s.sizes.map(label).join(', ')} keys, ${s.runs} runs, in ${dir}`);
  const rows: BenchRow[] = [];
  const ratios: Record<string, number> = {};
  const problems: string[] = [];
  const check = (who: string, actual: unknown, expected: WordCounts): void => {
    const problem = compareState(actual, expected);
    if (problem) problems.push(`${who}: ${problem}`);
  };
  const pair = (metric: string, kindling: number[], baseline: number[]): void => {
    rows.push({ system: 'kindling', metric, value: median(kindling) });
    rows.push({ system: 'json-fs', metric, value: median(baseline) });
    ratios[`kindling / json-fs (${metric})`] = median(kindling) / median(baseline);
  };

  /**
   * Recovery: `readAll` reads and checks every checkpoint in the store, then the newest is
   * decoded; measured with KEEP checkpoints in the store and with one, runs interleaved with the
   * baseline's (read one JSON file, parse, rebuild the Map).
   */
  const measureRecovery = async (shape: StateShape): Promise<void> => {
    const n = s.recoveryKeys;
    const state = wordCounts(n, shape);
    const stores = [KEEP, 1].map((kept) => {
      return new DirectoryCheckpointStore(join(dir, `recover-${shape}-${kept}`), { keep: kept });
    });
    for (const store of stores)
      for (let i = 1; i <= KEEP; i++) await store.write(i * 1000, encodeCheckpoint(state));
    const jsonFile = join(dir, `recover-${shape}.json`);
    await writeFile(jsonFile, toJson(state));
    const times: [number[], number[], number[]] = [[], [], []];
    for (let run = 0; run <= s.runs; run++) {
      const measured: number[] = [];
      for (const [i, store] of stores.entries()) {
        let k: unknown;
        measured.push(
          await ms(async () => {
            const newest = (await store.readAll()).checkpoints[0];
            k = newest && decodeCheckpoint(newest.data);
          }),
        );
        check(`kindling recovery ${shape} (store ${i}) run ${run}`, k, state);
      }
      let b: unknown;
      measured.push(await ms(async () => (b = fromJson(await readFile(jsonFile, 'utf8'), state))));
      check(`json-fs recovery ${shape} run ${run}`, b, state);
      if (run > 0) measured.forEach((time, i) => times[i as 0 | 1 | 2].push(time)); // run 0 is the warm-up
    }
    const [all, newestOnly, baseline] = times;
    pair(`recover ${shape} ${label(n)} keys (ms)`, all, baseline);
    rows.push({
      system: 'kindling',
      metric: `recover ${shape} ${label(n)} keys, 1 in store (ms)`,
      value: median(newestOnly),
    });
    log(
      `  recover ${shape} ${label(n)}: kindling ${median(all).toFixed(1)} ms (${KEEP} in store), ` +
        `${median(newestOnly).toFixed(1)} ms (1 in store), json-fs ${median(baseline).toFixed(1)} ms`,
    );
  };

  try {
    for (const shape of SHAPES) {
      for (const n of s.sizes) {
        const state = wordCounts(n, shape);
        const store = new DirectoryCheckpointStore(join(dir, `${shape}-${n}`), { keep: KEEP });
        const jsonFile = join(dir, `${shape}-${n}.json`);
        const kindling: number[] = [];
        const encoding: number[] = [];
        const baseline: number[] = [];
        for (let run = 0; run <= s.runs; run++) {
          let bytes: Uint8Array = new Uint8Array(0);
          const e = await ms(async () => (bytes = encodeCheckpoint(state)));
          const k = e + (await ms(() => store.write((run + 1) * 1000, bytes)));
          const b = await ms(() => writeFile(jsonFile, toJson(state)));
          if (run === 0) continue; // the warm-up
          kindling.push(k);
          encoding.push(e);
          baseline.push(b);
        }
        const newest = (await store.readAll()).checkpoints[0];
        check(`kindling ${shape} ${n}`, newest && decodeCheckpoint(newest.data), state);
        check(`json-fs ${shape} ${n}`, fromJson(await readFile(jsonFile, 'utf8'), state), state);
        const metric = `write ${shape} ${label(n)} keys (ms)`;
        pair(metric, kindling, baseline);
        rows.push({
          system: 'kindling',
          metric: `of which encode ${shape} ${label(n)} (ms)`,
          value: median(encoding),
        });
        rows.push({
          system: 'kindling',
          metric: `${shape} ${label(n)} keys (bytes)`,
          value: newest?.data.length ?? 0,
        });
        rows.push({
          system: 'json-fs',
          metric: `${shape} ${label(n)} keys (bytes)`,
          value: (await stat(jsonFile)).size,
        });
        log(
          `  write ${shape} ${label(n)}: kindling ${median(kindling).toFixed(1)} ms, json-fs ${median(baseline).toFixed(1)} ms`,
        );
      }

      await measureRecovery(shape);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  for (const problem of problems) log(`  MISMATCH ${problem}`);
  return { name: 'checkpoint', rows, ratios, correct: problems.length === 0 };
}

/** The entry point `bench/run.ts` calls: the checkpoint figures, then the write-ahead log's. */
export default async function checkpoint(options: BenchOptions): Promise<BenchResult> {
  const result = await runCheckpoint(options);
  const wal = await measureWal({ quick: options.quick, ...(options.log ? { log: options.log } : {}) });
  return {
    ...result,
    rows: [...result.rows, ...wal.rows],
    ratios: { ...result.ratios, ...wal.ratios },
    correct: result.correct && wal.correct,
  };
}
