/**
 * The options of a {@link StreamingContext} and of its receiver-based inputs, their defaults,
 * and the checks a context makes of them when it is built.
 */
import type { WorkersOption } from './dstream/parallel/worker-pool.js';
import { ConfigurationError } from './errors.js';
import type { Logger } from './logger.js';
import type { BackpressureOptions } from './rate/rate-controller.js';
import type { WriteAheadLogOption } from './receiver/tracker.js';
import type { BackoffPolicy } from './retry.js';
import type { SqlEngineOptions } from './sql/engine.js';
import type { CheckpointStore, Clock } from './types.js';

/** Options of a {@link StreamingContext}. */
export interface StreamingContextOptions {
  /** The interval between batches, ms. Window and slide durations must be multiples of it. */
  readonly batchInterval: number;
  /** The source of time. Default: a {@link SystemClock}; tests pass a `ManualClock`. */
  readonly clock?: Clock;
  /**
   * A directory to write checkpoints to: state, pending batches and source positions, so that
   * `StreamingContext.getOrCreate` can resume the job after a crash.
   */
  readonly checkpointDir?: string;
  /** Another place for checkpoints (S3, HDFS); instead of `checkpointDir`. */
  readonly checkpointStore?: CheckpointStore;
  /** How often to checkpoint, ms: a multiple of the batch interval. Default: every batch. */
  readonly checkpointInterval?: number;
  /**
   * On SIGTERM or SIGINT, stop gracefully (stop receivers, finish queued batches, write a last
   * checkpoint) and end the process with code 0 (1 if a batch failed) once the code after
   * `awaitTermination()` has run. A second signal exits at once. Default false.
   */
  readonly stopGracefullyOnShutdown?: boolean;
  /**
   * Where warnings and errors go for people to read: recoveries, failed checkpoints, and what
   * receivers and connectors report (a connection refused, a reconnect), one line each with how
   * to fix the usual network errors; a line that repeats (a reconnect loop) is logged once per
   * 30 s with the count of repeats. `ssc.events` carries every one. Default: stderr, prefixed
   * with the job's name. `false`: nothing is logged.
   *
   * @example
   * new StreamingContext({ batchInterval: seconds(1), logger: pino() }); // or logger: false
   */
  readonly logger?: Logger | false;
  /**
   * Writes every receiver block to a write-ahead log under `checkpointDir` before it counts as
   * received, so a crash loses nothing a receiver stored (a reliable receiver's `store` resolves
   * once logged). `true`, or the fsync policy (default `'always'`). Needs `checkpointDir`.
   * The log starts a new segment every 60 s (or every checkpoint interval, if longer) and deletes
   * a segment once a written checkpoint covers all its blocks.
   */
  readonly writeAheadLog?: WriteAheadLogOption;
  /** The job's name, in events, errors and progress lines. Default `kindling`. */
  readonly name?: string;
  /**
   * Makes the job a distributed one: run the same program as N processes and they share the
   * partitions of its `kafkaDirectStream`, as members of the Kafka consumer group of this name
   * (a task is partition *i* of every input topic; each process runs each batch over its own
   * tasks; a stopped or killed process's tasks move to the others). One process is a plain job.
   * Built so far for stateless jobs: an operator that keeps state or records across batches
   * (`updateStateByKey`, `mapWithState`, windows), an input without partitions, or a checkpoint
   * directory is refused at start. Letters, digits, `.`, `_` and `-`.
   *
   * @example
   * new StreamingContext({ batchInterval: seconds(1), applicationId: 'orders-enrich' });
   */
  readonly applicationId?: string;
  /** Print a progress line per batch (`true`), or hand each line to a function. Default off. */
  readonly progress?: boolean | ((line: string) => void);
  /**
   * What a failed batch does (a user function threw, an output or an input failed; the error
   * names the operator and the batch time, and is on `events` as `batchCompleted.error`):
   *
   * - `'stop'` (default): the context stops at once, dropping the batches not yet started, and
   *   `awaitTermination()` rejects with the batch's error once it has stopped.
   * - `'continue'`: Spark's behaviour. Later batches keep running, and `awaitTermination()`
   *   rejects with the first batch error as soon as it is reported, while the context runs on
   *   (and again on every later call): the program decides whether to stop. A window or state
   *   over the failed batch computes it again, as Spark recomputes a failed RDD, so a transient
   *   failure heals there; an input's batch is read once, and its failure stays. A failed batch
   *   is neither checkpointed nor committed to its sources, but a later completed batch is, and
   *   a restart resumes after it.
   *
   * Spark's is not the default because a Node.js process does not end when the code after
   * `awaitTermination()` throws while the job still runs (Spark's driver ends, and a shutdown
   * hook stops its context): with `'continue'`, stop the context yourself.
   *
   * @example
   * const ssc = new StreamingContext({ batchInterval: seconds(1), onBatchError: 'continue' });
   * // ... inputs, operators, outputs
   * await ssc.start();
   * try {
   *   await ssc.awaitTermination(); // rejects at the first failed batch; later batches still run
   * } catch (error) {
   *   console.error(error);
   *   await ssc.stop({ graceful: true }); // or keep it running, as Spark lets you
   * }
   */
  readonly onBatchError?: 'stop' | 'continue';
  /** How often receivers cut blocks, ms. Default 200. */
  readonly blockInterval?: number;
  /** How a failed receiver's restarts back off. */
  readonly receiverRestart?: BackoffPolicy;
  /**
   * Backpressure: a PID estimator sets each receiver's rate from the last batches' delays
   * (Spark's `spark.streaming.backpressure.*`). Default off.
   */
  readonly backpressure?: BackpressureOptions;
  /**
   * Most bytes (estimated) a receiver holds before a batch takes them; past it `store` waits and
   * the socket receiver stops reading. Default 64 MiB.
   */
  readonly receiverBufferBytes?: number;
  /**
   * A pool of worker threads for parallel stages (`stream.parallel(workerTask(...))`): `true` for
   * the defaults (cores − 1 threads, at least 1, the main thread takes slices too, and a queued
   * batch may start its parallel stages while the one before it finishes), a number of threads,
   * or `{ threads, mainThread, lookahead }`. Started at `start()` when the graph has a parallel
   * stage, closed by `stop()`. Default: none; parallel stages then run inline, with the same results.
   */
  readonly workers?: WorkersOption;
  /**
   * The SQL engine of `stream.sql` and `ssc.sql`, one in-process DuckDB per context, opened at
   * `start()` when the graph has a sql operator and closed by `stop()`: `memoryLimit` (DuckDB's
   * `memory_limit`, e.g. `'512MB'`; default 80 % of RAM), `threads`, `tempDirectory` (where it
   * spills), `bigint` (how BIGINT and HUGEINT come back: `'number'`, the default, or `'bigint'`).
   *
   * @example
   * new StreamingContext({ batchInterval: seconds(1), sql: { memoryLimit: '512MB', threads: 2 } });
   */
  readonly sql?: SqlEngineOptions;
}

