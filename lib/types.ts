/**
 * The interfaces the rest of Kindling depends on, in one place: clocks, the receiver contract
 * and the event stream.
 */
import type { Observable } from 'rxjs';
import type { KindlingError } from './errors.js';

/**
 * The source of time for a context. Injected, never global: {@link SystemClock} in production,
 * {@link ManualClock} in tests.
 */
export interface Clock {
  /** The current time, ms since the epoch (or since the manual clock's start). */
  now(): number;
  /** Emits `first`, `first + period`, `first + 2 * period`, … as each of those times is reached. */
  timer(first: number, period: number): Observable<number>;
  /** Resolves once `ms` have passed on this clock. */
  sleep(ms: number): Promise<void>;
  /**
   * Tells the clock that work started by one of its ticks is under way. `ManualClock.advance`
   * waits for such work before it moves on; `SystemClock` ignores it.
   */
  track(work: Promise<unknown>): void;
}

/** What the engine offers a running receiver (see `Receiver` in `lib/receiver/receiver.ts`). */
export interface ReceiverHost<T> {
  /**
   * Hands records to the engine; resolves once they are buffered, or with a write-ahead log once
   * they are logged (a reliable receiver acks then). `position`: where the source stands after them.
   */
  store(records: readonly T[], position?: unknown): Promise<void>;
  /** The position given with the last stored records; after a crash, the last one logged. */
  readonly position: unknown;
  /** Stops the receiver and starts it again after a back-off delay. */
  restart(reason: string, error?: unknown): void;
  /** Reports an error without stopping the receiver. */
  reportError(message: string, error?: unknown): void;
  /** Stops the receiver for good. */
  stop(reason: string, error?: unknown): void;
  /** True once the receiver has been told to stop (or is between restarts). */
  readonly isStopped: boolean;
}

/** Timings of one batch, as Spark's Streaming tab shows them. All in ms. */
export interface BatchTimings {
  /** How long the batch waited after its batch time before its processing started. */
  readonly schedulingDelay: number;
  /**
   * How long it was processed: from its first output operation's start, or from when its
   * parallel stages started ahead of its turn (the pool's `lookahead`), to its last one's end.
   */
  readonly processingDelay: number;
  /** Scheduling delay plus processing delay. */
  readonly totalDelay: number;
}

