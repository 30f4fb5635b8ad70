/**
 * The engine's statistics as Spark's Streaming tab shows them, folded from `ssc.events`: one row
 * per recent batch (records, input rate, delays, output operations, status), the receivers and
 * their state, recent errors, and a summary with averages. Pure: events and the time they were
 * seen go in, rows come out; nothing here does I/O.
 */
import type { StreamingEvent } from '../../lib/index.js';
import type {
  BatchRow,
  ErrorRow,
  ReceiverRow,
  StatisticsChange,
  StatisticsSnapshot,
  StatisticsSummary,
} from './statistics-rows.js';

/** Options of {@link StreamingStatistics}. */
export interface StreamingStatisticsOptions {
  /** The job's name, for the headline. */
  readonly name: string;
  /** The context's batch interval, ms: input rates are records per interval. */
  readonly batchInterval: number;
  /** How many recent batches to keep (Spark keeps 1000); default 1000. */
  readonly retainedBatches?: number;
  /** How many recent errors to keep; default 50. */
  readonly retainedErrors?: number;
}

type MutableBatch = { -readonly [K in keyof BatchRow]: BatchRow[K] } & {
  outputOperations: { started: number; succeeded: number; failed: number };
};

/**
 * Folds `StreamingEvent`s into the statistics of the Streaming tab. Feed it every event with the
 * time it was seen; each call says what changed.
 *
 * @example
 * const stats = new StreamingStatistics({ name: 'tweets', batchInterval: 1000 });
 * ssc.events.subscribe((event) => {
 *   for (const change of stats.apply(event, ssc.clock.now())) send(change);
 * });
 *
 * Gotcha: averages are over the retained batches only, as in Spark.
 */
export class StreamingStatistics {
  private readonly batches = new Map<number, MutableBatch>();
  private readonly receivers = new Map<number, ReceiverRow>();
  private readonly errors: ErrorRow[] = [];
  private readonly retainedBatches: number;
  private readonly retainedErrors: number;
  private state: StatisticsSummary['state'] = 'waiting';
  private firstBatchTime: number | null = null;
  private completedBatches = 0;
  private failedBatches = 0;
  private totalRecords = 0;
  private totalDeadLetters = 0;
  private stopError: string | null = null;
  private lastBatchTime: number | null = null;
  /** Batch times up to this one were dropped (beyond `retainedBatches`); their late events are not kept. */
  private droppedThrough = -Infinity;
  /** Sums over the retained completed batches, for the averages. */
  private readonly sums = { count: 0, inputRate: 0, schedulingDelay: 0, processingDelay: 0, totalDelay: 0 };
  /** An error a batch event brought besides the batch's own change. */
  private pendingError: ErrorRow | undefined;

  constructor(private readonly options: StreamingStatisticsOptions) {
    this.retainedBatches = Math.max(1, options.retainedBatches ?? 1000);
    this.retainedErrors = Math.max(1, options.retainedErrors ?? 50);
  }

  /** Applies one event seen at `now` (the context clock's time); returns what changed (often nothing, or one thing). */
  apply(event: StreamingEvent, now: number): StatisticsChange[] {
    const change = this.fold(event, now);
    if (change === undefined) return [];
    const error = this.pendingError;
    this.pendingError = undefined;
    return error ? [change, { kind: 'reportedError', error }] : [change];
  }

