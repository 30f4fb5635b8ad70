/**
 * The context's pool of worker threads for parallel stages (`DStream.parallel`), built on
 * piscina. It starts with the context (only when the graph has a parallel stage), cuts each
 * batch of a stage into slices, hands them to the threads and puts the results back in order;
 * it closes when the context stops. Without threads, stages run inline on the main thread.
 * How a batch is cut is in `slice-schedules.ts`; how its slices run, in `slice-run.ts`.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ConfigurationError, describe } from '../../errors.js';
import type { Node } from '../node.js';
import { ParallelNode } from './parallel.js';
import { loadTaskFunction, runSlice, type StageCombine, type WorkerTask } from './parallel-task.js';
import type { WorkerSetup } from './parallel-worker.js';
import type { SliceBalance } from './slice-balance.js';
import { nameOf, type SliceJob, type SlicedResults } from './slice-run.js';
import {
  IN_FLIGHT_PER_WORKER,
  SLICES_PER_THREAD,
  runEven,
  runGuided,
  runPerThread,
  sliceCount,
} from './slice-schedules.js';

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
const here = import.meta.url;
const WORKER_ENTRY = new URL(`./parallel-worker${here.slice(here.lastIndexOf('.'))}`, here).href;
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
   * Runs `task` over `records` (the schedules are in `slice-schedules.ts`). Without threads:
   * inline, as one slice. With them, `map`, `flatMap` and `filter` stages without a `slices`
   * option are cut as they run (guided self-scheduling): each worker takes from the front a share
   * of what is left (half of an even share, at least `MIN_WORKER_SLICE` records), and the main
   * thread, with `mainThread`, takes small pieces from the back, yielding between them so that it hands out new slices as
   * soon as a worker returns one. Slices so shrink towards the end of a batch and no thread waits
   * long for the last. `mapPartitions` stages and stages given `slices` are cut into that many
   * even slices instead (default: a few per thread, none under `MIN_SLICE_RECORDS`
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
    if (combine && options.slices === undefined) return runPerThread(this, job, options.balance);
    return task.kind === 'mapPartitions' || options.slices !== undefined
      ? runEven(this, job, sliceCount(this, records.length, options.slices, SLICES_PER_THREAD))
      : runGuided(this, job);
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
