/**
 * Workload 2 of issue 7: windowed word count, a 30 s window sliding every 1 s, incremental
 * (`reduceByKeyAndWindow` with the inverse function, zero counts filtered), for Kindling, the
 * plain loop and Spark Streaming `local[2]`: the highest rate sustained (as in
 * `streaming-wordcount`, each probe first filling the window), and the time per batch at a fixed
 * rate as the window grows from 10 s to 60 s, which should stay flat. Every run's per-window
 * counts must agree with the reference. Spark cannot run the incremental window without
 * checkpoints: it checkpoints the window every 10 s (and its metadata every batch), and Kindling
 * checkpoints every 10 s too; Kindling runs once more without checkpoints. Target: Kindling ≥ 2×
 * Spark.
 */
import { median, type BenchOptions, type BenchResult, type BenchRow } from '../result.js';
import { DigestCheck } from '../workload/check.js';
import { inputLines, LINES } from '../workload/lines.js';
import { sparkCheckpointMs, type RunSpec } from '../workload/run-spec.js';
import {
  measureSustained,
  noRateNote,
  rateMetric,
  rateRatio,
  ratioTargetNote,
  sustainedRate,
  type NamedRate,
  type Sustained,
  type SustainedSettings,
} from '../workload/sustained.js';
import { compareSystems, KINDLING_NO_CHECKPOINT, type System } from '../workload/systems.js';

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface WindowedSettings {
  readonly sustained: SustainedSettings;
  /** The windows of the flatness sweep, ms. */
  readonly sweepWindowsMs: readonly number[];
  /** The fixed rate of the sweep, lines/s. */
  readonly sweepRate: number;
  /** Batches the sweep measures once a window is full. */
  readonly sweepBatches: number;
}

const INTERVAL = 1000;

export const FULL: WindowedSettings = {
  sustained: {
    workload: 'windowed',
    intervalMs: INTERVAL,
    windowMs: 30_000,
    // 35: the window fills after 30, and the 40th batch, among the 5 measured, checkpoints (both
    // systems checkpoint every 10 s), as do 3 of the 30 of a real-time run.
    warmupBatches: 35,
    probeBatches: 5,
    realTimeBatches: 30,
    realTimeRuns: 3,
    startRate: 5_000,
    maxProbes: 6,
    precision: 1.15,
    minRate: 100,
  },
  sweepWindowsMs: [10_000, 20_000, 30_000, 60_000],
  sweepRate: 2_000,
  sweepBatches: 10,
};

/**
 * Quick: 250 ms batches, the search on a 1 s window (the cost per batch does not depend on the
 * window: see the sweep), a coarser search of 3 probes, no real-time run; the sweep from 2.5 s to
 * 10 s.
 */
export const QUICK: WindowedSettings = {
  sustained: {
    ...FULL.sustained,
    intervalMs: 250,
    windowMs: 1_000,
    warmupBatches: 5,
    probeBatches: 2,
    realTimeBatches: 0,
    maxProbes: 3,
    precision: 1.3,
  },
  sweepWindowsMs: [2_500, 10_000],
  sweepRate: 2_000,
  sweepBatches: 3,
};

