/**
 * The context's pool of worker threads for parallel stages (`DStream.parallel`), built on
 * piscina. It starts with the context (only when the graph has a parallel stage), cuts each
 * batch of a stage into slices, hands them to the threads and puts the results back in order;
 * it closes when the context stops. Without threads, stages run inline on the main thread.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ConfigurationError, KindlingError, describe } from '../../errors.js';
import type { Node } from '../node.js';
import { ParallelNode } from './parallel.js';
import {
  loadTaskFunction,
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
  type WorkerSetup,
} from './parallel-worker.js';
import { receiveRecords, sendRecords } from './record-transfer.js';
import type { SliceBalance, SliceTiming } from './slice-balance.js';

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
  /**
   * How many batches waiting behind a running one may start their parallel stages early
   * (default 1; 0 turns it off). When batches queue up, the threads then go on with the next
   * batch's stage while the main thread finishes the running batch (its joins, windows and
   * outputs). Output operations still run one batch at a time, in batch order, and see the same
   * records. Only stages whose inputs are fixed when the batch is generated start early: those
   * reading inputs through narrow operators, `repartition`, `union` and other parallel stages.
   */
  readonly lookahead?: number;
}

/** The context's `workers` option: `true` for the defaults, a number of threads, or options. */
export type WorkersOption = boolean | number | WorkerPoolOptions;

/** A batch too small to cut: below this many records per slice, fewer slices are cut. */
const MIN_SLICE_RECORDS = 128;
/**
 * Slices per thread when the stage does not say: a few, so that threads finishing early help
 * (one for stages fused with a by-key merge: each slice gives back a pair per key it saw).
 */
