/**
 * One run of a streaming workload, as every system under comparison executes it (Kindling, the
 * plain loop, the Spark baseline), and what each reports back, batch by batch.
 */

/** Which pipeline a run builds. */
export type Workload =
  /** `flatMap(split) -> map([w, 1]) -> reduceByKey(+)`, one count per batch. */
  | 'wordcount'
  /** The same pairs into `reduceByKeyAndWindow(+, -, window, interval)`, zero counts filtered. */
  | 'windowed';

/** How time moves during a run. */
export type ClockMode =
  /** A manual clock advanced one interval as soon as the previous batch completed: each batch's
   * figure is its wall time from the advance to its completion (the throughput form). */
  | 'manual'
  /** Real time: batches at their batch times, delays as the system's own listener reports them. */
  | 'system';

/** The parameters of one run. */
export interface RunSpec {
  readonly workload: Workload;
  readonly clock: ClockMode;
  readonly intervalMs: number;
  /** Lines in every batch (the n-th batch: see `batchLines`). */
  readonly linesPerBatch: number;
  /** Batches in the run, warm-up included. */
  readonly batches: number;
  /** The window of `windowed`, ms (a multiple of the interval); ignored by `wordcount`. */
  readonly windowMs?: number;
  /**
   * Checkpoint every this many ms (a multiple of the interval), into a fresh directory per run;
   * absent: no checkpoints. Kindling checkpoints at this interval; Spark writes its metadata
   * checkpoint every batch once it has a checkpoint directory, and checkpoints the window of
   * `windowed` at this interval (which Spark cannot run without); the plain loops ignore it.
   * {@link sparkCheckpointMs} gives the interval Spark would choose.
   */
  readonly checkpointMs?: number;
}

/**
 * Per-batch figures of one run, in batch order. A real-time run that fell too far behind is cut
 * off, and then holds fewer batches than its spec.
 */
export interface Measured {
  /** How long each batch ran, ms (manual clock: wall time from the advance to completion). */
  readonly processingMs: readonly number[];
  /** How long each batch waited after its batch time, ms (0 with a manual clock). */
  readonly schedulingMs: readonly number[];
  /** Scheduling plus processing, ms. */
  readonly totalMs: readonly number[];
  /** Each batch's output digest (see `digest.ts`). */
  readonly digests: readonly string[];
}

/** Runs one {@link RunSpec} on one system. */
export type Runner = (spec: RunSpec) => Promise<Measured>;

/**
 * The checkpoint interval Spark Streaming picks for `workload` with batches of `intervalMs`,
 * ms: `wordcount` keeps no state, so only its metadata checkpoint, written every batch; the
 * incremental window of `windowed` checkpoints its data every 10 s rounded up to a multiple of
 * the interval (Spark's default for a DStream that must checkpoint). The streaming benchmarks
 * run Kindling and Spark with checkpoints at this interval.
 *
 * @example
 * sparkCheckpointMs('wordcount', 250); // 250
 * sparkCheckpointMs('windowed', 300); // 10_200
 */
export function sparkCheckpointMs(workload: Workload, intervalMs: number): number {
  if (workload === 'wordcount') return intervalMs;
  return Math.ceil(10_000 / intervalMs) * intervalMs;
}

/** `spec` without checkpoints. */
export function withoutCheckpoints(spec: RunSpec): RunSpec {
  const { checkpointMs: _, ...rest } = spec;
  return rest;
}

/** The window of a windowed run in batches, checked to be a whole number of intervals. */
export function windowBatches(spec: RunSpec): number | undefined {
  if (spec.workload !== 'windowed') return undefined;
  const windowMs = spec.windowMs ?? 0;
  if (!(windowMs > 0) || windowMs % spec.intervalMs !== 0) {
    throw new RangeError(
      `window ${windowMs} ms is not a positive multiple of the batch interval ${spec.intervalMs} ms`,
    );
  }
  return windowMs / spec.intervalMs;
}
