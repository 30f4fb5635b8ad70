/**
 * The "highest sustained rate" measurement of the word-count and windowed benchmarks: a search on
 * the rate (see `search.ts`) whose probes run batches on a manual clock as fast as they complete
 * (a probe passes when the p90 of its measured batches' processing time is at most half the
 * interval), then a run in real time at the rate found, whose delays the system's own listener
 * reports. The rate a system sustains is the one it holds in real time (the issue's definition:
 * processing within half the interval over 30 s): a rate the search found but real time did not
 * hold is tried again a step of the search's precision lower, a few times. Every run
 * checkpoints at the interval Spark uses for the workload (`sparkCheckpointMs`), which the
 * systems that do not checkpoint ignore. Only a rate held in real time is named sustained in a
 * benchmark's rows and ratios ({@link rateMetric}, {@link rateRatio}).
 */
import { percentile, median } from '../result.js';
import type { DigestCheck } from './check.js';
import { sparkCheckpointMs, type Measured, type RunSpec, type Workload } from './run-spec.js';
import { targetNote } from './targets.js';
import { searchSustainedRate, type SearchResult } from './search.js';
import type { System } from './systems.js';

/** How a sustained-rate measurement runs. */
export interface SustainedSettings {
  readonly workload: Workload;
  readonly intervalMs: number;
  readonly windowMs?: number;
  /** Batches run first and left out of a probe's figure (JIT, and filling the window). */
  readonly warmupBatches: number;
  /** Batches a probe measures. */
  readonly probeBatches: number;
  /** Batches the real-time run measures after its warm-up (0: no real-time run). */
  readonly realTimeBatches: number;
  /** Real-time runs at most, each a step of `precision` below the last, which did not hold. */
  readonly realTimeRuns: number;
  /** The first rate probed, lines/s. */
  readonly startRate: number;
  readonly maxProbes: number;
  readonly precision: number;
  /** The lowest rate probed, lines/s: a system that fails there sustains no rate worth naming. */
  readonly minRate: number;
}

/** What the measurement found for one system. */
export interface Sustained {
  readonly search: SearchResult;
  /** The last real-time run: at the highest rate held, or the lowest tried (absent if none ran). */
  readonly realTime?: {
    /** The rate run, lines/s. */
    readonly rate: number;
    /** How many real-time runs it took (each after the last did not hold). */
    readonly tries: number;
    /** p95 of the measured batches' processing time, ms. */
    readonly processingP95: number;
    readonly processingMedian: number;
    /** Largest scheduling delay of the measured batches, ms. */
    readonly schedulingMax: number;
    /** True when the p95 processing time stayed within half the interval. */
    readonly held: boolean;
  };
}

function spec(settings: SustainedSettings, clock: RunSpec['clock'], rate: number, measured: number): RunSpec {
  return {
    workload: settings.workload,
    clock,
    intervalMs: settings.intervalMs,
    linesPerBatch: Math.max(1, Math.round((rate * settings.intervalMs) / 1000)),
    batches: settings.warmupBatches + measured,
    ...(settings.windowMs === undefined ? {} : { windowMs: settings.windowMs }),
    checkpointMs: sparkCheckpointMs(settings.workload, settings.intervalMs),
  };
}

function measuredPart(values: readonly number[], warmup: number): number[] {
  return values.slice(warmup);
}

/**
 * Measures `system`'s highest sustained rate (lines/s) under `settings`, every run checked by
 * `check`; a run that disagrees fails its probe.
 *
 * @example
 * const found = await measureSustained(systems.kindling, settings, check, console.log);
 */
export async function measureSustained(
  system: System,
  settings: SustainedSettings,
  check: DigestCheck,
  log: (line: string) => void,
): Promise<Sustained> {
  const limitMs = settings.intervalMs / 2;
  const search = await searchSustainedRate(
    async (rate) => {
      const run = spec(settings, 'manual', rate, settings.probeBatches);
      const measured: Measured = await system.run(run);
      const agrees = check.verify(system.name, run, measured);
      const figure = percentile(measuredPart(measured.processingMs, settings.warmupBatches), 90);
      const ok = agrees && figure <= limitMs;
      log(
        `  ${system.name}: ${Math.round(rate)} lines/s -> p90 processing ${figure.toFixed(1)} ms ${ok ? 'ok' : 'too slow'}${agrees ? '' : ' (DISAGREES)'}`,
      );
      return { rate, processingMs: figure, ok };
    },
    {
      startRate: settings.startRate,
      limitMs,
      maxProbes: settings.maxProbes,
      precision: settings.precision,
      minRate: settings.minRate,
    },
  );
  if (settings.realTimeBatches === 0 || search.rate === 0 || system.name.startsWith('plain-js'))
    return { search };
  let realTime: NonNullable<Sustained['realTime']> | undefined;
  for (let tries = 1, rate = search.rate; tries <= settings.realTimeRuns; tries++) {
    const run = spec(settings, 'system', rate, settings.realTimeBatches);
    const measured = await system.run(run);
    check.verify(`${system.name} (real time)`, run, measured);
    const processing = measuredPart(measured.processingMs, settings.warmupBatches);
    const processingP95 = percentile(processing, 95);
    realTime = {
      rate,
      tries,
      processingP95,
      processingMedian: median(processing),
      schedulingMax: Math.max(...measuredPart(measured.schedulingMs, settings.warmupBatches)),
      held: processingP95 <= limitMs,
    };
    log(
      `  ${system.name}: real time at ${Math.round(rate)} lines/s over ${processing.length} batches: p95 processing ${processingP95.toFixed(1)} ms, max scheduling delay ${realTime.schedulingMax.toFixed(0)} ms -> ${realTime.held ? 'held' : 'NOT held'}`,
    );
    if (realTime.held) break;
    rate = Math.max(settings.minRate, Math.round(rate / settings.precision));
  }
  return { search, ...(realTime && { realTime }) };
}

