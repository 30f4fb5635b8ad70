/**
 * StreamingContext: the entry point, and the user-facing API of a job: its inputs, the graph
 * they start, and its life cycle (start, stop, awaitTermination, getOrCreate). What runs the
 * graph (the generator and scheduler, receivers, checkpoints, the order of start and stop)
 * lives in `runtime.ts` and the modules it uses; the options in `context-options.ts`.
 */
import { Subject, type Observable } from 'rxjs';
import { SystemClock } from './clock/system-clock.js';
import { ConfigurationError } from './errors.js';
import { DStreamGraph } from './graph.js';
import { wrap, type DStream } from './dstream/dstream.js';
import type { InputNode } from './dstream/inputs/input.js';
import type { Node } from './dstream/node.js';
import { QueueNode, type QueueStreamOptions } from './dstream/inputs/queue-stream.js';
import { ReceiverInputNode } from './dstream/inputs/receiver-stream.js';
import { RejectingReceiverInputNode } from './dstream/inputs/rejecting-receiver-stream.js';
import { isRejectingReceiver, type DeadLetter } from './dstream/dead-letters/dead-letter-log.js';
import { ContextDeadLettersNode } from './dstream/dead-letters/dead-letters.js';
import { UnionNode } from './dstream/operators/union.js';
import { SqlNode } from './dstream/operators/sql.js';
import type { SqlQueryOptions } from './sql/engine.js';
import { ObservableReceiver } from './receiver/observable-receiver.js';
import type { Receiver } from './receiver/receiver.js';
import { SocketReceiver, type SocketTextStreamOptions } from './receiver/socket-receiver.js';
import { FileInputNode, type TextFileStreamOptions } from './dstream/inputs/file-input.js';
import { printProgress } from './scheduler/progress.js';
import type { BatchSource, Clock, StreamingEvent } from './types.js';
import { SourceInputNode } from './dstream/inputs/source-stream.js';
import type { RecoveryOptions } from './checkpoint/recovery.js';
import { consoleLogger, silentLogger, type Logger } from './logger.js';
import { ErrorLog, receiverSource } from './error-log.js';
import { ContextRuntime, type ContextState } from './runtime.js';
import type { OutputSet } from './output.js';
import type { WorkerPool } from './dstream/parallel/worker-pool.js';
import {
  checkContextOptions,
  checkMaxRate,
  type ReceiverOptions,
  type StreamingContextOptions,
} from './context-options.js';

export type { ReceiverOptions, StreamingContextOptions } from './context-options.js';

/**
 * The entry point of a streaming job: create inputs on it, build DStream operations, add at
 * least one output operation, then `start()`.
 *
 * @example
 * const ssc = new StreamingContext({ batchInterval: seconds(1) });
 * ssc.socketTextStream('127.0.0.1', 9999)
 *   .flatMap((line) => line.split(' '))
 *   .map((word) => [word, 1] as [string, number])
 *   .reduceByKey((a, b) => a + b)
 *   .print();
 * await ssc.start();
 * await ssc.awaitTermination();
 */
export class StreamingContext {
  /** Every batch's and receiver's life, as typed events; one emission per event, never per record. */
  readonly events: Observable<StreamingEvent>;
  /** The source of time of the job's batches: the `clock` option, or a `SystemClock`. */
  readonly clock: Clock;
  /** The job's name in events, errors, logs and progress lines: the `name` option, or `kindling`. */
  readonly name: string;
  /** The interval between batches, ms (the `batchInterval` option). */
  readonly batchInterval: number;
  /** How often receivers cut blocks, ms. */
  readonly blockInterval: number;
  /** The directory checkpoints (and write-ahead logs) go to: the `checkpointDir` option, if given. */
  readonly checkpointDir: string | undefined;
  /** The `applicationId` option: set when the job is distributed (its processes share one consumer group). */
  readonly applicationId: string | undefined;
  /** @internal */
  readonly graph: DStreamGraph;
  private readonly eventSubject = new Subject<StreamingEvent>();
  private readonly logger: Logger;
  private readonly errorLog: ErrorLog;
  private readonly runtime: ContextRuntime;

