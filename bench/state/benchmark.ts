/**
 * Issue 19, keyed state at scale: a running sum per key, 1 s batches of 100,000 records `[key,
 * 1]` whose keys are drawn (seeded) from K distinct keys, K = 10k, 100k, 1M and 3M, every system
 * starting from an initial state of the K keys. Kindling's `mapWithState` and `updateStateByKey`,
 * the plain loop (`plain.ts`) and Spark's `mapWithState` `local[2]`, each with and without a 60 s
 * timeout (not `updateStateByKey`, which has none), with a checkpoint every 10 s and without one
 * (Spark only with: it has no run without). Per run: processing time per batch (median, p99) on a
 * manual clock, the checkpoints' time and size, and the peak heap, each beside the plain loop's
 * in the same run. Every run's final state (and, for mapWithState, every batch's mapped output)
 * must agree with the plain loop's under the same timeout semantics.
 */
import type { BenchOptions, BenchResult, BenchRow, SkippedSystem } from '../result.js';
import { median } from '../result.js';
import { disagreement, runFigures, type RunFigure } from './figures.js';
import { collectGarbage } from './heap.js';
import { plainRun } from './plain.js';
import { stateSystems, type StateSystem } from './systems.js';
import { SLICES, initialPairs, sliceRecordsOf, type StateMeasured, type StateRunSpec } from './workload.js';

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface StateSettings {
  /** The numbers of distinct keys, K. */
  readonly sizes: readonly number[];
  readonly recordsPerBatch: number;
  /** Batches of a run; the last also reads the final state and is left out of the figures. */
  readonly batches: number;
  /** The first batches of a run left out of the figures (the initial state is loaded in the first). */
  readonly skipBatches: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly checkpointMs: number;
  /** One untimed run per system first, every code path warmed (timeout and checkpoints), checked. */
  readonly warmup: { readonly keys: number; readonly recordsPerBatch: number; readonly batches: number };
}

export const FULL: StateSettings = {
  sizes: [10_000, 100_000, 1_000_000, 3_000_000],
  recordsPerBatch: 100_000,
  // 76: a key idle for the whole 60 s timeout times out from batch 62 on (at 1M and 3M keys).
  batches: 76,
  skipBatches: 5,
  intervalMs: 1000,
  timeoutMs: 60_000,
  checkpointMs: 10_000,
  warmup: { keys: 10_000, recordsPerBatch: 20_000, batches: 21 },
};

/** Quick: 20k keys, 5,000 records a batch, a 5 s timeout (so keys do time out) and checkpoint. */
export const QUICK: StateSettings = {
  sizes: [20_000],
  recordsPerBatch: 5_000,
  batches: 16,
  skipBatches: 2,
  intervalMs: 1000,
  timeoutMs: 5_000,
  checkpointMs: 5_000,
  warmup: { keys: 2_000, recordsPerBatch: 2_000, batches: 8 },
};