/** One event on `StreamingContext.events`. */
export type StreamingEvent =
  | {
      /** The batch's jobs were generated and queued to run after the batches before it. */
      readonly type: 'batchSubmitted';
      /** The batch time, ms: when the batch's interval ended, a multiple of the batch interval. */
      readonly batchTime: number;
      /** Records the batch's input streams hold for this batch time, all inputs summed. */
      readonly records: number;
    }
  | {
      /** The batch's processing started (its first output operation, or its stages run ahead). */
      readonly type: 'batchStarted';
      /** The batch time, ms: when the batch's interval ended, a multiple of the batch interval. */
      readonly batchTime: number;
      /** Ms from the batch time to the start of its processing (as in `BatchTimings`). */
      readonly schedulingDelay: number;
    }
  | ({
      /** Every output operation of the batch has run (some may have failed: see `error`). */
      readonly type: 'batchCompleted';
      /** The batch time, ms: when the batch's interval ended, a multiple of the batch interval. */
      readonly batchTime: number;
      /** Records the batch's input streams held for this batch time, all inputs summed. */
      readonly records: number;
      /**
       * Records rejected into dead letters (see `DStream.deadLetters()`) during this batch, each
       * counted once: those of this batch time, and those of earlier ones written late (a window
       * runs its upstream operators for older batches).
       */
      readonly deadLetters: number;
      /** The error of the first output operation that failed; absent when all succeeded. */
      readonly error?: KindlingError;
    } & BatchTimings)
  | {
      /** One output operation of the batch started. */
      readonly type: 'outputOperationStarted';
      /** The batch time, ms: when the batch's interval ended, a multiple of the batch interval. */
      readonly batchTime: number;
      /** The output operation's index among the context's outputs, in the order they were added (from 0). */
      readonly outputOperation: number;
      /** The output operation's unique name in the graph (e.g. `words/count/print`, or the one given it). */
      readonly operator: string;
    }
  | {
      /** One output operation of the batch ended, successfully or with `error`. */
      readonly type: 'outputOperationCompleted';
      /** The batch time, ms: when the batch's interval ended, a multiple of the batch interval. */
      readonly batchTime: number;
      /** The output operation's index among the context's outputs, in the order they were added (from 0). */
      readonly outputOperation: number;
      /** The output operation's unique name in the graph (e.g. `words/count/print`, or the one given it). */
      readonly operator: string;
      /** How long the output operation ran, ms on the context's clock. */
      readonly duration: number;
      /** Why it failed (a non-Kindling error is wrapped, as its `cause`); absent when it succeeded. */
      readonly error?: KindlingError;
    }
  | {
      /** A receiver started (at the context's start, and again after each restart). */
      readonly type: 'receiverStarted';
      /** The receiver's `name`. */
      readonly receiver: string;
      /** The receiver's input stream: its index among the context's input streams, in creation order. */
      readonly streamId: number;
    }
  | {
      /** A receiver reported an error, or failed and will restart (`restartIn`) or stop. */
      readonly type: 'receiverError';
      /** The receiver's `name`. */
      readonly receiver: string;
      /** The receiver's input stream: its index among the context's input streams, in creation order. */
      readonly streamId: number;
      /** What went wrong, as the receiver or its supervisor says it. */
      readonly message: string;
      /** What was thrown or reported with the message, if anything. */
      readonly error?: unknown;
      /** Set when the supervisor will start the receiver again after this many ms. */
      readonly restartIn?: number;
    }
  | {
      /** A receiver stopped for good (the context stopped, or it gave up). */
      readonly type: 'receiverStopped';
      /** The receiver's `name`. */
      readonly receiver: string;
      /** The receiver's input stream: its index among the context's input streams, in creation order. */
      readonly streamId: number;
      /** Why it stopped, as given to `stop(reason)`. */
      readonly reason: string;
    }
  | {
      /**
       * A connector (a batch source, an output) met an error it handles itself, typically a lost
       * connection it retries: reported through `ssc.reportError`, nothing stops.
       */
      readonly type: 'connectorError';
      /** The connector's name (the batch source's or the output's `name`). */
      readonly connector: string;
      /** What went wrong, without credentials. */
      readonly message: string;
      /** What was thrown, if anything (redacted by the connector). */
      readonly error?: unknown;
      /** Set when the connector tries again after this many ms. */
      readonly retryIn?: number;
    }
  | {
      /** The checkpoint of a batch time is in the checkpoint store. */
      readonly type: 'checkpointWritten';
      /** The batch time the checkpoint was taken at, ms. */
      readonly batchTime: number;
      /** Size of the encoded checkpoint written to the store, bytes. */
      readonly bytes: number;
      /** Main-thread ms taking the snapshot at the batch's completion: what a batch due then waits. */
      readonly snapshotMs: number;
      /** The longest slice of the encoding after it, ms: what a batch due meanwhile waits at most. */
      readonly longestSliceMs: number;
    }
  | {
      /** A checkpoint could not be written; the job goes on, a restart resumes from an older one. */
      readonly type: 'checkpointFailed';
      /** The batch time of the checkpoint that failed, ms. */
      readonly batchTime: number;
      /** Why, naming the store (retriable; the store's error is its `cause`). */
      readonly error: KindlingError;
    }
  | {
      /** The context resumed from a checkpoint (`StreamingContext.getOrCreate`). */
      readonly type: 'checkpointRestored';
      /** The batch time of the checkpoint the job resumed from. */
      readonly batchTime: number;
      /** Batches generated before the crash but not completed: they run again. */
      readonly pending: readonly number[];
      /** Those of `pending` that run again with the plans of the batch log (offset ranges, files). */
      readonly replayed: readonly number[];
      /** Newer checkpoints that could not be used (truncated, corrupt), and why. */
      readonly skipped: readonly SkippedCheckpoint[];
      /** Stateful operators that start empty (only with `allowMissingState`). */
      readonly missingState: readonly string[];
    }
  | {
      /** Backpressure set a receiver's rate after a batch (records per second, capped at maxRate). */
      readonly type: 'rateUpdated';
      /** The input stream: its index among the context's input streams, in creation order. */
      readonly streamId: number;
      /** The rate now allowed, records per second. */
      readonly rate: number;
    }
  | {
      /** A receiver's write-ahead log had a torn or corrupt record when read back at start. */
      readonly type: 'writeAheadLogDamaged';
      /** The name of the receiver input stream whose log it is. */
      readonly stream: string;
      /** Where the damage is (segment and byte) and what it is; the records before it were kept. */
      readonly detail: string;
    }
  | {
      /** The context stopped; the last event before the event stream completes. */
      readonly type: 'contextStopped';
      /** The batch error that stopped it; absent after a requested stop. */
      readonly error?: KindlingError;
    };

