/**
 * The rows and summary the dashboard shows of the engine, as `StreamingStatistics` folds them from
 * `ssc.events` and the browsers receive them. Plain data: JSON as it is.
 */

/** Where a batch is in its life. */
export type BatchStatus = 'queued' | 'processing' | 'completed' | 'failed';

/** One batch, as the recent-batches table and the time series show it. Times and delays in ms. */
export interface BatchRow {
  /** The batch time (its interval's end on the context clock). */
  readonly batchTime: number;
  /** Records the batch's inputs held, all inputs summed. */
  readonly records: number;
  /** Records per second of batch interval. */
  readonly inputRate: number;
  /** Where the batch is: queued once submitted, processing once started, then completed or failed. */
  readonly status: BatchStatus;
  /** From the batch time to the start of its processing; null until it starts. */
  readonly schedulingDelay: number | null;
  /** From the start of its processing to its end; null until it completes. */
  readonly processingDelay: number | null;
  /** Scheduling plus processing delay; null until it completes. */
  readonly totalDelay: number | null;
  /** Records rejected into dead letters during the batch; null until it completes. */
  readonly deadLetters: number | null;
  /** Output operations started, and finished without and with an error. */
  readonly outputOperations: {
    /** Output operations of the batch that have started. */
    readonly started: number;
    /** Those that finished without an error. */
    readonly succeeded: number;
    /** Those that finished with an error. */
    readonly failed: number;
  };
  /** The message of the error the batch failed with; null unless it failed. */
  readonly error: string | null;
}

/** A receiver's state, from its `receiverStarted`, `receiverError`, `receiverStopped` and `rateUpdated` events. */
export interface ReceiverRow {
  /** The receiver's input stream: its index among the context's input streams, in creation order. */
  readonly streamId: number;
  /** The receiver's `name`. */
  readonly name: string;
  /** Running, waiting out a back-off before starting again, or stopped for good. */
  readonly state: 'active' | 'restarting' | 'stopped';
  /** When the state last changed (the context clock's time). */
  readonly since: number;
  /** The `receiverError` events seen for it so far. */
  readonly errors: number;
  /** The message of its last error; null before the first. */
  readonly lastError: string | null;
  /** When its last error was seen (the context clock's time, ms); null before the first. */
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
  /** The error's message, as the event carried it. */
  readonly message: string;
  /** The batch time of a failed batch or checkpoint; null for the other errors. */
  readonly batchTime: number | null;
}

/** The headline of the page: how the job is doing overall. Averages are over the retained completed batches. */
export interface StatisticsSummary {
  /** The job's name: the context's `name`. */
  readonly name: string;
  /** The context's batch interval, ms. */
  readonly batchInterval: number;
  /** Waiting for the first batch, running batches, or stopped (after `contextStopped`). */
  readonly state: 'waiting' | 'active' | 'stopped';
  /** The batch time of the first batch submitted; null before it. */
  readonly firstBatchTime: number | null;
  /** The newest batch time seen; null before the first batch. */
  readonly lastBatchTime: number | null;
  /** Batches that completed without an error since the start (retained or not). */
  readonly completedBatches: number;
  /** Batches that completed with an error since the start. */
  readonly failedBatches: number;
  /** Records of every batch that completed or failed since the start. */
  readonly totalRecords: number;
  /** Dead letters of every batch that completed or failed since the start. */
  readonly totalDeadLetters: number;
  /** Mean input rate of the retained completed batches, records/s; null before the first. */
  readonly averageInputRate: number | null;
  /** Mean scheduling delay of the retained completed batches, ms; null before the first. */
  readonly averageSchedulingDelay: number | null;
  /** Mean processing delay of the retained completed batches, ms; null before the first. */
  readonly averageProcessingDelay: number | null;
  /** Mean total delay of the retained completed batches, ms; null before the first. */
  readonly averageTotalDelay: number | null;
  /** The error that stopped the context, if one did. */
  readonly stopError: string | null;
}

/** Everything at once: what a browser that joins late gets first. Batches oldest first. */
export interface StatisticsSnapshot {
  /** The headline numbers now. */
  readonly summary: StatisticsSummary;
  /** The retained batches, oldest first. */
  readonly batches: readonly BatchRow[];
  /** Every receiver seen, by stream id. */
  readonly receivers: readonly ReceiverRow[];
  /** The retained recent errors, oldest first. */
  readonly errors: readonly ErrorRow[];
}

/** What one event changed, to send to the browsers. */
export type StatisticsChange =
  | {
      /** A batch's row changed (and so may the summary). */
      readonly kind: 'batch';
      /** The batch's row as it is now. */
      readonly batch: BatchRow;
      /** The summary as it is now. */
      readonly summary: StatisticsSummary;
    }
  | {
      /** A receiver's row changed. */
      readonly kind: 'receiver';
      /** The receiver's row as it is now. */
      readonly receiver: ReceiverRow;
    }
  | {
      /** An error was added to the recent errors. */
      readonly kind: 'reportedError';
      /** The error added. */
      readonly error: ErrorRow;
    }
  | {
      /** Only the summary changed (the context stopped). */
      readonly kind: 'summary';
      /** The summary as it is now. */
      readonly summary: StatisticsSummary;
    };
