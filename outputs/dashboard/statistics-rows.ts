/**
 * The rows and summary the dashboard shows of the engine, as `StreamingStatistics` folds them from
 * `ssc.events` and the browsers receive them. Plain data: JSON as it is.
 */

/** Where a batch is in its life. */
export type BatchStatus = 'queued' | 'processing' | 'completed' | 'failed';

/** One batch, as the recent-batches table and the time series show it. Times and delays in ms. */
export interface BatchRow {
  readonly batchTime: number;
  readonly records: number;
  /** Records per second of batch interval. */
  readonly inputRate: number;
  readonly status: BatchStatus;
  readonly schedulingDelay: number | null;
  readonly processingDelay: number | null;
  readonly totalDelay: number | null;
  readonly deadLetters: number | null;
  /** Output operations started, and finished without and with an error. */
  readonly outputOperations: {
    readonly started: number;
    readonly succeeded: number;
    readonly failed: number;
  };
  readonly error: string | null;
}

/** A receiver's state, from its `receiverStarted`, `receiverError`, `receiverStopped` and `rateUpdated` events. */
export interface ReceiverRow {
  readonly streamId: number;
  readonly name: string;
  readonly state: 'active' | 'restarting' | 'stopped';
  /** When the state last changed (the context clock's time). */
  readonly since: number;
  readonly errors: number;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  /** The back-off before the next start, ms, while restarting. */
  readonly restartIn: number | null;
  /** Why it stopped, once stopped. */
  readonly stopReason: string | null;
  /** The rate backpressure last set, records/s. */
  readonly rateLimit: number | null;
}

/** One recent error of any kind: a failed batch, a receiver or connector error, a failed checkpoint. */
export interface ErrorRow {
  /** The context clock's time when it was seen. */
  readonly at: number;
  /** What reported it: `batch`, `receiver <name>`, `connector <name>`, `checkpoint`, `write-ahead log`. */
  readonly source: string;
  readonly message: string;
  readonly batchTime: number | null;
}

/** The headline of the page: how the job is doing overall. Averages are over the retained completed batches. */
export interface StatisticsSummary {
  readonly name: string;
  readonly batchInterval: number;
  readonly state: 'waiting' | 'active' | 'stopped';
  readonly firstBatchTime: number | null;
  readonly lastBatchTime: number | null;
  readonly completedBatches: number;
  readonly failedBatches: number;
  readonly totalRecords: number;
  readonly totalDeadLetters: number;
  readonly averageInputRate: number | null;
  readonly averageSchedulingDelay: number | null;
  readonly averageProcessingDelay: number | null;
  readonly averageTotalDelay: number | null;
  /** The error that stopped the context, if one did. */
  readonly stopError: string | null;
}

/** Everything at once: what a browser that joins late gets first. Batches oldest first. */
export interface StatisticsSnapshot {
  readonly summary: StatisticsSummary;
  readonly batches: readonly BatchRow[];
  readonly receivers: readonly ReceiverRow[];
  readonly errors: readonly ErrorRow[];
}

/** What one event changed, to send to the browsers. */
export type StatisticsChange =
  | { readonly kind: 'batch'; readonly batch: BatchRow; readonly summary: StatisticsSummary }
  | { readonly kind: 'receiver'; readonly receiver: ReceiverRow }
  | { readonly kind: 'reportedError'; readonly error: ErrorRow }
  | { readonly kind: 'summary'; readonly summary: StatisticsSummary };
