/**
 * The context's pool of worker threads for parallel stages (`DStream.parallel`), built on
 * piscina. It starts with the context (only when the graph has a parallel stage), cuts each
 * batch of a stage into slices, hands them to the threads and puts the results back in order;
 * it closes when the context stops. Without threads, stages run inline on the main thread.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ConfigurationError, KindlingError, describe } from '../errors.js';
import type { Node } from './node.js';
import { ParallelNode } from './parallel.js';
import { loadTaskFunction, runSlice, type SliceResult, type WorkerTask } from './parallel-task.js';
import { receiveError, type SentError, type SliceRequest, type WorkerSetup } from './parallel-worker.js';

/** Options of the worker pool (the context's `workers` option). */
export interface WorkerPoolOptions {
  /** Worker threads. Default: the number of cores − 1, at least 1. */
  readonly threads?: number;
  /**
   * Whether the main thread also runs slices while it waits for the workers (default true): with
   * the default of cores − 1 threads, every core then works on the stage. Set it to false to
   * keep the main thread free for receivers and I/O during parallel stages.
   */
  readonly mainThread?: boolean;
}

/** The context's `workers` option: `true` for the defaults, a number of threads, or options. */
export type WorkersOption = boolean | number | WorkerPoolOptions;

/** A batch too small to cut: below this many records per slice, fewer slices are cut. */
const MIN_SLICE_RECORDS = 128;
/** Slices per thread when the stage does not say: a few, so that threads finishing early help. */
const SLICES_PER_THREAD = 4;
/** Slices each worker holds at once: one running, one queued, so it never waits for the main thread. */
const IN_FLIGHT_PER_WORKER = 2;

const here = import.meta.url;
const WORKER_ENTRY = new URL(`./parallel-worker${here.slice(here.lastIndexOf('.'))}`, here).href;

/** A batch's results, slice by slice, in order, with where each slice starts in the batch. */
export interface SlicedResults {
  readonly results: readonly SliceResult[];
  readonly offsets: readonly number[];
}

/** The pool of one context. Threads start in {@link start} and stop in {@link close}. */
export class WorkerPool {
  /** Worker threads; 0 runs every stage inline. */
  readonly threads: number;
  /** Whether the main thread runs slices too. */
  readonly mainThread: boolean;
  private piscina: Piscina | undefined;
  private readonly functions = new Map<string, (...args: never[]) => unknown>();

  /**
   * @param option the context's `workers` option; `undefined` or `false`: no threads.
   * @param report where pool errors that belong to no batch go (a worker that died while idle).
   */
  constructor(
    option: WorkersOption | undefined,
    private readonly report: (message: string, error: unknown) => void,
  ) {
    const options: WorkerPoolOptions =
      typeof option === 'object' ? option : typeof option === 'number' ? { threads: option } : {};
    const off = option === undefined || option === false;
    const threads = off ? 0 : (options.threads ?? defaultThreads());
    if (!off && !(Number.isInteger(threads) && threads >= 1)) {
      throw new ConfigurationError(
        `workers: threads must be a whole number >= 1, got ${String(threads)}; the default is the number of cores - 1`,
      );
    }
    this.threads = threads;
    this.mainThread = options.mainThread ?? true;
  }