/** The `type` of a {@link StreamingEvent}. */
export type StreamingEventType = StreamingEvent['type'];

/** The event of a given type. */
export type EventOf<K extends StreamingEventType> = Extract<
  StreamingEvent,
  {
    /** The event type to select. */
    type: K;
  }
>;

/** Where a checkpoint store found a checkpoint it could not use, and why. */
export interface SkippedCheckpoint {
  /** The checkpoint's name in the store (a file name, an object key). */
  readonly name: string;
  /** Why it was skipped: what was wrong with its bytes (truncated, bad checksum, unreadable). */
  readonly reason: string;
}

/** One checkpoint, or one batch's plans, as a store holds it: its batch time, its name and its bytes. */
export interface StoredCheckpoint {
  /** The batch time it was written for, ms. */
  readonly time: number;
  /** Its name in the store (a file name, an object key; see `storedName`). */
  readonly name: string;
  /** Its bytes as written, checksum verified. */
  readonly data: Uint8Array;
}

/**
 * Durable storage of checkpoints (a local directory by default; S3 and HDFS stores follow the
 * same contract). A store writes atomically (a reader never sees half a checkpoint), checks each
 * checkpoint's checksum on read, and keeps only the newest few.
 */
export interface CheckpointStore {
  /** A description for messages, e.g. `directory /var/ckpt`. */
  readonly description: string;
  /**
   * Writes the checkpoint of batch time `time`, replacing one of the same time; atomic. `base`,
   * given only to a store that says it is `incremental`, is the time of the checkpoint this one
   * builds on (it holds only what changed since): the store must keep that checkpoint (and its
   * own base, and so on) as long as it keeps this one.
   */
  write(time: number, data: Uint8Array, base?: number): Promise<void>;
  /**
   * True when the store keeps the base of every incremental checkpoint it keeps (see `write`);
   * the engine writes incremental checkpoints only to such a store, whole ones to others.
   */
  readonly incremental?: boolean;
  /**
   * The newest checkpoints that read back intact, newest first, with the ones skipped as corrupt
   * (truncated, bad checksum). Empty when there is none.
   */
  readAll(): Promise<{
    /** The intact checkpoints, newest first. */
    readonly checkpoints: StoredCheckpoint[];
    /** Those that did not read back intact, and why. */
    readonly skipped: SkippedCheckpoint[];
  }>;
  /**
   * Writes the plans of the batch at `time` (what each replayable input reads for it, encoded
   * by the engine) durably and atomically, replacing plans of the same time. The engine waits
   * for it before the batch's outputs run. A store keeps the plans newer than its oldest
   * checkpoint, and deletes the others when it deletes old checkpoints.
   */
  writePlans(time: number, data: Uint8Array): Promise<void>;
  /**
   * Every batch's plans the store holds, oldest first, with the ones that do not read back
   * intact (truncated, bad checksum) as skipped.
   */
  readPlans(): Promise<{
    /** The intact batch plans, oldest first. */
    readonly plans: StoredCheckpoint[];
    /** Those that did not read back intact, and why. */
    readonly skipped: SkippedCheckpoint[];
  }>;
  /**
   * How many checkpoints the store keeps (default 1). The engine keeps what a restart from the
   * oldest of them needs (write-ahead log segments, batch plans).
   */
  readonly keep?: number;
  /** Removes every checkpoint and every batch's plans (for tests and for starting afresh). */
  clear(): Promise<void>;
}

