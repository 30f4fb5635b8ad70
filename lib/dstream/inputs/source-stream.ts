/**
 * The input stream of a {@link BatchSource}: a source the engine asks for each batch's records
 * (Spark's direct streams, such as Kafka's), instead of a receiver that pushes them. The source
 * plans what a batch holds (an offset range per partition, say), the plan goes to the batch log,
 * then the source reads it; its position is checkpointed; it is told when a batch's outputs have
 * all completed, to commit.
 */
import type { Subscription } from 'rxjs';
import { PidRateEstimator } from '../../rate/pid-estimator.js';
import type { BatchLimit, BatchSource, StreamingEvent, TaskSlice } from '../../types.js';
import type { BackpressureOptions } from '../../rate/rate-controller.js';
import type { Observable } from 'rxjs';
import { PlannedInputNode } from './planned-input.js';
import type { GraphScope } from '../node.js';
import { KindlingError } from '../../errors.js';
import {
  DeadLetterLog,
  RejectedRecord,
  isRejectingReceiver,
  type DeadLetter,
} from '../dead-letters/dead-letter-log.js';

/** The input node of a BatchSource: plans and reads each batch with it, passes the rate, commits after. */
export class SourceInputNode<T> extends PlannedInputNode<T> {
  private rate: number | undefined;
  /** The task slices of recent batches (distributed jobs only), by batch time. */
  private readonly slices = new Map<number, readonly TaskSlice[]>();
  private subscription: Subscription | undefined;

  constructor(
    scope: GraphScope,
    readonly source: BatchSource<T>,
  ) {
    super(scope, 'sourceStream');
    // A source that declares `storesRejectedRecords` may return RejectedRecords: dead letters.
    if (isRejectingReceiver(source)) this.deadLetterLog = new DeadLetterLog();
  }

  /**
   * Called by the context before start: with backpressure on, a PID estimator sets the rate
   * passed to `read` from each completed batch (this source's records, its delays).
   */
  controlRate(events: Observable<StreamingEvent>, backpressure: BackpressureOptions | undefined): void {
    if (!backpressure?.enabled) return;
    const estimator = new PidRateEstimator(this.scope.batchInterval, backpressure);
    this.rate = backpressure.initialRate;
    this.subscription = events.subscribe((event) => {
      if (event.type !== 'batchCompleted' || event.error) return;
      const records = this.recordsAt(event.batchTime);
      if (records === undefined) return;
      const end = event.batchTime + event.totalDelay;
      const rate = estimator.compute(end, records, event.processingDelay, event.schedulingDelay);
      if (rate !== undefined) this.rate = rate;
    });
  }

  override async start(): Promise<void> {
    await this.source.start?.();
  }

  override async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.source.stop?.();
  }

  /** Tells the source that the batch at `time` and all its outputs completed. */
  async commit(time: number): Promise<void> {
    await this.source.commit?.(time);
  }

  protected async plan(time: number): Promise<unknown> {
    const limit: BatchLimit = { interval: this.scope.batchInterval, rate: this.rate };
    const plan = await this.source.plan(time, limit);
    if (plan === undefined) {
      throw new KindlingError(
        `source '${this.source.name}' planned nothing (undefined) for the batch of time ${time}; ` +
          'a plan must be a value the batch log can hold (an empty array for an empty batch)',
      );
    }
    return plan;
  }

  protected replan(time: number, plan: unknown): void {
    this.source.replan(time, plan);
  }

  /** @internal The source's task slices of the batch at `time` (see `BatchSource.taskSlices`), past its dead letters. */
  override taskSlicesAt(time: number): readonly TaskSlice[] | undefined {
    return this.slices.get(time);
  }

  override clearMetadata(time: number): void {
    super.clearMetadata(time);
    for (const t of this.slices.keys()) if (t <= time - this.rememberDuration) this.slices.delete(t);
  }

  protected async read(time: number, plan: unknown): Promise<T[]> {
    const read = await this.source.read(time, plan);
    const slices = this.source.taskSlices?.(time);
    if (slices) this.slices.set(time, slices);
    if (!this.deadLetterLog) return read;
    // Most batches reject nothing: then the source's array is the batch, without a copy. A
    // source's records are built in this process (never read back from a write-ahead log as plain
    // objects), so a rejected one is a RejectedRecord instance: a cheap test per record.
    if (!containsRejected(read)) {
      this.deadLetterLog.write(time, []);
      return read;
    }
    const records: T[] = [];
    const letters: DeadLetter[] = [];
    // The slices count records kept: each moves back by the rejected records before it.
    const kept: TaskSlice[] = [];
    let slice = 0;
    let start = 0;
    const closeSlices = (upTo: number): void => {
      while (slices && slice < slices.length && (slices[slice] as TaskSlice).end <= upTo) {
        const s = slices[slice++] as TaskSlice;
        kept.push({ task: s.task, start, end: records.length });
        start = records.length;
      }
    };
    for (let i = 0; i < read.length; i++) {
      closeSlices(i);
      const item = read[i] as T;
      if (!(item instanceof RejectedRecord)) {
        records.push(item);
        continue;
      }
      const { record, error, reason, detail } = item;
      const origin = { input: this.name, detail: detail ?? this.source.name };
      letters.push({ record, error, reason, operator: this.name, batchTime: time, origin });
    }
    closeSlices(read.length);
    if (slices) this.slices.set(time, kept);
    this.deadLetterLog.write(time, letters);
    return records;
  }

  protected override position(): unknown {
    return this.source.position?.();
  }

  protected override restorePosition(position: unknown): void {
    this.source.restore?.(position);
  }

  private recordsAt(time: number): number | undefined {
    const batch = this.checkpointBatches().find(([t]) => t === time);
    return batch ? (batch[1] as T[]).length : undefined;
  }
}

function containsRejected(records: readonly unknown[]): boolean {
  for (let i = 0; i < records.length; i++) if (records[i] instanceof RejectedRecord) return true;
  return false;
}