const SLICES_PER_THREAD = 4;
/** Slices of one stage each worker holds at once: one running, one queued, so it never waits for the main thread. */
const IN_FLIGHT_PER_WORKER = 2;
/** The smallest slice a worker is handed by guided scheduling (but the batch's last records). */
const MIN_WORKER_SLICE = 32;
/** The main thread's first piece of a guided batch, in records; later pieces aim at MAIN_PIECE_MS. */
const FIRST_MAIN_PIECE = 16;
/** About how long the main thread works on a piece before it looks at the workers again. */
const MAIN_PIECE_MS = 1;

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
  /** Queued batches whose parallel stages may start early; 0 without threads. */
  readonly lookahead: number;
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
    const lookahead = options.lookahead ?? 1;
    if (!(Number.isInteger(lookahead) && lookahead >= 0)) {
      throw new ConfigurationError(
        `workers: lookahead must be a whole number >= 0, got ${String(lookahead)}; 0 turns it off, the default is 1`,
      );
    }
    this.lookahead = threads === 0 ? 0 : lookahead;
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
        for (const task of stageTasks(stage)) await this.load(task);
      } catch (error) {
        throw new ConfigurationError(`${stage.kind} '${stage.name}': ${describe(error)}`, { cause: error });
      }
    }
    if (stages.length === 0 || this.threads === 0 || this.piscina) return;
    const setup: WorkerSetup = { preload: stages.flatMap(stageTasks).map(nameOf) };
    const piscina = new Piscina({
      workerData: setup,
      filename: WORKER_ENTRY,
      minThreads: this.threads,
      maxThreads: this.threads,
      // With lookahead, the slices of the batches running ahead go to the worker too, instead of
      // waiting in piscina's queue for the main thread to hand them out when one is done.
      concurrentTasksPerWorker: IN_FLIGHT_PER_WORKER * (1 + this.lookahead),
      idleTimeout: Infinity,
      // Piscina's Atomics path reads every queued task at once and runs them interleaved on
      // promises, so a slice's result would wait for the next slice to be computed too.
      atomics: 'disabled',
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
   * Runs `task` over `records`. Without threads: inline, as one slice. With them, `map`,
   * `flatMap` and `filter` stages without a `slices` option are cut as they run (guided
   * self-scheduling): each worker takes from the front a share of what is left (half of an even
   * share, at least {@link MIN_WORKER_SLICE} records), and the main thread, with `mainThread`,
   * takes small pieces from the back, yielding between them so that it hands out new slices as
   * soon as a worker returns one. Slices so shrink towards the end of a batch and no thread waits
   * long for the last. `mapPartitions` stages and stages given `slices` are cut into that many
   * even slices instead (default: a few per thread, none under {@link MIN_SLICE_RECORDS}
   * records), since a `mapPartitions` function sees one slice at a time. Stages with `combine`
   * run one slice per thread, since each slice gives back a pair per key it saw; with the main
   * thread, `balance` sizes them from what a record cost each side in the stage's earlier
   * batches, so that the threads end together (a worker pays for reading its slice back). Failures
   * of the user function are in the results; a worker that dies, a record that cannot be cloned,
   * or an error thrown by a reduce function rejects.
   */
  async run(
    task: WorkerTask<unknown, unknown>,
    records: readonly unknown[],
    batchTime: number,
    options: {
      readonly slices?: number | undefined;
      readonly collect: boolean;
      readonly combine?: StageCombine | undefined;
      /** How the stage's slices are shared out when it runs one per thread; learns from this batch. */
      readonly balance?: SliceBalance | undefined;
    },
  ): Promise<SlicedResults> {
    const fn = await this.load(task);
    const combine = options.combine && (await this.combineOf(options.combine));
    const piscina = this.piscina;
    if (!piscina) {
      const result = await runSlice(fn, task.kind, records, batchTime, options.collect, combine?.slice);
      return { results: [result], offsets: [0] };
    }
    const job: SliceJob = { piscina, fn, task, records, batchTime, collect: options.collect, combine };
    if (combine && options.slices === undefined) return this.runPerThread(job, options.balance);
    return task.kind === 'mapPartitions' || options.slices !== undefined
      ? this.runEven(job, this.sliceCount(records.length, options.slices, SLICES_PER_THREAD))
      : this.runGuided(job);
  }

  /**
   * One slice per thread, the main thread's last, cut by `balance` so that all end together
   * (even without it); the balance then learns from how long each took.
   */
  private runPerThread(job: SliceJob, balance: SliceBalance | undefined): Promise<SlicedResults> {
    const count = this.sliceCount(job.records.length, undefined, 1);
    return this.runEven(job, count, this.mainThread && count >= 2 ? balance : undefined);
  }

  /**
   * `count` slices: workers take them from the front, the main thread (with `mainThread`) the
   * last. Even, or with `balance` the workers' slices first and the main thread's last, sized
   * as it says; it then learns from how long each took.
   */
  private async runEven(job: SliceJob, count: number, balance?: SliceBalance): Promise<SlicedResults> {
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
    const share = this.mainThread ? 1 : 0;
    const workers = Promise.all(Array.from({ length: this.workerLoops(count - share) }, workerLoop));
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

  /** Slices cut as the threads ask for work; see {@link run}. */
  private async runGuided(job: SliceJob): Promise<SlicedResults> {
    const total = job.records.length;
    const run = new SliceRun(job);
    let front = 0;
    let back = total;
    const takers = this.threads + (this.mainThread ? 1 : 0);
    const workerLoop = async (): Promise<void> => {
      while (front < back && !run.failure) {
        const left = back - front;
        const start = front;
        front += Math.min(left, Math.max(MIN_WORKER_SLICE, Math.ceil(left / (2 * takers))));
        await run.onWorker(start, front, `records ${start + 1} to ${front} of ${total}`);
      }
    };
    const workers = Promise.all(
      Array.from({ length: this.workerLoops(Math.ceil(total / MIN_WORKER_SLICE)) }, workerLoop),
    );
    if (this.mainThread) {
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
  private workerLoops(slices: number): number {
    return Math.max(0, Math.min(this.threads * IN_FLIGHT_PER_WORKER, slices));
  }

  private sliceCount(records: number, slices: number | undefined, perThread: number): number {
    if (slices !== undefined) return Math.max(1, Math.min(slices, records));
    const all = (this.threads + (this.mainThread ? 1 : 0)) * perThread;
    return Math.max(1, Math.min(Math.ceil(records / MIN_SLICE_RECORDS), all));
  }

  /** `combine` for the main thread (its function loaded) and as the workers get it (by task). */
  private async combineOf(combine: StageCombine): Promise<SliceJob['combine']> {
    if (combine.by === 'countByValue') return { slice: combine, stage: combine };
    return { slice: { by: 'reduceByKey', reduce: await this.load(combine.task) }, stage: combine };
  }

  /** The function `task` names, loaded on the main thread once. */
  async load(task: WorkerTask<unknown, unknown>): Promise<(...args: never[]) => unknown> {
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

/** The functions a parallel stage runs: its task's, and a fused reduceByKey's. */
function stageTasks(stage: ParallelNode<unknown, unknown>): WorkerTask<unknown, unknown>[] {
  const combine = stage.combine;
  return combine?.by === 'reduceByKey' ? [stage.task, combine.task] : [stage.task];
}

function nameOf(task: WorkerTask<unknown, unknown>): TaskName {
  return { module: task.module, exportName: task.exportName };
}

/** What one `run` needs to hand slices out. */
interface SliceJob {
  readonly piscina: Piscina;
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
class SliceRun {
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
function yieldToEvents(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
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
 * A slice that a worker could not run: a record could not be cloned to it, or the thread died.
 * A result that cannot be cloned kills the thread with an error that cannot be sent either, so
 * a failure without an Error is most often that.
 */
function workerFailure(error: unknown, which: string): KindlingError {
  const CLONE = 'records and results cross threads by structured clone: no functions, symbols or streams';
  const why =
    error instanceof Error
      ? `${error.message}${error.name === 'DataCloneError' ? `; ${CLONE}` : ''}`
      : `the thread ended without an error it could send, most often over a result that cannot be cloned (${CLONE})`;
  return new KindlingError(`${which} failed on a worker thread: ${why}`, {
    cause: error,
  });
}