  constructor(options: StreamingContextOptions) {
    checkContextOptions(options);
    this.clock = options.clock ?? new SystemClock();
    this.name = options.name ?? 'kindling';
    this.batchInterval = options.batchInterval;
    this.blockInterval = options.blockInterval ?? 200;
    this.checkpointDir = options.checkpointDir;
    this.applicationId = options.applicationId;
    this.events = this.eventSubject.asObservable();
    this.logger = options.logger === false ? silentLogger : (options.logger ?? consoleLogger(this.name));
    this.errorLog = new ErrorLog(this.logger, this.clock);
    this.events.subscribe((event) => {
      if (event.type === 'receiverError') {
        const { receiver, message, error, restartIn } = event;
        this.errorLog.report(receiverSource(receiver), message, error, restartIn);
      } else if (event.type === 'contextStopped') this.errorLog.flush();
    });
    this.graph = new DStreamGraph(options.batchInterval, this.name);
    this.runtime = new ContextRuntime({
      options,
      graph: this.graph,
      clock: this.clock,
      events: this.eventSubject,
      logger: this.logger,
      blockInterval: this.blockInterval,
    });
    printProgress(this.events, this.name, options.progress);
  }

  /** `initialized`, `active` or `stopped`. */
  get state(): ContextState {
    return this.runtime.state;
  }

  /** @internal The worker threads of parallel stages (none without the `workers` option). */
  get workers(): WorkerPool {
    return this.runtime.workers;
  }

  /** @internal The outputs the context opens at start and closes at stop (see `addOutput`). */
  get outputs(): OutputSet {
    return this.runtime.outputs;
  }

  // ---- inputs -------------------------------------------------------------------------------

  /**
   * A stream of queued batches: the n-th queued batch is the n-th batch time's input. For tests
   * and notebooks. Push more batches onto `batches` while the context runs.
   *
   * @example
   * const stream = ssc.queueStream([[1, 2], [3]]); // batch 1000: [1, 2]; batch 2000: [3]; then []
   */
  queueStream<T>(batches: T[][], options: QueueStreamOptions<T> = {}): DStream<T> {
    return this.input(new QueueNode<T>(this.graph, batches, options));
  }

  /**
   * Lines of text from a TCP server at `host:port`, read by a receiver that reconnects with
   * back-off when the connection drops (reported on `events` as `receiverError` with `restartIn`).
   *
   * Each line is a string, or with `decode: 'json'` a parsed JSON value (give its type as `T`).
   * Lines that are not UTF-8, not JSON, or longer than `maxRecordBytes` (default 1 MiB) are not
   * records: they are the stream's dead letters (`stream.deadLetters()`), with origin
   * `socket host:port`, and counted in `batchCompleted.deadLetters`.
   *
   * @param options `decode`, `maxRecordBytes`, `encoding` (utf8 or latin1) and `maxRate`
   *   (records per second; rejected lines count too).
   * @example
   * ssc.socketTextStream('127.0.0.1', 9999).flatMap((line) => line.split(' ')).countByValue().print();
   * const events = ssc.socketTextStream<Click>('127.0.0.1', 9998, { decode: 'json', maxRecordBytes: 65_536 });
   * events.deadLetters().print();
   */
  socketTextStream(
    host: string,
    port: number,
    options?: SocketTextStreamOptions & ReceiverOptions & { readonly decode?: 'text' },
  ): DStream<string>;
  socketTextStream<T = unknown>(
    host: string,
    port: number,
    options: SocketTextStreamOptions & ReceiverOptions & { readonly decode: 'json' },
  ): DStream<T>;
  socketTextStream(
    host: string,
    port: number,
    options: SocketTextStreamOptions & ReceiverOptions = {},
  ): DStream<unknown> {
    const receiver = new SocketReceiver<unknown>(host, port, options);
    return this.receiverStream(receiver, options, 'socketTextStream');
  }