  /**
   * Loads the function of every parallel stage among `nodes` on the main thread (checking that
   * each exists), then starts the threads if there is a parallel stage and waits until each has
   * loaded them. Throws a
   * {@link ConfigurationError} naming the stage whose module or export is wrong.
   */
  async start(nodes: readonly Node<unknown>[]): Promise<void> {
    const stages = nodes.filter((n): n is ParallelNode<unknown, unknown> => n instanceof ParallelNode);
    for (const stage of stages) {
      try {
        await this.load(stage.task);
      } catch (error) {
        throw new ConfigurationError(`${stage.kind} '${stage.name}': ${describe(error)}`, { cause: error });
      }
    }
    if (stages.length === 0 || this.threads === 0 || this.piscina) return;
    const setup: WorkerSetup = { preload: stages.map((stage) => taskOf(stage.task)) };
    const piscina = new Piscina({
      workerData: setup,
      filename: WORKER_ENTRY,
      minThreads: this.threads,
      maxThreads: this.threads,
      concurrentTasksPerWorker: IN_FLIGHT_PER_WORKER,
      idleTimeout: Infinity,
    });
    this.piscina = piscina;
    // Wait until every thread has loaded the stages' modules (piscina announces each ready thread
    // with 'workerCreate'), so that the first batches do not wait for threads still starting.
    const ready = new Promise<void>((resolve, reject) => {
      let started = 0;
      piscina.on('workerCreate', () => {
        if (++started === this.threads) resolve();
      });
      piscina.once('error', reject);
    });
    piscina.on('error', (error: unknown) => this.report(`worker pool: ${describe(error)}`, error));
    try {
      await ready;
    } catch (error) {
      throw new ConfigurationError(`workers: a worker thread failed to start: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  /** True while threads are running (between a {@link start} that started them and {@link close}). */
  get running(): boolean {
    return this.piscina !== undefined;
  }

  /** @internal The running worker threads, for tests. */
  get workerThreads(): readonly Worker[] {
    return this.piscina?.threads ?? [];
  }

  /** Stops the threads once the slices under way are done. Safe to call more than once. */
  async close(): Promise<void> {
    const piscina = this.piscina;
    this.piscina = undefined;
    await piscina?.close();
  }

  /**
   * Runs `task` over `records`: inline as one slice without threads; else cut into `slices`
   * slices (default: a few per thread, none under {@link MIN_SLICE_RECORDS} records) that the
   * workers and, with `mainThread`, the main thread take in turn. Failures of the user function
   * are in the results; a worker that dies or a record that cannot be cloned rejects.
   */
  async run(
    task: WorkerTask<unknown, unknown>,
    records: readonly unknown[],
    batchTime: number,
    options: { readonly slices?: number | undefined; readonly collect: boolean },
  ): Promise<SlicedResults> {
    const fn = await this.load(task);
    const piscina = this.piscina;
    if (!piscina)
      return { results: [await runSlice(fn, task.kind, records, batchTime, options.collect)], offsets: [0] };
    const count = this.sliceCount(records.length, options.slices);
    const offsets = Array.from({ length: count }, (_, i) => Math.floor((i * records.length) / count));
    const sliceOf = (i: number): unknown[] => records.slice(offsets[i], offsets[i + 1] ?? records.length);
    const results = new Array<SliceResult>(count);
    // Workers take slices from the front, the main thread from the back, until they meet.
    let front = 0;
    let back = count - 1;
    let failure: KindlingError | undefined;
    const request = (i: number): SliceRequest => ({
      ...taskOf(task),
      records: sliceOf(i),
      batchTime,
      collect: options.collect,
    });
    const workerLoop = async (): Promise<void> => {
      while (front <= back && !failure) {
        const i = front++;
        try {
          results[i] = received((await piscina.run(request(i))) as SliceResult<SentError>);
        } catch (error) {
          failure ??= workerFailure(error, i, count);
        }
      }
    };
    const share = this.mainThread ? 1 : 0;
    const loops = Math.max(0, Math.min(this.threads * IN_FLIGHT_PER_WORKER, count - share));
    const workers = Promise.all(Array.from({ length: loops }, workerLoop));
    if (share) {
      while (front <= back && !failure) {
        const i = back--;
        results[i] = await runSlice(fn, task.kind, sliceOf(i), batchTime, options.collect);
        if (front <= back) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    await workers;
    if (failure) throw failure;
    return { results, offsets };
  }

  private sliceCount(records: number, slices: number | undefined): number {
    if (slices !== undefined) return Math.max(1, Math.min(slices, records));
    const perThread = (this.threads + (this.mainThread ? 1 : 0)) * SLICES_PER_THREAD;
    return Math.max(1, Math.min(Math.ceil(records / MIN_SLICE_RECORDS), perThread));
  }

  private async load(task: WorkerTask<unknown, unknown>): Promise<(...args: never[]) => unknown> {
    const key = `${task.exportName}@${task.module}`;
    let fn = this.functions.get(key);
    if (!fn) {
      fn = await loadTaskFunction(task);
      this.functions.set(key, fn);
    }
    return fn;
  }
}

function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

function taskOf(task: WorkerTask<unknown, unknown>): Pick<SliceRequest, 'module' | 'exportName' | 'kind'> {
  return { module: task.module, exportName: task.exportName, kind: task.kind };
}

function received(result: SliceResult<SentError>): SliceResult {
  return {
    ...result,
    failures: result.failures.map((f) => ({ index: f.index, error: receiveError(f.error) })),
  };
}

/**
 * A slice that a worker could not run: a record could not be cloned to it, or the thread died.
 * A result that cannot be cloned kills the thread with an error that cannot be sent either, so
 * a failure without an Error is most often that.
 */
function workerFailure(error: unknown, index: number, count: number): KindlingError {
  const CLONE = 'records and results cross threads by structured clone: no functions, symbols or streams';
  const why =
    error instanceof Error
      ? `${error.message}${error.name === 'DataCloneError' ? `; ${CLONE}` : ''}`
      : `the thread ended without an error it could send, most often over a result that cannot be cloned (${CLONE})`;
  return new KindlingError(`slice ${index + 1} of ${count} failed on a worker thread: ${why}`, {
    cause: error,
  });
}