/** Which of a run's `batches` batches checkpoint, and whether they are measured (after `warmup`). */
function checkpointBatches(
  batches: number,
  intervalMs: number,
  checkpointMs: number,
  warmup: number,
): string {
  const at: string[] = [];
  for (let n = 1; n <= batches; n++) {
    if ((n * intervalMs) % checkpointMs === 0) at.push(`${n}${n > warmup ? ' (measured)' : ''}`);
  }
  return at.length === 0 ? 'none' : at.join(', ');
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runWindowed(options: BenchOptions, settings?: WindowedSettings): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const interval = s.sustained.intervalMs;
  const checkpointMs = sparkCheckpointMs('windowed', interval);
  const { file, lines } = inputLines();
  const systems = await compareSystems(options, file, lines);
  const check = new DigestCheck(lines);
  const found = new Map<string, Sustained>();
  const sweep = new Map<string, number[]>();
  try {
    const order: System[] = [
      systems.kindling,
      systems.kindlingNoCheckpoint,
      systems.plain,
      ...(systems.spark ? [systems.spark] : []),
    ];
    for (const system of order) {
      const warm: RunSpec = {
        workload: 'windowed',
        clock: 'manual',
        intervalMs: interval,
        windowMs: 3 * interval,
        linesPerBatch: 20_000,
        batches: 6,
        checkpointMs,
      };
      check.verify(`${system.name} (warm-up)`, warm, await system.run(warm));
    }
    for (const system of order) {
      log(`windowed: ${system.name}'s time per batch at ${s.sweepRate} lines/s as the window grows`);
      const times: number[] = [];
      for (const windowMs of s.sweepWindowsMs) {
        const run: RunSpec = {
          workload: 'windowed',
          clock: 'manual',
          intervalMs: interval,
          windowMs,
          linesPerBatch: Math.round((s.sweepRate * interval) / 1000),
          batches: windowMs / interval + s.sweepBatches,
          checkpointMs,
        };
        const measured = await system.run(run);
        check.verify(system.name, run, measured);
        times.push(median(measured.processingMs.slice(windowMs / interval)));
        log(
          `  ${system.name}: window ${windowMs / 1000} s -> median ${times.at(-1)?.toFixed(1)} ms per batch`,
        );
      }
      sweep.set(system.name, times);
    }
    for (const system of order) {
      log(
        `windowed: searching ${system.name}'s sustained rate (window ${(s.sustained.windowMs ?? 0) / 1000} s)`,
      );
      found.set(system.name, await measureSustained(system, s.sustained, check, log));
    }
  } finally {
    await systems.close();
  }
  const words = LINES.wordsPerLine;
  const windowS = (s.sustained.windowMs ?? 0) / 1000;
  const rows: BenchRow[] = [];
  for (const [system, result] of found) {
    rows.push({
      system,
      metric: rateMetric(result, 'words/s', `${windowS} s window, ${interval / 1000} s slide`),
      value: sustainedRate(result) * words,
    });
    if (result.realTime) {
      rows.push({
        system,
        metric: 'search: highest rate passed (words/s)',
        value: result.search.rate * words,
      });
      rows.push({
        system,
        metric: `real time: runs until held (at most ${s.sustained.realTimeRuns})`,
        value: result.realTime.tries,
      });
      rows.push({ system, metric: 'real time: p95 processing (ms)', value: result.realTime.processingP95 });
      rows.push({
        system,
        metric: 'real time: max scheduling delay (ms)',
        value: result.realTime.schedulingMax,
      });
    }
  }
  for (const [system, times] of sweep) {
    s.sweepWindowsMs.forEach((windowMs, i) =>
      rows.push({
        system,
        metric: `ms per batch, ${windowMs / 1000} s window at ${s.sweepRate * words} words/s`,
        value: times[i] ?? NaN,
      }),
    );
  }
  const ratios: Record<string, number> = {};
  const rate = (name: string): NamedRate => ({ name, found: found.get(name) });
  for (const [above, below] of [
    ['kindling', 'plain-js'],
    [KINDLING_NO_CHECKPOINT, 'plain-js'],
    ['kindling', KINDLING_NO_CHECKPOINT],
    ['kindling', 'spark'],
    [KINDLING_NO_CHECKPOINT, 'spark'],
  ] as const) {
    const ratio = rateRatio(rate(above), rate(below), 'words/s');
    if (ratio) ratios[ratio.name] = ratio.value;
  }
  for (const [system, times] of sweep) {
    ratios[`${system}: ms per batch, largest / smallest window`] = (times.at(-1) ?? NaN) / (times[0] ?? NaN);
  }
  const probe = s.sustained.warmupBatches + s.sustained.probeBatches;
  const realTime = s.sustained.warmupBatches + s.sustained.realTimeBatches;
  const notes = [
    `rates searched as in streaming-wordcount, each probe running ${s.sustained.warmupBatches} batches to fill the ${windowS} s window before ${s.sustained.probeBatches} measured ones; ${s.sustained.realTimeBatches > 0 ? `then ${s.sustained.realTimeBatches} batches in real time at the rate found, a rate being sustained when held there (run at most ${s.sustained.realTimeRuns} times, each ${s.sustained.precision}× lower than the last, until held)` : 'no real-time run in --quick, so no rate is named sustained'}; the plain loop runs on the manual clock only`,
    `checkpoints: Spark checkpoints the window every ${checkpointMs / 1000} s (its default for an inverse-function window, which cannot run without) and writes its metadata checkpoint every batch; kindling checkpoints every ${checkpointMs / 1000} s (its state and input batches, into a temp directory), ${KINDLING_NO_CHECKPOINT} and the plain loop never. Checkpoint batches among a probe's ${probe}: ${checkpointBatches(probe, interval, checkpointMs, s.sustained.warmupBatches)}${s.sustained.realTimeBatches > 0 ? `; among a real-time run's ${realTime}: ${checkpointBatches(realTime, interval, checkpointMs, s.sustained.warmupBatches)}` : ''}. On the manual clock a Kindling batch's time includes its checkpoint's write and Spark's its window's checkpoint (its metadata checkpoint is written in the background); in real time Kindling's processing delay leaves its checkpoint out (taken once the batch has completed, written in the background)`,
  ];
  if (found.has('spark')) notes.push(ratioTargetNote(found.get('kindling'), rate('spark'), 2));
  for (const [system, result] of found) {
    const none = noRateNote(system, result, s.sustained.intervalMs / 2);
    if (none) notes.push(none);
  }
  for (const [system, result] of found) {
    if (result.realTime && !result.realTime.held)
      notes.push(
        `${system} held none of the ${result.realTime.tries} rates tried in real time, the lowest ${Math.round(result.realTime.rate)} lines/s (p95 processing ${result.realTime.processingP95.toFixed(0)} ms); its figure is that rate, not held`,
      );
  }
  for (const problem of check.problems) log(`  MISMATCH ${problem}`);
  return {
    name: 'windowed',
    rows,
    ratios,
    correct: check.problems.length === 0,
    skipped: systems.skipped,
    notes,
    quick: options.quick,
  };
}

/** The entry point `bench/run.ts` calls. */
export default function windowed(options: BenchOptions): Promise<BenchResult> {
  return runWindowed(options);
}