  /**
   * Lines of the files that appear in directory `dir` (a local path or a `file:` URL) after
   * start. A file must appear complete: write it elsewhere and move it in with a rename, or it
   * may be read half-written. Names that start with `.` or `_` are ignored. S3 and HDFS folders
   * have streams of their own in `kindling/receivers` (`s3TextFileStream`, `hdfsTextFileStream`);
   * their URLs are refused here with that hint.
   *
   * Each line is a string, or with `decode: 'json'` a parsed JSON value (give its type as `T`).
   * Lines that are not UTF-8, not JSON, or longer than `maxRecordBytes` (default 1 MiB) are not
   * records: they are the stream's dead letters (`stream.deadLetters()`), with origin
   * `path:line`, and counted in `batchCompleted.deadLetters`.
   *
   * Delivery: with a checkpoint directory, each batch's file names go to the batch log before its
   * outputs run, so a batch run again after a crash reads the same files, and the next batches
   * those that arrived meanwhile: every line once. A file must stay until its batch completed.
   *
   * @example
   * ssc.textFileStream<Order>('/data/orders', { decode: 'json' }).deadLetters().saveAsTextFiles('/data/rejected');
   */
  textFileStream(
    dir: string,
    options?: TextFileStreamOptions & { readonly decode?: 'text' },
  ): DStream<string>;
  textFileStream<T = unknown>(
    dir: string,
    options: TextFileStreamOptions & { readonly decode: 'json' },
  ): DStream<T>;
  textFileStream(dir: string, options: TextFileStreamOptions = {}): DStream<unknown> {
    return this.input(new FileInputNode<unknown>(this.graph, dir, options));
  }

  /**
   * The records a {@link BatchSource} gives for each batch: a source the engine asks, batch by
   * batch (Kafka's direct stream), rather than a receiver that pushes. Each batch is planned,
   * its plan written to the batch log (with a checkpoint store), then read; the source's position
   * is checkpointed, and `commit(time)` is called once the batch's outputs have all completed.
   *
   * @example
   * ssc.sourceStream(kafkaSource).map(parse).foreachBatch(save); // kafkaDirectStream does this
   */
  sourceStream<T, P = unknown>(source: BatchSource<T, P>): DStream<T> {
    return this.input(new SourceInputNode<T>(this.graph, source as BatchSource<T>));
  }

  /**
   * The records stored by any {@link Receiver}: each batch holds what was stored before its batch
   * time. The receiver runs under a supervisor that restarts it with the `receiverRestart`
   * back-off and reports its life on `events`.
   *
   * @param options `maxRate`: most records per second; further stores wait, in order.
   * @example
   * ssc.receiverStream(new MyReceiver('feed'), { maxRate: 10_000 }).count().print();
   *
   * Gotcha: a receiver object serves one stream; create one per call.
   */
  receiverStream<T>(
    receiver: Receiver<T>,
    options: ReceiverOptions = {},
    kind = 'receiverStream',
  ): DStream<T> {
    const maxRate = options.maxRate;
    checkMaxRate(maxRate);
    const gate = this.runtime.rateController.gate(receiver, maxRate);
    // A receiver that stores RejectedRecords gets an input that turns them into dead letters.
    const Input = isRejectingReceiver(receiver) ? RejectingReceiverInputNode : ReceiverInputNode;
    return this.input(new Input<T>(this.graph, receiver, kind, gate));
  }

  /**
   * Every record an RxJS Observable emits, cut into batches by time of arrival. An error from the
   * observable restarts the receiver, which subscribes again; completion stops it.
   *
   * @example
   * const ticks = new Subject<number>();
   * ssc.fromObservable(ticks).reduce((a, b) => a + b).print();
   *
   * Gotcha: a failed `Subject` fails again on every subscription; use `defer` to make a new source.
   */
  fromObservable<T>(source: Observable<T>, options: ReceiverOptions = {}): DStream<T> {
    return this.receiverStream(new ObservableReceiver(source), options, 'fromObservable');
  }

