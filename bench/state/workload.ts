/**
 * The keyed-state workload of issue 19, as every system runs it (Kindling, the plain loop, the
 * Spark baseline): batches of records `[key, 1]` whose keys are drawn from K distinct keys
 * (`k0` … `k<K-1>`), a running sum per key, starting from an initial state of all K keys. Each
 * batch is cut into two slices, each drawn by its own seeded generator (mulberry32, seed
 * {@link sliceSeed}), so the Spark baseline draws the very same records in its two tasks.
 */
import { seededRandom } from '../workload/lines.js';

/** The parameters of one run. */
export interface StateRunSpec {
  /** K: distinct keys, all in the initial state. */
  readonly keys: number;
  readonly recordsPerBatch: number;
  /** Batches in the run: the last one also reads the final state (see {@link StateMeasured}). */
  readonly batches: number;
  readonly intervalMs: number;
  /** Removes a key idle for longer than this, ms (mapWithState's `timeout`); none when absent. */
  readonly timeoutMs?: number;
  /** Checkpoints every this many ms (a multiple of the interval); none when absent. */
  readonly checkpointMs?: number;
}

/** One written checkpoint. */
export interface CheckpointFigures {
  /** Taking and encoding the snapshot, ms; absent where not measured apart (Spark). */
  readonly encodeMs?: number;
  /**
   * Main-thread ms that a batch due at the checkpoint would wait at most: the plain loop's
   * encoding; Kindling's snapshot plus the longest slice of its encoding (the rest runs between
   * batches). Absent where not measured (Spark).
   */
  readonly stallMs?: number;
  /** Writing it durably, ms; absent where not measured apart (Spark). */
  readonly writeMs?: number;
  readonly bytes: number;
  /** True when it holds only what changed since the checkpoint before (Kindling's incremental ones). */
  readonly incremental?: boolean;
}

/** What a run reports, batch by batch and at its end. */
export interface StateMeasured {
  /** Each batch's processing time, ms (from the clock's advance to the batch's completion). */
  readonly processingMs: readonly number[];
  /** Each batch's mapped output as `records:sum` ({@link emittedDigest}); empty where not produced. */
  readonly emitted: readonly string[];
  /** The digest of the state after the last batch: `pairs:sum:hash` (see `bench/workload/digest.ts`). */
  readonly finalDigest: string;
  /** The most heap in use seen during the run, bytes (garbage included), or undefined. */
  readonly peakHeapBytes?: number;
  /** Heap in use after the run once garbage was collected, bytes, or undefined. */
  readonly retainedHeapBytes?: number;
  /** The checkpoints written during the run (none without checkpointing). */
  readonly checkpoints: readonly CheckpointFigures[];
}

/** The value every key starts from: `i mod 10` for key `k<i>`. */
export function initialValue(i: number): number {
  return i % 10;
}

/** The name of key `i`. */
export function keyOf(i: number): string {
  return `k${i}`;
}

/** The K keys of the initial state, each with {@link initialValue}. */
export function initialPairs(keys: number): [string, number][] {
  const pairs: [string, number][] = [];
  for (let i = 0; i < keys; i++) pairs.push([keyOf(i), initialValue(i)]);
  return pairs;
}

/** The slices each batch is cut into (the Spark baseline runs one task per slice). */
export const SLICES = 2;

/** The seed of slice `slice` of batch `n` (0-based); the Spark baseline uses the same. */
export function sliceSeed(n: number, slice: number): number {
  return (0x5eed0000 + SLICES * n + slice) >>> 0;
}

/** Records in slice `slice` of a batch of `perBatch` records. */
export function sliceRecords(perBatch: number, slice: number): number {
  const base = Math.floor(perBatch / SLICES);
  return slice === SLICES - 1 ? perBatch - base * (SLICES - 1) : base;
}

/**
 * Calls `each` with the key index of every record of slice `slice` of batch `n`, in order: the
 * generator's 32-bit outputs modulo `keys`.
 */
export function forEachKeyIndex(
  n: number,
  slice: number,
  spec: Pick<StateRunSpec, 'keys' | 'recordsPerBatch'>,
  each: (index: number) => void,
): void {
  const next = seededRandom(sliceSeed(n, slice));
  const count = sliceRecords(spec.recordsPerBatch, slice);
  for (let i = 0; i < count; i++) each((next() * 4294967296) % spec.keys);
}

/** The records `[key, 1]` of slice `slice` of batch `n`, each key a new string. */
export function sliceRecordsOf(
  n: number,
  slice: number,
  spec: Pick<StateRunSpec, 'keys' | 'recordsPerBatch'>,
): [string, number][] {
  const records: [string, number][] = [];
  forEachKeyIndex(n, slice, spec, (index) => records.push([keyOf(index), 1]));
  return records;
}

/** A batch's mapped output (the new sum of each record's key) as `records:sum`. */
export function emittedDigest(records: number, sum: number): string {
  return `${records}:${sum}`;
}

/** Whether the batch at `time` (1-based batch n at n · interval) is a checkpoint batch. */
export function isCheckpointTime(time: number, checkpointMs: number | undefined): boolean {
  return checkpointMs !== undefined && time % checkpointMs === 0;
}