  private fold(event: StreamingEvent, now: number): StatisticsChange | undefined {
    switch (event.type) {
      case 'batchSubmitted': {
        this.state = 'active';
        this.firstBatchTime ??= event.batchTime;
        const batch = this.batch(event.batchTime);
        batch.records = event.records;
        batch.inputRate = this.rate(event.records);
        return this.batchChange(batch);
      }
      case 'batchStarted': {
        const batch = this.batch(event.batchTime);
        batch.status = 'processing';
        batch.schedulingDelay = event.schedulingDelay;
        return this.batchChange(batch);
      }
      case 'outputOperationStarted': {
        const batch = this.batch(event.batchTime);
        batch.outputOperations.started += 1;
        return this.batchChange(batch);
      }
      case 'outputOperationCompleted': {
        const batch = this.batch(event.batchTime);
        if (event.error) batch.outputOperations.failed += 1;
        else batch.outputOperations.succeeded += 1;
        return this.batchChange(batch);
      }
      case 'batchCompleted':
        return this.completed(event, now);
      case 'receiverStarted':
        return this.receiver(event.streamId, event.receiver, now, { state: 'active', restartIn: null });
      case 'receiverError': {
        const previous = this.receivers.get(event.streamId);
        this.remember({
          at: now,
          source: `receiver ${event.receiver}`,
          message: event.message,
          batchTime: null,
        });
        return this.receiver(event.streamId, event.receiver, now, {
          state: event.restartIn === undefined ? (previous?.state ?? 'active') : 'restarting',
          errors: (previous?.errors ?? 0) + 1,
          lastError: event.message,
          lastErrorAt: now,
          restartIn: event.restartIn ?? null,
        });
      }
      case 'receiverStopped':
        return this.receiver(event.streamId, event.receiver, now, {
          state: 'stopped',
          stopReason: event.reason,
          restartIn: null,
        });
      case 'rateUpdated': {
        const previous = this.receivers.get(event.streamId);
        if (!previous) return undefined; // a batch source, not a receiver
        const row = { ...previous, rateLimit: event.rate };
        this.receivers.set(event.streamId, row);
        return { kind: 'receiver', receiver: row };
      }
      case 'connectorError':
        return this.remember({
          at: now,
          source: `connector ${event.connector}`,
          message: event.message,
          batchTime: null,
        });
      case 'checkpointFailed':
        return this.remember({
          at: now,
          source: 'checkpoint',
          message: event.error.message,
          batchTime: event.batchTime,
        });
      case 'writeAheadLogDamaged':
        return this.remember({
          at: now,
          source: `write-ahead log ${event.stream}`,
          message: event.detail,
          batchTime: null,
        });
      case 'contextStopped':
        this.state = 'stopped';
        this.stopError = event.error?.message ?? null;
        return { kind: 'summary', summary: this.summary() };
      case 'checkpointWritten':
      case 'checkpointRestored':
        return undefined;
    }
  }

  /** The headline numbers now. */
  summary(): StatisticsSummary {
    const { count } = this.sums;
    const average = (sum: number): number | null => (count === 0 ? null : sum / count);
    return {
      name: this.options.name,
      batchInterval: this.options.batchInterval,
      state: this.state,
      firstBatchTime: this.firstBatchTime,
      lastBatchTime: this.lastBatchTime,
      completedBatches: this.completedBatches,
      failedBatches: this.failedBatches,
      totalRecords: this.totalRecords,
      totalDeadLetters: this.totalDeadLetters,
      averageInputRate: average(this.sums.inputRate),
      averageSchedulingDelay: average(this.sums.schedulingDelay),
      averageProcessingDelay: average(this.sums.processingDelay),
      averageTotalDelay: average(this.sums.totalDelay),
      stopError: this.stopError,
    };
  }

  /** Everything retained, for a browser that joins late. */
  snapshot(): StatisticsSnapshot {
    return {
      summary: this.summary(),
      batches: [...this.batches.values()].sort((a, b) => a.batchTime - b.batchTime).map(copyBatch),
      receivers: [...this.receivers.values()].sort((a, b) => a.streamId - b.streamId),
      errors: [...this.errors],
    };
  }