  /**
   * The union of streams of this context with the same slide: each batch holds all their records.
   *
   * @example
   * const lines = ssc.union(...[9997, 9998, 9999].map((port) => ssc.socketTextStream('127.0.0.1', port)));
   */
  union<T>(...streams: DStream<T>[]): DStream<T> {
    if (streams.length === 0) throw new ConfigurationError('union() needs at least one stream');
    for (const s of streams) s.assertContext(this, 'union');
    return wrap(this, new UnionNode<T>(streams.map((s) => s.node)));
  }

  /**
   * Runs a SQL query over several streams' batches of the same batch time, each a table named
   * as in `options.streams` (Spark's `transformWith`, in SQL): see `DStream.sql` for the tables,
   * schemas, types and errors. The streams must belong to this context and slide alike.
   *
   * @example
   * ssc.sql('SELECT c.user, count(*) AS n FROM clicks c JOIN views v USING (user) GROUP BY c.user', {
   *   streams: { clicks, views },
   *   schemas: { clicks: { user: 'VARCHAR' } },
   * })
   */
  sql(query: string, options: SqlQueryOptions): DStream<Record<string, unknown>> {
    const entries = Object.entries(options?.streams ?? {});
    if (entries.length === 0) {
      throw new ConfigurationError('ssc.sql: give at least one stream in options.streams, by table name');
    }
    const inputs = entries.map(([table, stream]) => {
      stream.assertContext(this, 'ssc.sql');
      const schema = options.schemas?.[table];
      return { node: stream.node as Node<unknown>, table, ...(schema ? { schema } : {}) };
    });
    for (const name of Object.keys(options.schemas ?? {})) {
      if (!options.streams[name]) {
        throw new ConfigurationError(`ssc.sql: schemas.${name} names no stream of options.streams`);
      }
    }
    return wrap(this, new SqlNode(inputs, query, options.tables ?? {}));
  }

  /**
   * Every dead letter of the context (see `DStream.deadLetters()`): at each batch time, those
   * that any operator or source wrote for batch times up to then, each once.
   *
   * @example
   * ssc.deadLetters().foreachBatch((letters) => letters.forEach((l) => log.warn(l.operator, l.error.message)));
   */
  deadLetters(): DStream<DeadLetter> {
    return wrap(this, new ContextDeadLettersNode(this.graph, this.graph));
  }

  /**
   * Reports an error that a connector handles itself (a lost connection it retries) on `events`
   * as `connectorError`, and in the log (a line that repeats, once per 30 s); nothing stops. For
   * connector authors: batch sources and outputs have no supervisor to report to. Keep
   * credentials out of `message`.
   *
   * @param retryIn ms until the connector tries again, when it does.
   * @example
   * ssc.reportError('kafka orders', `fetching offsets failed: ${e.message}; retrying`, e, 400);
   */
  reportError(connector: string, message: string, error?: unknown, retryIn?: number): void {
    this.errorLog.report(connector, message, error);
    if (this.runtime.state === 'stopped') return;
    this.eventSubject.next({
      type: 'connectorError',
      connector,
      message,
      ...(error === undefined ? {} : { error }),
      ...(retryIn === undefined ? {} : { retryIn }),
    });
  }

  /**
   * Keeps every stream's batches for at least `duration` ms, so `slice` can reach back that far.
   *
   * @example
   * ssc.remember(minutes(5)); // before start()
   */
  remember(duration: number): void {
    this.graph.remember(duration);
  }

  // ---- life cycle -------------------------------------------------------------------------------