/** `10k`, `3M`: a number of keys as a metric's name shows it. */
function label(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/** How a run's variant reads in a metric's name. */
function variantLabel(spec: StateRunSpec): string {
  const timeout = spec.timeoutMs === undefined ? 'no timeout' : `timeout ${seconds(spec.timeoutMs)}`;
  const checkpoint =
    spec.checkpointMs === undefined ? 'no checkpoint' : `checkpoint ${seconds(spec.checkpointMs)}`;
  return `${label(spec.keys)} keys, ${timeout}, ${checkpoint}`;
}

/** The four variants of K: without and with the timeout, each without and with checkpoints. */
function variants(s: StateSettings, keys: number): StateRunSpec[] {
  const base = { keys, recordsPerBatch: s.recordsPerBatch, batches: s.batches, intervalMs: s.intervalMs };
  return [
    base,
    { ...base, checkpointMs: s.checkpointMs },
    { ...base, timeoutMs: s.timeoutMs },
    { ...base, timeoutMs: s.timeoutMs, checkpointMs: s.checkpointMs },
  ];
}

/** Milliseconds to draw one batch's records as Kindling's flatMap does (median of 5). */
function drawMs(spec: StateRunSpec): number {
  const times: number[] = [];
  for (let n = 0; n < 5; n++) {
    const start = process.hrtime.bigint();
    for (let slice = 0; slice < SLICES; slice++) sliceRecordsOf(n, slice, spec);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runState(options: BenchOptions, settings?: StateSettings): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const { systems, skipped, close } = await stateSystems(options);
  const problems: string[] = [];
  const unsupported: SkippedSystem[] = [];
  const rows: BenchRow[] = [];
  const ratios: Record<string, number> = {};
  /** Reference outputs by variant and timeout semantics: the plain loop's. */
  const references = new Map<string, StateMeasured>();
  /**
   * Checks `measured` against the plain loop's outputs of `spec` under `system`'s timeout
   * semantics: the first plain run of the same records is the reference of the runs after it;
   * for other semantics (Spark's), the plain loop runs them once, untimed.
   */
  const check = async (
    system: StateSystem,
    spec: StateRunSpec,
    initial: [string, number][],
    measured: StateMeasured,
  ): Promise<void> => {
    const expiry = spec.timeoutMs === undefined ? 'every batch' : system.expiry;
    const semantics = expiry === 'every batch' ? expiry : `${expiry} ${spec.checkpointMs}`;
    const key = `${spec.keys}/${spec.recordsPerBatch}/${spec.batches}/${spec.timeoutMs}/${semantics}`;
    let reference = references.get(key);
    if (!reference && system.name === 'plain-js') {
      references.set(key, measured);
      return;
    }
    if (!reference) {
      reference = await plainRun(spec, initial, { expiry });
      references.set(key, reference);
    }
    const problem = disagreement(measured, reference);
    if (problem) problems.push(`${system.name} (${variantLabel(spec)}): ${problem}`);
  };
  try {
    const warm = s.warmup;
    const warmInitial = initialPairs(warm.keys);
    const warmNoTimeout: StateRunSpec = { ...warm, intervalMs: s.intervalMs, checkpointMs: s.checkpointMs };
    // A timeout a third of the run long, so that keys time out in it.
    const warmTimeout = Math.min(s.timeoutMs, Math.floor(warm.batches / 3) * s.intervalMs);
    const warmSpec: StateRunSpec = { ...warmNoTimeout, timeoutMs: warmTimeout };
    for (const system of systems) {
      const spec = system.unsupported(warmSpec) === undefined ? warmSpec : warmNoTimeout;
      log(`state: warming up ${system.name} (${variantLabel(spec)})`);
      await check(system, spec, warmInitial, await system.run(spec, warmInitial));
    }
    for (const keys of s.sizes) {
      const initial = initialPairs(keys);
      const heapBefore = collectGarbage();
      rows.push({
        system: 'benchmark',
        metric: `${label(keys)} keys: heap MB before a run (the initial pairs)`,
        value: heapBefore / 2 ** 20,
      });
      rows.push({
        system: 'benchmark',
        metric: `${label(keys)} keys: ms to draw a batch's records alone`,
        value: drawMs(variants(s, keys)[0] as StateRunSpec),
      });
      for (const spec of variants(s, keys)) {
        const figures = new Map<string, RunFigure[]>();
        for (const system of systems) {
          const why = system.unsupported(spec);
          if (why) {
            if (!unsupported.some((u) => u.system === system.name && u.reason === why))
              unsupported.push({ system: system.name, reason: why });
            continue;
          }
          log(`state: ${system.name}, ${variantLabel(spec)}`);
          let measured: StateMeasured;
          try {
            measured = await system.run(spec, initial);
          } catch (error) {
            if (system.name !== 'spark mapWithState') throw error;
            const reason = error instanceof Error ? error.message : String(error);
            skipped.push({ system: system.name, reason: `${variantLabel(spec)}: ${reason}` });
            continue;
          }
          await check(system, spec, initial, measured);
          const found = runFigures(measured, spec, s.skipBatches, heapBefore);
          figures.set(system.name, found);
          log(
            `  ${found
              .filter((f) => f.metric.includes('ms per batch'))
              .map((f) => `${f.metric} ${f.value.toFixed(1)}`)
              .join(', ')}`,
          );
        }
        addRows(rows, ratios, variantLabel(spec), figures);
      }
    }
  } finally {
    await close();
  }
  for (const problem of problems) log(`  MISMATCH ${problem}`);
  return {
    name: 'state',
    rows,
    ratios,
    correct: problems.length === 0,
    skipped: [...skipped, ...unsupported],
    notes: notes(s),
    quick: options.quick,
  };
}

/** Rows of one variant: each metric, the plain loop first; ratios of each figure to the plain loop's. */
function addRows(
  rows: BenchRow[],
  ratios: Record<string, number>,
  variant: string,
  figures: ReadonlyMap<string, RunFigure[]>,
): void {
  const metrics = [...new Set([...figures.values()].flatMap((found) => found.map((f) => f.metric)))];
  const plain = figures.get('plain-js') ?? [];
  for (const metric of metrics) {
    const base = plain.find((f) => f.metric === metric);
    for (const [system, found] of figures) {
      const figure = found.find((f) => f.metric === metric);
      if (!figure) continue;
      const name = `${variant}: ${metric}`;
      rows.push({ system, metric: name, value: figure.value });
      if (system !== 'plain-js' && figure.ratio && base && base.value > 0)
        ratios[`${system} / plain-js (${name})`] = figure.value / base.value;
    }
    const kindling = figures.get('kindling mapWithState')?.find((f) => f.metric === metric);
    const spark = figures.get('spark mapWithState')?.find((f) => f.metric === metric);
    if (kindling && spark && kindling.ratio && spark.value > 0)
      ratios[`kindling mapWithState / spark mapWithState (${variant}: ${metric})`] =
        kindling.value / spark.value;
  }
}

/** How the figures were measured, for the report. */
function notes(s: StateSettings): string[] {
  const measured = s.batches - s.skipBatches - 1;
  const idle = s.sizes
    .map((keys) => {
      const p = Math.exp(-(s.recordsPerBatch * s.timeoutMs) / (s.intervalMs * keys));
      const share = 100 * p < 0.01 ? 'under 0.01 %' : `${Number((100 * p).toPrecision(2))} %`;
      return `${label(keys)} keys: ${share} (about ${Math.round(keys * p)} keys)`;
    })
    .join(', ');
  return [
    `each run: ${s.batches} batches of ${s.recordsPerBatch} records on a manual clock driven as fast as batches complete, each batch's time from the clock's advance to its completion (checkpoint included); figures over batches ${s.skipBatches + 1} to ${s.batches - 1} (${measured}: the first load the initial state and warm up, the last also reads the final state); with ${measured} batches the p99 is the slowest`,
    `every batch's time includes drawing its records (two slices, each from its own seeded mulberry32, keys k0…k<K-1> as new strings; the row "ms to draw a batch's records alone" is that part, as Kindling's flatMap draws them); the plain loop draws and applies them in one loop`,
    `plain-js: a Map from key to slot, sums (and update times) in Float64Arrays, one hash probe a record; with a timeout, keys bucketed by update time; a checkpoint is v8.serialize of its arrays, written to a temp file, fsynced, renamed over the last, directory fsynced (no checksum, no retention)`,
    `Kindling checkpoints: the context's checkpointInterval ${seconds(s.checkpointMs)} into a DirectoryCheckpointStore in a temp directory; after a whole one, mapWithState saves only the keys changed since the checkpoint before (incremental), until those since the last whole one pass twice the keys (or 10 in a row), and so does updateStateByKey (the keys whose state changed) when fewer than a quarter of its keys changed; "encode" is from the batch's completion to the store's write (the snapshot taken synchronously, then the encoding in slices of about 2 ms, one event-loop turn each), "stall" what a batch due at the checkpoint would wait at most (Kindling: the snapshot plus the longest slice; the plain loop: its whole encoding), "write" the store's write (temp file, crc, fsync, rename, directory fsync, keeping 3 and their bases), which runs in the background in real time but which the manual clock waits for before the next batch`,
    `timeouts: Kindling and the plain loop remove a key idle longer than the timeout at the first batch past it; Spark only on its checkpoint batches (where it scans the state), so its runs are checked against the plain loop with that semantics; a key gets no record for a whole ${seconds(s.timeoutMs)} with probability e^(−records a batch × timeout / (interval × K)), so keys time out (from batch ${s.timeoutMs / s.intervalMs + 2} on) only at large K: ${idle}`,
    `Spark: mapWithState with StateSpec.initialState (an RDD of the K pairs) and numPartitions 2, records drawn in its two tasks, the state checkpointed every ${seconds(s.checkpointMs)} (it cannot run without); its checkpoint time is not measured apart from its batches (see "median ms per checkpoint batch"); bytes: the newest rdd-N checkpoint folder; heap: the JVM's used heap (-Xmx4g) sampled after every batch`,
    'peak heap: the JavaScript systems run in this process, after a full GC before each run; heap in use sampled after every batch and every 10 ms the event loop is free, garbage included; the initial pairs the benchmark holds (the "heap MB before a run" row) are in every JavaScript figure',
    "Kindling mapWithState's final state is read from its operator's batch after the last batch (an output on stateSnapshots() would copy every key into an array every batch); updateStateByKey's from its output of the last batch",
  ];
}

/** The entry point `bench/run.ts` calls. */
export default function state(options: BenchOptions): Promise<BenchResult> {
  return runState(options);
}