  private completed(
    event: Extract<StreamingEvent, { type: 'batchCompleted' }>,
    now: number,
  ): StatisticsChange {
    const batch = this.batch(event.batchTime);
    if (batch.status === 'completed') this.count(batch, -1); // completed twice: the last one counts
    batch.records = event.records;
    batch.inputRate = this.rate(event.records);
    batch.schedulingDelay = event.schedulingDelay;
    batch.processingDelay = event.processingDelay;
    batch.totalDelay = event.totalDelay;
    batch.deadLetters = event.deadLetters;
    batch.status = event.error ? 'failed' : 'completed';
    batch.error = event.error?.message ?? null;
    this.totalRecords += event.records;
    this.totalDeadLetters += event.deadLetters;
    if (event.error) {
      this.failedBatches += 1;
      this.remember({ at: now, source: 'batch', message: event.error.message, batchTime: event.batchTime });
      this.pendingError = this.errors.at(-1);
    } else {
      this.completedBatches += 1;
      if (this.batches.get(batch.batchTime) === batch) this.count(batch, 1);
    }
    return this.batchChange(batch);
  }

  /**
   * The row of `time`, created queued when new; the oldest rows beyond the limit are dropped
   * (batch times come in order, so the first row kept is the oldest). A late event for a dropped
   * batch gets a row of its own that is not kept.
   */
  private batch(time: number): MutableBatch {
    let batch = this.batches.get(time);
    if (batch) return batch;
    batch = {
      batchTime: time,
      records: 0,
      inputRate: 0,
      status: 'queued',
      schedulingDelay: null,
      processingDelay: null,
      totalDelay: null,
      deadLetters: null,
      outputOperations: { started: 0, succeeded: 0, failed: 0 },
      error: null,
    };
    if (time <= this.droppedThrough) return batch;
    this.batches.set(time, batch);
    this.lastBatchTime = Math.max(this.lastBatchTime ?? time, time);
    for (const [oldest, row] of this.batches) {
      if (this.batches.size <= this.retainedBatches) break;
      this.batches.delete(oldest);
      this.droppedThrough = Math.max(this.droppedThrough, oldest);
      if (row.status === 'completed') this.count(row, -1);
    }
    return batch;
  }

  /** Adds a completed batch to the sums behind the averages (`sign` 1), or takes it out (-1). */
  private count(batch: MutableBatch, sign: 1 | -1): void {
    this.sums.count += sign;
    this.sums.inputRate += sign * batch.inputRate;
    this.sums.schedulingDelay += sign * (batch.schedulingDelay ?? 0);
    this.sums.processingDelay += sign * (batch.processingDelay ?? 0);
    this.sums.totalDelay += sign * (batch.totalDelay ?? 0);
  }

  private batchChange(batch: MutableBatch): StatisticsChange {
    return { kind: 'batch', batch: copyBatch(batch), summary: this.summary() };
  }

  private rate(records: number): number {
    return (records * 1000) / this.options.batchInterval;
  }

  private receiver(
    streamId: number,
    name: string,
    now: number,
    change: Partial<ReceiverRow>,
  ): StatisticsChange {
    const previous: ReceiverRow = this.receivers.get(streamId) ?? {
      streamId,
      name,
      state: 'active',
      since: now,
      errors: 0,
      lastError: null,
      lastErrorAt: null,
      restartIn: null,
      stopReason: null,
      rateLimit: null,
    };
    const state = change.state ?? previous.state;
    const row: ReceiverRow = {
      ...previous,
      ...change,
      name,
      since: state === previous.state && this.receivers.has(streamId) ? previous.since : now,
      stopReason: state === 'stopped' ? (change.stopReason ?? previous.stopReason) : null,
    };
    this.receivers.set(streamId, row);
    return { kind: 'receiver', receiver: row };
  }

  private remember(error: ErrorRow): StatisticsChange {
    this.errors.push(error);
    if (this.errors.length > this.retainedErrors)
      this.errors.splice(0, this.errors.length - this.retainedErrors);
    return { kind: 'reportedError', error };
  }
}

function copyBatch(batch: MutableBatch): BatchRow {
  return { ...batch, outputOperations: { ...batch.outputOperations } };
}
