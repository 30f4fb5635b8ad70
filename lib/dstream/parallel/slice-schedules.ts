/**
 * How a parallel stage's batch is cut into slices and shared out between the worker threads and
 * the main thread (see `WorkerPool.run`): even slices, one slice per thread sized by a
 * {@link SliceBalance}, or guided self-scheduling, where slices shrink towards the end of the
 * batch. Each schedule runs its slices through one {@link SliceRun}.
 */
import { SliceRun, yieldToEvents, type SliceJob, type SlicedResults } from './slice-run.js';
import type { SliceBalance } from './slice-balance.js';

/** A batch too small to cut: below this many records per slice, fewer slices are cut. */
const MIN_SLICE_RECORDS = 128;
/**
 * Slices per thread when the stage does not say: a few, so that threads finishing early help
 * (one for stages fused with a by-key merge: each slice gives back a pair per key it saw).
 */
export const SLICES_PER_THREAD = 4;
/** Slices of one stage each worker holds at once: one running, one queued, so it never waits for the main thread. */
export const IN_FLIGHT_PER_WORKER = 2;
/** The smallest slice a worker is handed by guided scheduling (but the batch's last records). */
const MIN_WORKER_SLICE = 32;
/** The main thread's first piece of a guided batch, in records; later pieces aim at MAIN_PIECE_MS. */
const FIRST_MAIN_PIECE = 16;
/** About how long the main thread works on a piece before it looks at the workers again. */
const MAIN_PIECE_MS = 1;

/** What a schedule needs to know of the pool: its worker threads, and whether the main thread helps. */
export interface PoolShape {
  readonly threads: number;
  readonly mainThread: boolean;
}

/**
 * One slice per thread, the main thread's last, cut by `balance` so that all end together
 * (even without it); the balance then learns from how long each took.
 */
export function runPerThread(
  pool: PoolShape,
  job: SliceJob,
  balance: SliceBalance | undefined,
): Promise<SlicedResults> {
  const count = sliceCount(pool, job.records.length, undefined, 1);
  return runEven(pool, job, count, pool.mainThread && count >= 2 ? balance : undefined);
}

/**
 * `count` slices: workers take them from the front, the main thread (with `mainThread`) the
 * last. Even, or with `balance` the workers' slices first and the main thread's last, sized
 * as it says; it then learns from how long each took.
 */
export async function runEven(
  pool: PoolShape,
  job: SliceJob,
  count: number,
  balance?: SliceBalance,
): Promise<SlicedResults> {
  const { records } = job;
  const offsets = balance
    ? balance.offsets(records.length, count - 1)
    : Array.from({ length: count }, (_, i) => Math.floor((i * records.length) / count));
  const end = (i: number): number => offsets[i + 1] ?? records.length;
  const run = new SliceRun(job);
  let front = 0;
  let back = count - 1;
  const workerLoop = async (): Promise<void> => {
    while (front <= back && !run.failure) {
      const i = front++;
      await run.onWorker(offsets[i] as number, end(i), `slice ${i + 1} of ${count}`);
    }
  };
  const share = pool.mainThread ? 1 : 0;
  const workers = Promise.all(Array.from({ length: workerLoops(pool, count - share) }, workerLoop));
  if (share) {
    while (front <= back && !run.failure) {
      const i = back--;
      await run.onMain(offsets[i] as number, end(i));
      if (front <= back) await yieldToEvents();
    }
    await run.takeBack();
  }
  await workers;
  const results = run.results();
  balance?.observe(run.timings.main, run.timings.workers);
  return results;
}

/** Slices cut as the threads ask for work; see `WorkerPool.run`. */
export async function runGuided(pool: PoolShape, job: SliceJob): Promise<SlicedResults> {
  const total = job.records.length;
  const run = new SliceRun(job);
  let front = 0;
  let back = total;
  const takers = pool.threads + (pool.mainThread ? 1 : 0);
  const workerLoop = async (): Promise<void> => {
    while (front < back && !run.failure) {
      const left = back - front;
      const start = front;
      front += Math.min(left, Math.max(MIN_WORKER_SLICE, Math.ceil(left / (2 * takers))));
      await run.onWorker(start, front, `records ${start + 1} to ${front} of ${total}`);
    }
  };
  const workers = Promise.all(
    Array.from({ length: workerLoops(pool, Math.ceil(total / MIN_WORKER_SLICE)) }, workerLoop),
  );
  if (pool.mainThread) {
    let piece = FIRST_MAIN_PIECE;
    while (front < back && !run.failure) {
      const end = back;
      back -= Math.min(piece, back - front);
      const started = performance.now();
      await run.onMain(back, end);
      const ms = performance.now() - started;
      // Pieces of about MAIN_PIECE_MS: long enough to cost little, short enough to answer workers.
      piece = Math.max(
        1,
        Math.min(piece * 4, Math.round(((end - back) * MAIN_PIECE_MS) / Math.max(ms, 0.001))),
      );
      if (front < back) await yieldToEvents();
    }
    await run.takeBack();
  }
  await workers;
  return run.results();
}

/** How many slices to keep handed out to the workers at once, for a batch of `slices` at most. */
function workerLoops(pool: PoolShape, slices: number): number {
  return Math.max(0, Math.min(pool.threads * IN_FLIGHT_PER_WORKER, slices));
}

/** How many even slices to cut a batch of `records` into: `slices` if given, else `perThread` a thread. */
export function sliceCount(
  pool: PoolShape,
  records: number,
  slices: number | undefined,
  perThread: number,
): number {
  if (slices !== undefined) return Math.max(1, Math.min(slices, records));
  const all = (pool.threads + (pool.mainThread ? 1 : 0)) * perThread;
  return Math.max(1, Math.min(Math.ceil(records / MIN_SLICE_RECORDS), all));
}