  /**
   * Resumes a job from its newest checkpoint, or creates it. `build` makes the context and its
   * whole graph, the same way each time; with no checkpoint in `checkpointDir` that is all.
   * With one, the graph's state, the batches generated but not completed (which run again) and
   * each source's position are restored from it before `start()`, and the batches that the batch
   * log holds past it run again with the records they held (the offset ranges, the files they
   * read). A corrupt newest checkpoint is skipped for the one before it, and said so on `events`
   * (`checkpointRestored.skipped`) and in the log. When every checkpoint is unreadable it refuses
   * to start, unless `discardUnreadableCheckpoints` is set (then it clears them and starts
   * afresh). A checkpoint from a different graph is refused, naming the operators that differ,
   * unless `allowMissingState` is set.
   *
   * @example
   * const ssc = await StreamingContext.getOrCreate('/var/lib/job/ckpt', () => {
   *   const ssc = new StreamingContext({ batchInterval: seconds(1), checkpointDir: '/var/lib/job/ckpt' });
   *   ssc.socketTextStream('127.0.0.1', 9999).map((w) => [w, 1] as [string, number])
   *     .updateStateByKey((ones: number[], n: number | undefined) => (n ?? 0) + ones.length).print();
   *   return ssc;
   * });
   * await ssc.start();
   */
  static async getOrCreate(
    checkpointDir: string,
    build: () => StreamingContext | Promise<StreamingContext>,
    options: RecoveryOptions = {},
  ): Promise<StreamingContext> {
    const ssc = await build();
    await ssc.runtime.checkpoints.resume(checkpointDir, ssc.checkpointDir, options);
    return ssc;
  }

  /**
   * Validates the graph and starts the receivers and the batch timer. Fails with a message that
   * says how to fix it when the graph cannot run.
   *
   * @example
   * await ssc.start(); // ConfigurationError if, say, there is no output operation
   */
  start(): Promise<void> {
    return this.runtime.start();
  }

  /**
   * Stops the context. Graceful: stops the receivers, keeps generating batches until every
   * received block is in one, and waits for every queued batch to finish. Otherwise: batches
   * not yet started are dropped. Either way it then closes every output (`addOutput`, and every
   * output of `kindling/outputs`) and resolves once they have closed; a close that fails is
   * reported on `events` (`connectorError`) and in the log, and the stop still finishes.
   *
   * On a `ManualClock` a graceful stop with received data waits for the clock to reach the next
   * batch time: advance it.
   *
   * @example
   * process.once('SIGTERM', () => void ssc.stop({ graceful: true })); // or stopGracefullyOnShutdown
   */
  stop(options: { graceful?: boolean } = {}): Promise<void> {
    return this.runtime.stop(options.graceful ?? false);
  }

  /**
   * Resolves when the context stops; rejects with the error of the first failed batch. With the
   * default `onBatchError: 'stop'` that batch stopped the context, and the promise rejects once
   * it has stopped; with `'continue'` (Spark's) it rejects as soon as the batch fails, while
   * later batches run on, and every later call rejects with the same error.
   *
   * @example
   * await ssc.start();
   * await ssc.awaitTermination(); // rejects with a BatchError if a batch failed
   */
  awaitTermination(): Promise<void> {
    return this.runtime.waiter.waitForStopOrError();
  }

  /**
   * Like {@link awaitTermination}, but gives up after `timeout` ms of real time.
   * Resolves `true` if the context stopped, `false` on timeout.
   *
   * @example
   * if (!(await ssc.awaitTerminationOrTimeout(seconds(30)))) await ssc.stop({ graceful: true });
   */
  awaitTerminationOrTimeout(timeout: number): Promise<boolean> {
    return this.runtime.waiter.waitOrTimeout(timeout);
  }

  // ---- internals ----------------------------------------------------------------------------

  /** @internal */
  assertBuilding(kind: string): void {
    this.graph.assertBuilding(kind);
  }

  private input<T>(node: InputNode<T>): DStream<T> {
    this.graph.addInput(node as InputNode<unknown>);
    return wrap(this, node);
  }
}
