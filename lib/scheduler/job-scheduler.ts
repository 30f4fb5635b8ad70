/**
 * Runs job sets strictly in batch order, one batch at a time, and reports each batch's life on
 * the event stream. It says *how* batches run; the generator says *when*, the graph *what*.
 * While a batch runs, the parallel stages of the next `lookahead` queued batches may start
 * (`JobSet.runAhead`): their jobs still run after it, in order.
 */
import { Subject, concatMap, from, type Subscription } from 'rxjs';
import { KindlingError } from '../errors.js';
import type { JobSet } from '../graph.js';
import type { Clock, StreamingEvent } from '../types.js';

interface QueuedJobSet extends JobSet {
  readonly done: () => void;
  /**
   * Set once its stages started ahead of its turn: when (its processing started then, as Spark
   * counts it from a batch's first work), and a promise that settles when they have.
   */
  ahead?: { readonly at: number; readonly settled: Promise<void> } | undefined;
}

/** What the scheduler tells its owner when a batch has finished. */
export type BatchDone = (time: number, error: KindlingError | undefined) => void;

/** Runs job sets one at a time in batch order and reports their life on the event stream. */
export class JobScheduler {
  private readonly queue = new Subject<QueuedJobSet>();
  private readonly subscription: Subscription;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private dropping = false;
  /** Submitted sets that have not started, oldest first (the others of `pending` are running). */
  private readonly waiting: QueuedJobSet[] = [];

  /**
   * @param lookahead how many queued sets may start their stages early while one runs (0: none).
   */
  constructor(
    private readonly clock: Clock,
    private readonly events: Subject<StreamingEvent>,
    private readonly onBatchDone: BatchDone,
    private readonly lookahead = 0,
  ) {
    this.subscription = this.queue.pipe(concatMap((set) => from(this.run(set)))).subscribe();
  }

  /** Queues a job set; resolves when it has run (or was dropped by a non-graceful stop). */
  submit(set: JobSet): Promise<void> {
    this.pending++;
    return new Promise<void>((resolve) => {
      this.events.next({ type: 'batchSubmitted', batchTime: set.time, records: set.records });
      const queued: QueuedJobSet = { ...set, done: resolve };
      this.waiting.push(queued);
      this.queue.next(queued);
      this.runAhead();
    });
  }

  /** Resolves once every queued job set has run. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Skips every job set that has not started yet (a non-graceful stop). */
  dropQueued(): void {
    this.dropping = true;
  }

  close(): void {
    this.subscription.unsubscribe();
  }

  /** Starts the stages of the first `lookahead` waiting sets, while a set runs. */
  private runAhead(): void {
    const running = this.pending > this.waiting.length;
    if (!running || this.dropping) return;
    for (const set of this.waiting.slice(0, this.lookahead)) {
      if (set.ahead || !set.runAhead) continue;
      set.ahead = { at: this.clock.now(), settled: set.runAhead() };
    }
  }

  private async run(set: QueuedJobSet): Promise<void> {
    this.waiting.splice(this.waiting.indexOf(set), 1);
    try {
      this.runAhead();
      if (!this.dropping) await this.runJobs(set);
      // A dropped set's stages may still be running ahead; a stop waits for them.
      else await set.ahead?.settled;
    } finally {
      this.pending--;
      set.done();
      if (this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        waiters.forEach((wake) => wake());
      }
    }
  }

  private async runJobs(set: QueuedJobSet): Promise<void> {
    // A set whose stages ran ahead started processing then, not when its jobs started.
    const started = set.ahead?.at ?? this.clock.now();
    const schedulingDelay = Math.max(0, started - set.time);
    this.events.next({ type: 'batchStarted', batchTime: set.time, schedulingDelay });
    let failure: KindlingError | undefined;
    for (const job of set.jobs) {
      const jobStart = this.clock.now();
      const base = { batchTime: set.time, outputOperation: job.outputOperation, operator: job.operator };
      this.events.next({ type: 'outputOperationStarted', ...base });
      let error: KindlingError | undefined;
      try {
        await job.run();
      } catch (thrown) {
        error =
          thrown instanceof KindlingError
            ? thrown
            : new KindlingError(`output '${job.operator}' failed: ${String(thrown)}`, { cause: thrown });
        failure ??= error;
      }
      const duration = this.clock.now() - jobStart;
      this.events.next({
        type: 'outputOperationCompleted',
        ...base,
        duration,
        ...(error ? { error } : {}),
      });
    }
    const end = this.clock.now();
    this.events.next({
      type: 'batchCompleted',
      batchTime: set.time,
      records: set.records,
      deadLetters: set.countDeadLetters?.() ?? 0,
      schedulingDelay,
      processingDelay: end - started,
      totalDelay: Math.max(0, end - set.time),
      ...(failure ? { error: failure } : {}),
    });
    this.onBatchDone(set.time, failure);
  }
}
