/**
 * The "highest sustained rate" measurement of the word-count and windowed benchmarks: a search on
 * the rate (see `search.ts`) whose probes run batches on a manual clock as fast as they complete
 * (a probe passes when the p90 of its measured batches' processing time is at most half the
 * interval), then a run in real time at the rate found, whose delays the system's own listener
 * reports.
 */
import { percentile, median } from '../result.js';
import type { DigestCheck } from './check.js';
import type { Measured, RunSpec, Workload } from './run-spec.js';
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
  /** The first rate probed, lines/s. */
  readonly startRate: number;
  readonly maxProbes: number;
  readonly precision: number;
}

/** What the measurement found for one system. */
export interface Sustained {
  readonly search: SearchResult;
  /** The real-time run at the rate found (absent if none ran). */
  readonly realTime?: {
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
    { startRate: settings.startRate, limitMs, maxProbes: settings.maxProbes, precision: settings.precision },
  );
  if (settings.realTimeBatches === 0 || search.rate === 0 || system.name === 'plain-js') return { search };
  const run = spec(settings, 'system', search.rate, settings.realTimeBatches);
  const measured = await system.run(run);
  check.verify(`${system.name} (real time)`, run, measured);
  const processing = measuredPart(measured.processingMs, settings.warmupBatches);
  const processingP95 = percentile(processing, 95);
  const realTime = {
    processingP95,
    processingMedian: median(processing),
    schedulingMax: Math.max(...measuredPart(measured.schedulingMs, settings.warmupBatches)),
    held: processingP95 <= limitMs,
  };
  log(
    `  ${system.name}: real time at ${Math.round(search.rate)} lines/s over ${processing.length} batches: p95 processing ${processingP95.toFixed(1)} ms, max scheduling delay ${realTime.schedulingMax.toFixed(0)} ms -> ${realTime.held ? 'held' : 'NOT held'}`,
  );
  return { search, realTime };
}
