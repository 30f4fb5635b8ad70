/**
 * Workload 3 of issue 7: small batches. Word count over 100 ms batches at 50k records/s (one
 * word a record, see `WORDS`) in real
 * time (each system's own clock and listener: Kindling's `batchCompleted` events, Spark's
 * `StreamingListener`): p50 and p99 of the total delay (batch time to output done). Then the same
 * rate at shorter (or, if 100 ms does not hold, longer) intervals: the smallest interval each
 * system holds steady, steady meaning that the p95 scheduling delay stays within one interval (a
 * backlog that builds up makes it grow without bound). Spark with a checkpoint directory writes
 * its metadata checkpoint every batch, and Kindling checkpoints every batch too; Kindling runs once
 * more without checkpoints. Every run's counts must agree with the reference. Target: 100 ms
 * batches steady with p99 total delay ≤ 120 ms (Kindling with checkpoints).
 */
import { median, percentile, type BenchOptions, type BenchResult, type BenchRow } from '../result.js';
import { DigestCheck } from '../workload/check.js';
import { inputLines, WORDS } from '../workload/lines.js';
import { sparkCheckpointMs, type Measured, type RunSpec } from '../workload/run-spec.js';
import { compareSystems, KINDLING_NO_CHECKPOINT, type System } from '../workload/systems.js';

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface SmallBatchSettings {
  /** The rate, records/s (a record is one word). */
  readonly rate: number;
  readonly intervalMs: number;
  /** Real-time batches measured at `intervalMs`, after `warmupBatches`. */
  readonly batches: number;
  readonly warmupBatches: number;
  /** Intervals tried below `intervalMs` (in this order, stopping at the first that is not steady). */
  readonly shorterMs: readonly number[];
  /** Intervals tried above it when `intervalMs` is not steady. */
  readonly longerMs: readonly number[];
  /** Real time each try lasts, ms (after a warm-up of a quarter as long). */
  readonly tryMs: number;
}

export const FULL: SmallBatchSettings = {
  rate: 50_000,
  intervalMs: 100,
  batches: 300,
  warmupBatches: 30,
  shorterMs: [50, 20, 10, 5, 2, 1],
  longerMs: [200, 500, 1000],
  tryMs: 10_000,
};
/** Quick: 15 measured batches, two shorter intervals tried for half a second each (for each Kindling row). */
export const QUICK: SmallBatchSettings = {
  ...FULL,
  batches: 15,
  warmupBatches: 5,
  shorterMs: [20, 10],
  longerMs: [200, 500],
  tryMs: 500,
};

function spec(settings: SmallBatchSettings, intervalMs: number, batches: number): RunSpec {
  return {
    workload: 'wordcount',
    clock: 'system',
    intervalMs,
    linesPerBatch: Math.round((settings.rate * intervalMs) / 1000),
    batches,
    checkpointMs: sparkCheckpointMs('wordcount', intervalMs),
  };
}

/**
 * True when every batch of the run completed (a run that falls far behind is cut off) and the p95
 * scheduling delay of the measured ones is within one interval.
 */
export function steady(measured: Measured, spec: RunSpec, warmup: number): boolean {
  if (measured.schedulingMs.length < spec.batches) return false;
  return percentile(measured.schedulingMs.slice(warmup), 95) <= spec.intervalMs;
}

/** The p95 scheduling delay of the measured batches, or NaN when none was measured. */
function schedulingP95(measured: Measured, warmup: number): number {
  const measuredPart = measured.schedulingMs.slice(warmup);
  return measuredPart.length === 0 ? NaN : percentile(measuredPart, 95);
}

