/**
 * How a stage cut into one slice per thread shares its batches between the workers and the main
 * thread. Even slices leave the main thread waiting when a worker's slice costs more (its records
 * arrive by structured clone, and it collects the garbage of the strings it rebuilt), and the
 * other way round when the main thread has receivers to serve. The balance learns, batch by
 * batch, what a record costs each side, and cuts the next batch so that both finish together.
 */

/** How far a new batch's figure moves the estimate: half-way, so one odd batch does not swing it. */
const SMOOTHING = 0.5;
/** The most one side's cost per record is taken to be over the other's. */
const MAX_RATIO = 4;
/** Slices shorter than this are not timed: their fixed costs (a message each way) swamp the records'. */
const MIN_TIMED_RECORDS = 1024;

/** What one slice took: its records and the milliseconds from when it was handed over to its end. */
export interface SliceTiming {
  readonly records: number;
  readonly ms: number;
}

/**
 * A stage's balance between worker slices and the main thread's slice. Starts even.
 *
 * @example
 * const balance = new SliceBalance();
 * const offsets = balance.offsets(10_000, 1); // [0, 5000]: the worker's slice, then the main thread's
 * balance.observe({ records: 5000, ms: 50 }, [{ records: 5000, ms: 75 }]);
 * balance.offsets(10_000, 1); // the worker's slice is now shorter
 */
export class SliceBalance {
  /** A worker's cost per record over the main thread's, smoothed over the stage's batches. */
  private ratio = 1;

  /** A worker's cost per record over the main thread's, as the next batch will be cut by it. */
  get workerCostRatio(): number {
    return this.ratio;
  }

  /**
   * Where the slices of `total` records start: `workerSlices` slices for the workers, of equal
   * length, then the main thread's, each sized so that all end together at the costs learned.
   * Every slice gets at least one record when `total` exceeds `workerSlices`.
   */
  offsets(total: number, workerSlices: number): number[] {
    // In the same time, a worker goes through 1 / ratio as many records as the main thread.
    const workerShare = 1 / this.ratio / (workerSlices / this.ratio + 1);
    const perWorker = Math.max(
      1,
      Math.min(Math.floor(total * workerShare), Math.floor((total - 1) / workerSlices)),
    );
    return Array.from({ length: workerSlices + 1 }, (_, i) => i * perWorker);
  }

  /**
   * Learns from one batch: what the main thread's slice took, and what each worker slice took
   * from when it was posted to when the worker finished it. Slices too short to time well, or a
   * batch without either side, teach nothing.
   */
  observe(main: SliceTiming | undefined, workers: readonly SliceTiming[]): void {
    const timed = workers.filter((w) => w.records >= MIN_TIMED_RECORDS && w.ms > 0);
    if (!main || main.records < MIN_TIMED_RECORDS || !(main.ms > 0) || timed.length === 0) return;
    const workerCost = timed.reduce((sum, w) => sum + w.ms, 0) / timed.reduce((sum, w) => sum + w.records, 0);
    const measured = Math.min(MAX_RATIO, Math.max(1 / MAX_RATIO, workerCost / (main.ms / main.records)));
    // Smoothed in log space, so that a batch twice as slow and one twice as fast cancel out.
    this.ratio = Math.exp((1 - SMOOTHING) * Math.log(this.ratio) + SMOOTHING * Math.log(measured));
  }
}