/**
 * The rate `found` stands for, lines/s: the one held in real time, or the search's when no
 * real-time run was made (the plain loops, `--quick`). When real time held none of the rates
 * tried, the lowest of them. Only the first is a sustained rate: {@link rateStatus} says which it
 * is, and {@link rateMetric} and {@link rateRatio} name it so.
 */
export function sustainedRate(found: Sustained): number {
  return found.realTime ? found.realTime.rate : found.search.rate;
}

/** What {@link sustainedRate} is: held in real time (sustained), not held there, or never run there. */
export type RateStatus = 'held in real time' | 'NOT held in real time' | 'manual clock only';

/** The status of `found`'s rate (see {@link RateStatus}). */
export function rateStatus(found: Sustained): RateStatus {
  if (!found.realTime) return 'manual clock only';
  return found.realTime.held ? 'held in real time' : 'NOT held in real time';
}

/**
 * The metric name of `found`'s rate in `unit` (`words/s`), `detail` (the batches) in brackets:
 * `sustained <unit>` only for a rate held in real time; otherwise it says what the rate is.
 *
 * @example
 * rateMetric(found, 'words/s', '1 s batches'); // 'sustained words/s (1 s batches)' when held
 */
export function rateMetric(found: Sustained, unit: string, detail: string): string {
  switch (rateStatus(found)) {
    case 'held in real time':
      return `sustained ${unit} (${detail})`;
    case 'NOT held in real time':
      return `${unit} NOT held in real time, the lowest tried (${detail})`;
    case 'manual clock only':
      return `${unit} passed on the manual clock, not run in real time (${detail})`;
  }
}

/** A system's name and what its measurement found (undefined: not measured). */
export interface NamedRate {
  readonly name: string;
  readonly found: Sustained | undefined;
}

/**
 * How two systems' rates compare, as a ratio's name: `above / below`, with `sustained <unit>` in
 * brackets when both were held in real time, otherwise with each rate's status (and the unit), so
 * that a ratio of rates not held never reads as sustained.
 */
function comparison(above: NamedRate, below: NamedRate, unit?: string): string {
  const what = `${above.name} / ${below.name}`;
  if (!above.found || !below.found) return what;
  const a = rateStatus(above.found);
  const b = rateStatus(below.found);
  if (a === 'held in real time' && b === a) return unit === undefined ? what : `${what} (sustained ${unit})`;
  return `${what} (${unit === undefined ? '' : `${unit}; `}${above.name}: ${a}; ${below.name}: ${b})`;
}

/**
 * The ratio of two sustained rates, or undefined when `below` sustained none (its ratio would be
 * infinite and say nothing).
 */
export function sustainedRatio(
  above: Sustained | undefined,
  below: Sustained | undefined,
): number | undefined {
  if (!above || !below || sustainedRate(below) === 0) return undefined;
  return sustainedRate(above) / sustainedRate(below);
}

/**
 * The ratio of two systems' rates in `unit`, named as the benchmarks' ratios are: `kindling /
 * spark (sustained words/s)` when both held their rates in real time, otherwise with what each
 * rate is (see {@link rateStatus}); undefined when either was not measured or `below` has no rate.
 *
 * @example
 * const ratio = rateRatio({ name: 'kindling', found: k }, { name: 'spark', found: s }, 'words/s');
 * if (ratio) ratios[ratio.name] = ratio.value;
 */
export function rateRatio(
  above: NamedRate,
  below: NamedRate,
  unit: string,
): { readonly name: string; readonly value: number } | undefined {
  const value = sustainedRatio(above.found, below.found);
  return value === undefined ? undefined : { name: comparison(above, below, unit), value };
}

/** A note for a system that sustained no rate: where its search ended, and how slow it was there. */
export function noRateNote(system: string, found: Sustained, limitMs: number): string | undefined {
  if (found.search.rate > 0) return undefined;
  const last = found.search.probes.at(-1);
  return `${system} sustained no rate: at ${Math.round(last?.rate ?? NaN)} lines/s, its lowest probe, p90 processing was ${Math.round(last?.processingMs ?? NaN)} ms > ${limitMs} ms`;
}

/**
 * The target note of `kindling / other` (see `targetNote`; `kindlingName` names the Kindling
 * system in it), with each rate's status when they were not both held in real time; when the
 * other system sustained no rate and Kindling did, the target is met whatever its number.
 */
export function ratioTargetNote(
  kindling: Sustained | undefined,
  other: NamedRate,
  target: number,
  kindlingName = 'kindling',
): string {
  const what = comparison({ name: kindlingName, found: kindling }, other);
  if (kindling && kindling.search.rate > 0 && other.found && other.found.search.rate === 0) {
    return `${what}: unbounded, ${other.name} sustained no rate (target ≥ ${target}): met`;
  }
  return targetNote(what, sustainedRatio(kindling, other.found), target);
}