async function smallestSteady(
  system: System,
  s: SmallBatchSettings,
  check: DigestCheck,
  baseSteady: boolean,
  log: (line: string) => void,
): Promise<number> {
  const tryAt = async (intervalMs: number): Promise<boolean> => {
    const measuredBatches = Math.max(10, Math.round(s.tryMs / intervalMs));
    const warmup = Math.max(3, measuredBatches >> 2);
    const run = spec(s, intervalMs, warmup + measuredBatches);
    const measured = await system.run(run);
    check.verify(system.name, run, measured, true);
    const ok = steady(measured, run, warmup);
    log(
      `  ${system.name}: ${intervalMs} ms batches -> ${measured.schedulingMs.length} of ${run.batches} batches done, p95 scheduling delay ${schedulingP95(measured, warmup).toFixed(0)} ms, ${ok ? 'steady' : 'NOT steady'}`,
    );
    return ok;
  };
  if (baseSteady) {
    let smallest = s.intervalMs;
    for (const intervalMs of s.shorterMs) {
      if (!(await tryAt(intervalMs))) break;
      smallest = intervalMs;
    }
    return smallest;
  }
  for (const intervalMs of s.longerMs) if (await tryAt(intervalMs)) return intervalMs;
  return NaN;
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runSmallBatches(
  options: BenchOptions,
  settings?: SmallBatchSettings,
): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const { file, lines } = inputLines(WORDS);
  const systems = await compareSystems(options, file, lines);
  const check = new DigestCheck(lines);
  const rows: BenchRow[] = [];
  const notes: string[] = [
    `intervals tried below ${s.intervalMs} ms: ${s.shorterMs.join(', ')} ms (stopping at the first not steady); above it when ${s.intervalMs} ms is not steady: ${s.longerMs.join(', ')} ms`,
    `${s.rate} records/s (one word each) in real time; ${s.warmupBatches} warm-up batches, then ${s.batches} measured; total delay = batch time to output done, from each system's listener; steady = p95 scheduling delay ≤ the interval`,
    `checkpoints: Spark with a checkpoint directory writes its metadata checkpoint every batch (in the background; a word count has no state), and kindling checkpoints every batch at every interval tried (taken once the batch has completed, written in the background, into a temp directory: its delays leave the checkpoint out, a batch due while one is taken waits); ${KINDLING_NO_CHECKPOINT} never`,
  ];
  try {
    const order = [systems.kindling, systems.kindlingNoCheckpoint, ...(systems.spark ? [systems.spark] : [])];
    for (const system of order) {
      log(`small-batches: ${system.name}, ${s.intervalMs} ms batches at ${s.rate} records/s`);
      const run = spec(s, s.intervalMs, s.warmupBatches + s.batches);
      const measured = await system.run(run);
      check.verify(system.name, run, measured, true);
      const total = measured.totalMs.slice(s.warmupBatches);
      const p50 = total.length > 0 ? median(total) : NaN;
      const p99 = total.length > 0 ? percentile(total, 99) : NaN;
      const isSteady = steady(measured, run, s.warmupBatches);
      log(
        `  ${system.name}: total delay p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${isSteady ? 'steady' : 'NOT steady'}`,
      );
      rows.push({
        system: system.name,
        metric: `total delay p50 (ms), ${s.intervalMs} ms batches`,
        value: p50,
      });
      rows.push({
        system: system.name,
        metric: `total delay p99 (ms), ${s.intervalMs} ms batches`,
        value: p99,
      });
      rows.push({
        system: system.name,
        metric: `processing p50 (ms), ${s.intervalMs} ms batches`,
        value: total.length > 0 ? median(measured.processingMs.slice(s.warmupBatches)) : NaN,
      });
      rows.push({
        system: system.name,
        metric: `steady at ${s.intervalMs} ms (1 = yes)`,
        value: isSteady ? 1 : 0,
      });
      const smallest = await smallestSteady(system, s, check, isSteady, log);
      rows.push({ system: system.name, metric: 'smallest steady interval (ms)', value: smallest });
      if (system.name === 'kindling') {
        const met = isSteady && p99 <= 120;
        notes.push(
          `kindling at ${s.intervalMs} ms: ${isSteady ? 'steady' : 'NOT steady'}, p99 total delay ${p99.toFixed(0)} ms (target: steady, p99 ≤ 120 ms): ${met ? 'met' : `missed${p99 > 120 ? ` by ${Math.round(p99 - 120)} ms` : ''}`}`,
        );
      }
      if (Number.isNaN(smallest))
        notes.push(
          `${system.name} held none of the intervals tried (${[s.intervalMs, ...s.longerMs].join(', ')} ms) at ${s.rate} records/s`,
        );
    }
  } finally {
    await systems.close();
  }
  for (const problem of check.problems) log(`  MISMATCH ${problem}`);
  return {
    name: 'small-batches',
    rows,
    ratios: {},
    correct: check.problems.length === 0,
    skipped: systems.skipped,
    notes,
    quick: options.quick,
  };
}

/** The entry point `bench/run.ts` calls. */
export default function smallBatches(options: BenchOptions): Promise<BenchResult> {
  return runSmallBatches(options);
}
