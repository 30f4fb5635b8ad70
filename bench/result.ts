/**
 * What a benchmark reports, and how `bench/run.ts` prints and stores it. Benchmarks measure;
 * they do not assert timings. They do assert correctness: `correct` is false when the system
 * under test and its baseline disagree, and `npm run bench` then exits non-zero.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { SparkBaseline } from './baselines/spark.js';

/** One measured figure. */
export interface BenchRow {
  /** Who was measured: `kindling`, or a baseline such as `plain-js`. */
  readonly system: string;
  /** What was measured, with its unit: `words/s`, `empty batch (µs)`. */
  readonly metric: string;
  readonly value: number;
}

/** A benchmark's result, as written to `bench/results/<name>.json`. */
export interface BenchResult {
  readonly name: string;
  readonly rows: readonly BenchRow[];
  /** Named ratios between rows, e.g. `{ 'kindling / plain-js (words/s)': 0.93 }`. */
  readonly ratios: Readonly<Record<string, number>>;
  /** True when every output checked against its baseline agreed. */
  readonly correct: boolean;
  /** Systems that were not measured, with the reason (e.g. Spark without `mvn`): never faked. */
  readonly skipped?: readonly SkippedSystem[];
  /** Short findings for the report: how a figure was measured, a target missed and why. */
  readonly notes?: readonly string[];
  /** True when the figures come from the `--quick` form of the benchmark. */
  readonly quick?: boolean;
  /** When the run ended (ISO 8601), set by `bench/run.ts`. */
  readonly measuredAt?: string;
  /** The machine's 1, 5 and 15 minute load averages as the run ended, set by `bench/run.ts`. */
  readonly loadAverage?: readonly number[];
}

/** A system a benchmark could not measure, and why. */
export interface SkippedSystem {
  readonly system: string;
  readonly reason: string;
}

/** Options every benchmark takes. */
export interface BenchOptions {
  /** Small sizes and fewer repetitions, for a first look (see `bench/run.ts`). */
  readonly quick: boolean;
  /**
   * How a benchmark gets the servers it needs: `start` those not running (and stop them after),
   * the default; or `running`: use only those already running and report the rest as skipped,
   * with how to include them (what `npm run bench -- --quick` does, to stay within a minute).
   */
  readonly servers?: 'start' | 'running';
  /** Where progress lines go. Default: nowhere. */
  readonly log?: (line: string) => void;
  /**
   * The Spark Streaming baseline of this process, started on first use (see
   * `bench/baselines/spark.ts`; each benchmark runs in a process of its own when several run).
   * Absent: a benchmark starts its own.
   */
  readonly spark?: SparkProvider;
}

/** Hands out the run's Spark baseline, or the reason it is unavailable. */
export type SparkProvider = () => Promise<SparkBaseline | { readonly skipped: string }>;

/** A benchmark module's default export. */
export type Benchmark = (options: BenchOptions) => Promise<BenchResult>;

/**
 * The result as a plain-text table, one row per figure, then the ratios and the check.
 *
 * @example
 * console.log(formatTable(result));
 */
export function formatTable(result: BenchResult): string {
  const header = ['system', 'metric', 'value'] as const;
  const body = result.rows.map((r) => [r.system, r.metric, formatNumber(r.value)] as const);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  const out = [`== ${result.name}`, line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of body) out.push(line(row));
  for (const [name, value] of Object.entries(result.ratios)) out.push(`ratio ${name}: ${value.toFixed(3)}`);
  for (const skip of result.skipped ?? []) out.push(`skipped ${skip.system}: ${skip.reason}`);
  for (const note of result.notes ?? []) out.push(`note: ${note}`);
  out.push(`correct: ${result.correct ? 'yes' : 'NO: outputs disagree with the baseline'}`);
  return out.join('\n');
}

/** Numbers as the table shows them: thousands separated, at most 3 significant decimals. */
export function formatNumber(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(4)).toString();
}

/** Writes `result` to `<dir>/<name>.json` and returns the file's path. */
export async function writeResult(dir: string, result: BenchResult): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = `${dir}/${result.name}.json`;
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/**
 * The `p`-th percentile of `values` (0 < p ≤ 100), nearest rank: the smallest value with at least
 * p % of the values at or below it.
 *
 * @example
 * percentile([5, 1, 4, 2, 3], 99); // 5
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