/** Where one record of a write-ahead log lies, to read it back. */
export interface WalPointer {
  /** The segment that holds the record (for `FileWriteAheadLog`, its file name). */
  readonly segment: string;
  /** Where the record's frame starts in the segment, bytes from its start. */
  readonly offset: number;
  /** The record's frame length, bytes, header included. */
  readonly length: number;
}

/** When a write-ahead log forces its writes to disk. */
export type FsyncPolicy =
  /** fsync before every append resolves (safest, slowest). */
  | 'always'
  /** fsync at most every `intervalMs`; appends resolve after the write, before the fsync. */
  | {
      /** The longest time between fsyncs, ms. */
      readonly intervalMs: number;
    }
  /** leave it to the operating system. */
  | 'never';

/**
 * An append-only log of records in segment files, each record with a checksum, for data that
 * cannot be read again from its source (receiver blocks).
 */
export interface WriteAheadLog {
  /** Appends `data`, stamped with batch-clock time `time`; resolves once written (per the fsync policy). */
  append(data: Uint8Array, time: number): Promise<WalPointer>;
  /** Reads one record back; throws if it is missing or fails its checksum. */
  read(pointer: WalPointer): Promise<Uint8Array>;
  /**
   * Every intact record in append order. A torn or corrupt tail of a segment ends that segment's
   * records and is reported through `onCorrupt`, never thrown.
   */
  readAll(onCorrupt?: (segment: string, offset: number, reason: string) => void): AsyncIterable<{
    /** Where the record lies, for `read`. */
    readonly pointer: WalPointer;
    /** The batch-clock time it was appended with, ms. */
    readonly time: number;
    /** The record's bytes, checksum verified. */
    readonly data: Uint8Array;
  }>;
  /** Deletes the segments whose every record is older than `time`. */
  clean(time: number): Promise<void>;
  /** Finishes the appends under way (with their fsync, per the policy) and closes the log. */
  close(): Promise<void>;
}

/** What the engine tells a {@link BatchSource} about the batch it asks for. */
export interface BatchLimit {
  /** The batch interval, ms. */
  readonly interval: number;
  /**
   * Records per second the backpressure estimator allows now (`undefined` without backpressure,
   * or before its first estimate). A source reads at most about `rate * interval / 1000`.
   */
  readonly rate: number | undefined;
}

/**
 * A source the engine asks for each batch's records, as Spark's direct streams do (Kafka): no
 * receiver, no write-ahead log. Reading a batch takes two steps. `plan` decides what the batch
 * holds from where the source stands (an offset range per partition, the names of new files) and
 * moves the source past it; `read` returns the records of a plan. With a checkpoint store, the
 * engine writes each batch's plan durably before the batch's outputs run, and after a crash runs
 * the batches of the plans written since the last checkpoint again with those very plans (given
 * back through `replan`), so a batch that ran before the crash holds the same records again.
 *
 * Contract: a plan is a plain value (`v8.serialize` writes it: numbers, strings, arrays, plain
 * objects); `read` gives the same records for the same plan every time it is called, in any
 * process; `replan(time, plan)` leaves the source where `plan(time, ...)` would have left it.
 *
 * @example
 * const counter: BatchSource<number, number> & { next: number } = {
 *   name: 'counter',
 *   next: 0,
 *   plan() { return this.next++; },                       // batch n holds the number n
 *   replan(_time, n) { this.next = n + 1; },
 *   async read(_time, n) { return [n]; },
 *   position() { return this.next; },
 *   restore(position) { this.next = position as number; },
 * };
 * ssc.sourceStream(counter).print();
 */
