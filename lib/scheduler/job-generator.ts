/**
 * Turns clock ticks into job sets: at every batch time it materialises the inputs, asks the
 * graph for the jobs due, and hands them to the scheduler. It says *when* batches happen.
 */
import type { Subscription } from 'rxjs';
import type { DStreamGraph } from '../graph.js';
import type { Clock } from '../types.js';
import type { JobScheduler } from './job-scheduler.js';

/** Generates one job set per clock tick, in order, and submits it to the scheduler. */
export class JobGenerator {
  private subscription: Subscription | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** The last batch time generated. */
  lastTime: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly graph: DStreamGraph,
    private readonly scheduler: JobScheduler,
    private readonly onGenerationError: (time: number, error: unknown) => void,
  ) {}

  /** The first batch time if started now: the next multiple of the batch interval after now. */
  firstBatchTime(): number {
    const interval = this.graph.batchInterval;
    return (Math.floor(this.clock.now() / interval) + 1) * interval;
  }

  start(firstTime: number): void {
    this.subscription = this.clock
      .timer(firstTime, this.graph.batchInterval)
      .subscribe((time) => this.clock.track(this.generate(time)));
  }

  /** Stops ticking; resolves when batches already being generated have been submitted. */
  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    await this.chain;
  }

  /** Resolves once every batch whose tick has fired has been generated and submitted. */
  async generated(): Promise<void> {
    await this.chain;
  }

  get running(): boolean {
    return this.subscription !== undefined;
  }

  /** Generates the batch at `time` after those before it; resolves when that batch has run. */
  private generate(time: number): Promise<void> {
    const submitted = this.chain.then(async () => {
      this.lastTime = time;
      const set = await this.graph.generateJobs(time);
      return { done: this.scheduler.submit(set) };
    });
    this.chain = submitted.catch(() => undefined);
    return submitted.then(
      ({ done }) => done,
      (error: unknown) => this.onGenerationError(time, error),
    );
  }
}
