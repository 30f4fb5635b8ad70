/**
 * One batch of a parallel stage as its slices run: each slice handed to a worker (its records
 * sent as `record-transfer.ts` sends them) or run on the main thread, the results put back in
 * the batch's order, the first worker failure, and the slices a worker has not started yet,
 * which the main thread may take back. `slice-schedules.ts` decides which slices there are.
 */
import { KindlingError } from '../../errors.js';
import {
  runSlice,
  type SliceCombine,
  type SliceResult,
  type StageCombine,
  type WorkerTask,
} from './parallel-task.js';
import {
  CLAIMED_BY_MAIN,
  UNCLAIMED,
  receiveError,
  type SentSliceResult,
  type SkippedSlice,
  type SliceRequest,
  type TaskName,
} from './parallel-worker.js';
import { receiveRecords, sendRecords } from './record-transfer.js';
import type { SliceTiming } from './slice-balance.js';

/** What a run needs of the worker pool: piscina's `run`. */
export interface SliceThreads {
  run(request: unknown): Promise<unknown>;
}

/** A batch's results, slice by slice, in order, with where each slice starts in the batch. */
export interface SlicedResults {
  readonly results: readonly SliceResult[];
  readonly offsets: readonly number[];
}

/** What one `run` needs to hand slices out. */
export interface SliceJob {
  readonly piscina: SliceThreads;
  readonly fn: (...args: never[]) => unknown;
  readonly task: WorkerTask<unknown, unknown>;
  readonly records: readonly unknown[];
  readonly batchTime: number;
  readonly collect: boolean;
  /** A fused by-key operator: for the main thread, and as it is sent to the workers. */
  readonly combine: { readonly slice: SliceCombine; readonly stage: StageCombine } | undefined;
}

/** A slice handed to a worker that it may not have started yet. */
interface HandedSlice {
  readonly start: number;
  readonly end: number;
  readonly claim: Int32Array;
}

/**
 * The slices of one batch as they are run: their results, the first worker failure, and the
 * slices handed to workers and not yet answered, which the main thread takes back (runs itself)
 * when it has nothing left to do and a worker has not started them. The batch's first slice is
 * never taken back, so that every batch sends records and results across threads and one that
 * cannot be cloned fails the batch however fast the main thread is.
 */
export class SliceRun {
  failure: KindlingError | undefined;
  private readonly parts: { start: number; result: SliceResult }[] = [];
  private readonly handed = new Set<HandedSlice>();
  /**
   * How long slices took: the main thread's, all together, and each worker's from its post to
   * when the worker finished it (by the worker's clock, so not delayed by a busy main thread).
   */
  readonly timings: { main?: SliceTiming; readonly workers: SliceTiming[] } = { workers: [] };

  constructor(private readonly job: SliceJob) {}

  /** Runs records `start` to `end` on a worker, unless the main thread takes them back first. */
  async onWorker(start: number, end: number, which: string): Promise<void> {
    const { job } = this;
    const slice: HandedSlice = { start, end, claim: new Int32Array(new SharedArrayBuffer(4)) };
    const request: SliceRequest = {
      ...nameOf(job.task),
      kind: job.task.kind,
      records: sendRecords(job.records, start, end),
      batchTime: job.batchTime,
      collect: job.collect,
      claim: slice.claim,
      ...(job.combine && { combine: job.combine.stage }),
    };
    this.handed.add(slice);
    try {
      const answering = job.piscina.run(request) as Promise<SentSliceResult | SkippedSlice>;
      const posted = performance.timeOrigin + performance.now();
      const answer = await answering;
      if (!('skipped' in answer)) {
        this.parts.push({ start, result: received(answer) });
        this.timings.workers.push({ records: end - start, ms: answer.finishedAt - posted });
      }
    } catch (error) {
      this.failure ??= workerFailure(error, which);
    } finally {
      this.handed.delete(slice);
    }
  }

  /** Runs records `start` to `end` on the main thread. */
  async onMain(start: number, end: number): Promise<void> {
    const { job } = this;
    const started = performance.now();
    const result = await runSlice(
      job.fn,
      job.task.kind,
      job.records.slice(start, end),
      job.batchTime,
      job.collect,
      job.combine?.slice,
    );
    this.parts.push({ start, result });
    const before = this.timings.main ?? { records: 0, ms: 0 };
    this.timings.main = {
      records: before.records + end - start,
      ms: before.ms + performance.now() - started,
    };
  }

  /** Runs on the main thread the handed slices no worker has started, the last handed first. */
  async takeBack(): Promise<void> {
    for (const slice of [...this.handed].reverse()) {
      if (this.failure) return;
      if (slice.start === 0) continue; // the batch's first slice (workers take from the front)
      if (Atomics.compareExchange(slice.claim, 0, UNCLAIMED, CLAIMED_BY_MAIN) !== UNCLAIMED) continue;
      await this.onMain(slice.start, slice.end);
      await yieldToEvents();
    }
  }

  /** The results in the batch's order; throws the first worker failure. */
  results(): SlicedResults {
    if (this.failure) throw this.failure;
    const parts = this.parts.sort((a, b) => a.start - b.start);
    return { results: parts.map((p) => p.result), offsets: parts.map((p) => p.start) };
  }
}

/** Lets the event loop deliver the workers' results (and hand out slices) before going on. */
export function yieldToEvents(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** The module and export a task names, as a worker is told them. */
export function nameOf(task: WorkerTask<unknown, unknown>): TaskName {
  return { module: task.module, exportName: task.exportName };
}

/** A worker's result as the main thread uses it: results rebuilt, errors as Errors again. */
function received({ out, failures, finishedAt: _, ...rest }: SentSliceResult): SliceResult {
  return {
    ...rest,
    ...(out && { out: receiveRecords(out) }),
    failures: failures.map((f) => ({ index: f.index, error: receiveError(f.error) })),
  };
}

/**
 * An error's name and message. A DOMException sent from a worker (the `DataCloneError` of a
 * result that cannot be cloned, on Node 22 and later) arrives as an Error whose name and message
 * are only in the first line of its stack (`DataCloneError: () => 1 could not be cloned.`).
 */
function nameAndMessage(error: Error): { name: string; message: string } {
  const first = /^(\w+): (.*)/.exec(error.stack ?? '');
  return error.message === '' && first
    ? { name: first[1] as string, message: first[2] as string }
    : { name: error.name, message: error.message };
}

/**
 * A slice that a worker could not run: a record could not be cloned to it, or the thread died.
 * A result that cannot be cloned kills the thread with an error that cannot be sent either on
 * Node 20, so a failure without an Error is most often that.
 */
function workerFailure(error: unknown, which: string): KindlingError {
  const CLONE = 'records and results cross threads by structured clone: no functions, symbols or streams';
  const sent = error instanceof Error ? nameAndMessage(error) : undefined;
  const why = sent
    ? `${sent.message}${sent.name === 'DataCloneError' ? `; ${CLONE}` : ''}`
    : `the thread ended without an error it could send, most often over a result that cannot be cloned (${CLONE})`;
  return new KindlingError(`${which} failed on a worker thread: ${why}`, {
    cause: error,
  });
}