/** Options shared by receiver-based inputs. */
export interface ReceiverOptions {
  /** Most records per second this receiver may store; further `store` calls wait. Default: no limit. */
  readonly maxRate?: number;
}

/** How a failed receiver's restarts back off unless `receiverRestart` says otherwise. */
export const DEFAULT_RECEIVER_RESTART: BackoffPolicy = { initialDelay: 100, maxDelay: 10_000 };

/**
 * Throws a {@link ConfigurationError} that says how to fix the first option a context cannot
 * run with: a batch interval that is not a positive whole number of ms, a block interval that
 * is not positive, a receiver buffer that is not a positive number of bytes.
 */
export function checkContextOptions(options: StreamingContextOptions): void {
  const { batchInterval, blockInterval, receiverBufferBytes: bytes } = options;
  if (!(batchInterval > 0) || !Number.isInteger(batchInterval)) {
    throw new ConfigurationError(
      `batchInterval must be a positive whole number of ms, got ${String(batchInterval)}; ` +
        'for example seconds(1)',
    );
  }
  const id = options.applicationId;
  if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,200}$/.test(id))) {
    throw new ConfigurationError(
      `applicationId must be 1 to 200 letters, digits, '.', '_' or '-', got ${JSON.stringify(id)}; ` +
        "for example 'orders-enrich'",
    );
  }
  if (blockInterval !== undefined && !(blockInterval > 0)) {
    throw new ConfigurationError(`blockInterval must be a positive number of ms, got ${blockInterval}`);
  }
  if (bytes !== undefined && !(bytes > 0 && Number.isFinite(bytes))) {
    throw new ConfigurationError(
      `receiverBufferBytes must be a positive number of bytes, got ${bytes}; the default is 64 MiB`,
    );
  }
}

/** Throws a {@link ConfigurationError} unless `maxRate` is absent or a positive number. */
export function checkMaxRate(maxRate: number | undefined): void {
  if (maxRate !== undefined && !(maxRate > 0 && Number.isFinite(maxRate))) {
    throw new ConfigurationError(`maxRate must be a positive number of records per second, got ${maxRate}`);
  }
}
