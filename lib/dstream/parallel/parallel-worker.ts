/**
 * The entry of the worker threads of a context's pool (run by piscina): takes one slice of a
 * batch, runs the task's function over it with the same loop as the main thread, and sends back
 * the results. Records and results cross as `record-transfer.ts` sends them (one array per field
 * when they have one shape); errors as plain data ({@link SentError}), since a structured clone
 * keeps neither an error's class nor its extra properties.
 */
import { workerData } from 'node:worker_threads';
import {
  loadTaskFunction,
  runSlice,
  type SliceCombine,
  type SliceResult,
  type StageCombine,
  type WorkerTaskKind,
} from './parallel-task.js';
import { receiveRecords, sendRecords, type SentRecords } from './record-transfer.js';

/** One slice of a batch, as the pool sends it to a worker. */
export interface SliceRequest {
  readonly module: string;
  readonly exportName: string;
  readonly kind: WorkerTaskKind;
  readonly records: SentRecords;
  readonly batchTime: number;
  /** Keep going past a record that throws (dead letters), instead of ending the slice. */
  readonly collect: boolean;
  /** A by-key operator fused with the stage: the slice's results are merged by key (see `runSlice`). */
  readonly combine?: StageCombine;
  /**
   * Who runs the slice: the first to change it from {@link UNCLAIMED} (a worker, to
   * {@link CLAIMED_BY_WORKER}; the main thread, to {@link CLAIMED_BY_MAIN}, when it has nothing
   * left to do and the slice still waits behind another on its worker).
   */
  readonly claim: Int32Array;
}

export const UNCLAIMED = 0;
export const CLAIMED_BY_WORKER = 1;
export const CLAIMED_BY_MAIN = 2;

/** What a worker answers for a slice the main thread took back before it started. */
export interface SkippedSlice {
  readonly skipped: true;
}

/** A slice's result as a worker sends it: errors as plain data, results as {@link SentRecords}. */
export interface SentSliceResult extends Omit<SliceResult<SentError>, 'out'> {
  readonly out?: SentRecords;
  /** When the worker finished the slice, ms since the epoch (`performance.timeOrigin + now()`). */
  readonly finishedAt: number;
}

/** An error as it crosses from a worker: what the main thread needs to rebuild it. */
export interface SentError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** Set when what was thrown was not an Error. */
  readonly thrown?: string;
}

/** A function as a thread loads it: module and export. */
export type TaskName = Pick<SliceRequest, 'module' | 'exportName'>;

/** What the pool gives each thread as `workerData`: the functions of the graph, to load at once. */
export interface WorkerSetup {
  readonly preload: readonly TaskName[];
}

const functions = new Map<string, Promise<(...args: never[]) => unknown>>();

function load(task: TaskName): Promise<(...args: never[]) => unknown> {
  const key = `${task.exportName}@${task.module}`;
  let fn = functions.get(key);
  if (!fn) {
    fn = loadTaskFunction(task);
    functions.set(key, fn);
  }
  return fn;
}

// Piscina loads this module when a thread starts: the tasks' modules load then, not in the first
// batch. A failure is kept for the first slice that needs the module, which reports it.
const preloaded = Promise.all(
  ((workerData as WorkerSetup | undefined)?.preload ?? []).map((task) => load(task).catch(() => undefined)),
);

/** Runs one slice; piscina calls this for every task it gives this thread. */
async function runSliceInWorker(request: SliceRequest): Promise<SentSliceResult | SkippedSlice> {
  const fn = load(request);
  const { kind, records, batchTime, collect, combine } = request;
  const reduce = combine?.by === 'reduceByKey' ? load(combine.task) : undefined;
  if (Atomics.compareExchange(request.claim, 0, UNCLAIMED, CLAIMED_BY_WORKER) !== UNCLAIMED)
    return { skipped: true };
  const sliceCombine: SliceCombine | undefined =
    combine && (reduce ? { by: 'reduceByKey', reduce: await reduce } : { by: 'countByValue' });
  const result = await runSlice(await fn, kind, receiveRecords(records), batchTime, collect, sliceCombine);
  return {
    ...result,
    ...(result.out && { out: sendRecords(result.out) }),
    failures: result.failures.map((f) => ({ index: f.index, error: send(f.error) })),
    finishedAt: performance.timeOrigin + performance.now(),
  };
}

// Piscina awaits the default export before it reports the thread ready, so a thread counts as
// started (and `WorkerPool.start()` returns) only once its tasks' modules are loaded.
export default preloaded.then(() => runSliceInWorker);

function send(error: unknown): SentError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
    };
  }
  return { name: 'Error', message: `a non-Error value was thrown: ${String(error)}`, thrown: String(error) };
}

/** Rebuilds on the main thread an error sent by a worker: same name, message and stack. */
export function receiveError(sent: SentError): Error {
  const error = new Error(sent.message);
  error.name = sent.name;
  if (sent.stack !== undefined) error.stack = sent.stack;
  return error;
}