export interface BatchSource<T, P = unknown> {
  /** How the source is named in events and errors. */
  readonly name: string;
  /** Connects; called at start, after `restore` when resuming from a checkpoint. */
  start?(): void | Promise<void>;
  /**
   * Decides what the batch at `time` holds, from where the source stands, and moves the source
   * past it. Called once per batch time, in order, after the previous batch's `read`.
   */
  plan(time: number, limit: BatchLimit): P | Promise<P>;
  /**
   * Takes `plan`, decided for the batch at `time` by a run that crashed, as this batch's plan:
   * moves the source to where `plan` would have left it. Called instead of `plan` while the job
   * replays the plans written since its checkpoint.
   */
  replan(time: number, plan: P): void;
  /**
   * The records of `plan`: the same records every time. A source that sets
   * `storesRejectedRecords: true` may put `RejectedRecord`s among them: they leave the batch and
   * become the stream's dead letters of that time (as for a receiver).
   */
  read(time: number, plan: P): Promise<T[]>;
  /**
   * Where a record of this source came from, for a dead letter's `origin.detail` when a user
   * function rejects it: a Kafka record's `topic/partition@offset`. Given the record the failing
   * function got (this source's record, or a value made from it); undefined when it cannot tell.
   */
  describeRecord?(record: unknown): string | undefined;
  /** Where the source stands after the last plan (checkpointed with that batch). */
  position?(): unknown;
  /** Moves the source to a checkpointed position, before `start`. */
  restore?(position: unknown): void;
  /** The batch at `time` and all its outputs completed: commit its positions (offsets) now. */
  commit?(time: number): Promise<void>;
  /**
   * Disconnects. Called when the context stops, after the batches still queued have read from the
   * source and their commits have finished (a stop waits for a read under way).
   */
  stop?(): void | Promise<void>;
  /**
   * A source that can be split among the processes of a distributed job (a context with an
   * `applicationId`) implements this: called at start, before `start`, with what the job needs
   * of it. A context with an `applicationId` refuses a source without it.
   */
  distribute?(settings: DistributedSettings): void;
  /**
   * In a distributed job: which records of the batch at `time` (indices into the array `read`
   * returned) belong to which task, in task order; undefined for a time not read.
   */
  taskSlices?(time: number): readonly TaskSlice[] | undefined;
}

/**
 * The records of one task in a batch: indices `start` (included) to `end` (excluded) of the
 * batch's records. A task is partition *i* of every input topic of a distributed job.
 */
export interface TaskSlice {
  /** The task: the partition number it stands for. */
  readonly task: number;
  /** The index of the task's first record in the batch. */
  readonly start: number;
  /** The index after the task's last record. */
  readonly end: number;
}

/** What a distributed job's context tells its partitioned source at start (see `BatchSource.distribute`). */
export interface DistributedSettings {
  /** The job's application id: the consumer group its processes share. */
  readonly applicationId: string;
  /**
   * True when the job joins or aggregates by key within a batch: its input topics must then have
   * equal partition counts (partition *i* of each is one task).
   */
  readonly coPartitioned: boolean;
}

/**
 * A static table to enrich a stream with (user profiles in MongoDB, HBase, S3, HDFS or a file).
 * `joinLookup` and `enrich` ask it once per batch for the batch's distinct keys.
 *
 * Contract: `getAll` answers all `keys` in as few round trips as the store allows (chunked), and
 * returns only the keys it found. `refresh(time)` is called between batches, never during one:
 * an implementation that reloads (every N ms, or when the file or object changed) swaps the new
 * version in there, atomically. A lookup that cannot answer throws a `KindlingError` whose
 * `retriable` says whether trying again can help.
 */
export interface Lookup<K, V> {
  /** How the lookup is named in events, errors and dead letters. */
  readonly name: string;
  /** The values of the keys found among `keys` (distinct). */
  getAll(keys: readonly K[]): Promise<ReadonlyMap<K, V>>;
  /** The whole table, for one small enough to hold in memory (a broadcast). */
  load?(): Promise<ReadonlyMap<K, V>>;
  /** Called between batches with the next batch's time: reload here if the policy says so. */
  refresh?(time: number): Promise<void>;
  /** Releases connections. */
  close?(): Promise<void>;
}
