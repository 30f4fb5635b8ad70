/**
 * StreamingContext: the entry point. It owns the DStream graph, the clock, the job generator and
 * scheduler, and the receivers, and takes the graph through its life: build, start, stop.
 */
import { Subject, type Observable } from 'rxjs';
import { SystemClock } from './clock/system-clock.js';
import { ConfigurationError, IllegalStateError, KindlingError, describe } from './errors.js';
import { DStreamGraph } from './graph.js';
import { wrap, type DStream } from './dstream/dstream.js';
import type { InputNode } from './dstream/input.js';
import { QueueNode, type QueueStreamOptions } from './dstream/queue-stream.js';
import { ReceiverInputNode } from './dstream/receiver-stream.js';
import { RejectingReceiverInputNode } from './dstream/rejecting-receiver-stream.js';
import { isRejectingReceiver, type DeadLetter } from './dstream/dead-letter-log.js';
import { ContextDeadLettersNode } from './dstream/dead-letters.js';
import { UnionNode } from './dstream/union.js';
import { ObservableReceiver } from './receiver/observable-receiver.js';
import { RateController, type BackpressureOptions } from './rate/rate-controller.js';
import type { Receiver } from './receiver/receiver.js';
import { SocketReceiver, type SocketTextStreamOptions } from './receiver/socket-receiver.js';
import { FileInputNode, type TextFileStreamOptions } from './dstream/file-input.js';
import type { BackoffPolicy } from './retry.js';
import { JobGenerator } from './scheduler/job-generator.js';
import { JobScheduler } from './scheduler/job-scheduler.js';
import { progressLine } from './scheduler/progress.js';
import type { BatchSource, CheckpointStore, Clock, FsyncPolicy, StreamingEvent } from './types.js';
import { SourceInputNode } from './dstream/source-stream.js';
import { ReceivedBlockLog } from './dstream/received-block-log.js';
import { FileWriteAheadLog } from './wal/file-wal.js';
import { join } from 'node:path';
import { BatchLog } from './checkpoint/batch-plans.js';
import { Checkpointer } from './checkpoint/checkpointer.js';
import { DirectoryCheckpointStore, unwritable } from './checkpoint/directory-store.js';
import { recoverGraph, type Recovery, type RecoveryOptions } from './checkpoint/recovery.js';
import { consoleLogger, type Logger } from './logger.js';
import { formatDuration, isMultipleOf } from './duration.js';
import { onShutdownSignal } from './shutdown.js';
import { stagesThatRunAhead } from './dstream/parallel.js';
import { WorkerPool, type WorkersOption } from './dstream/worker-pool.js';

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
   * checkpoint) and end the process with code 0 once the code after `awaitTermination()` has
   * run. A second signal exits at once. Default false.
   */
  readonly stopGracefullyOnShutdown?: boolean;
  /** Where warnings and errors go for people to read. Default: stderr. */
  readonly logger?: Logger;
  /**
   * Writes every receiver block to a write-ahead log under `checkpointDir` before it counts as
   * received, so a crash loses nothing a receiver stored (a reliable receiver's `store` resolves
   * once logged). `true`, or the fsync policy (default `'always'`). Needs `checkpointDir`.
   * The log starts a new segment every 60 s (or every checkpoint interval, if longer) and deletes
   * a segment once a written checkpoint covers all its blocks.
   */
  readonly writeAheadLog?: boolean | { readonly fsync?: FsyncPolicy };
  /** The job's name, in events, errors and progress lines. Default `kindling`. */
  readonly name?: string;
  /** Print a progress line per batch (`true`), or hand each line to a function. Default off. */
  readonly progress?: boolean | ((line: string) => void);
  /** What a failed batch does: stop the context (default, as Spark) or carry on. */
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
}

/** Options shared by receiver-based inputs. */
export interface ReceiverOptions {
  /** Most records per second this receiver may store; further `store` calls wait. Default: no limit. */
  readonly maxRate?: number;
}

type ContextState = 'initialized' | 'active' | 'stopped';

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
  readonly clock: Clock;
  readonly name: string;
  readonly batchInterval: number;
  /** How often receivers cut blocks, ms. */
  readonly blockInterval: number;
  readonly checkpointDir: string | undefined;
  /** @internal */
  readonly graph: DStreamGraph;
  private readonly eventSubject = new Subject<StreamingEvent>();
  private readonly scheduler: JobScheduler;
  private readonly generator: JobGenerator;
  private lifecycle: ContextState = 'initialized';
  private failure: KindlingError | undefined;
  private stopping: Promise<void> | undefined;
  private terminated!: () => void;
  private readonly termination: Promise<void>;
  private readonly rateController: RateController;
  private readonly logger: Logger;
  private readonly checkpointer: Checkpointer | undefined;
  private recovered: Recovery | undefined;
  private lastCompleted: number | undefined;
  private removeSignalHandlers: (() => void) | undefined;
  private closeLogs: () => Promise<void> = async () => undefined;
  /** Commits to batch sources under way; a stop waits for them before it stops the sources. */
  private readonly commits = new Set<Promise<void>>();
  /** @internal The worker threads of parallel stages (none without the `workers` option). */
  readonly workers: WorkerPool;

  constructor(private readonly options: StreamingContextOptions) {
    if (!(options.batchInterval > 0) || !Number.isInteger(options.batchInterval)) {
      throw new ConfigurationError(
        `batchInterval must be a positive whole number of ms, got ${String(options.batchInterval)}; ` +
          'for example seconds(1)',
      );
    }
    this.clock = options.clock ?? new SystemClock();
    this.name = options.name ?? 'kindling';
    this.batchInterval = options.batchInterval;
    this.blockInterval = options.blockInterval ?? 200;
    if (!(this.blockInterval > 0)) {
      throw new ConfigurationError(
        `blockInterval must be a positive number of ms, got ${this.blockInterval}`,
      );
    }
    this.checkpointDir = options.checkpointDir;
    this.rateController = new RateController(this.clock, this.batchInterval, options.backpressure);
    checkBufferBytes(options.receiverBufferBytes);
    this.events = this.eventSubject.asObservable();
    this.logger = options.logger ?? consoleLogger(this.name);
    this.graph = new DStreamGraph(options.batchInterval, this.name);
    this.checkpointer = this.createCheckpointer();
    this.workers = new WorkerPool(options.workers, (message) => this.logger.error(message));
    this.scheduler = new JobScheduler(
      this.clock,
      this.eventSubject,
      (time, error) => this.batchDone(time, error),
      this.workers.lookahead,
    );
    this.generator = new JobGenerator(this.clock, this.graph, this.scheduler, (time, error) =>
      this.batchDone(
        time,
        error instanceof KindlingError ? error : new KindlingError(String(error), { cause: error }),
      ),
    );
    this.termination = new Promise<void>((resolve) => (this.terminated = resolve));
    const progress = options.progress;
    if (progress) {
      const print = typeof progress === 'function' ? progress : (line: string) => console.log(line);
      this.events.subscribe((event) => {
        if (event.type === 'batchCompleted') print(progressLine(this.name, event));
      });
    }
  }

  /** `initialized`, `active` or `stopped`. */
  get state(): ContextState {
    return this.lifecycle;
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
    if (maxRate !== undefined && !(maxRate > 0 && Number.isFinite(maxRate))) {
      throw new ConfigurationError(`maxRate must be a positive number of records per second, got ${maxRate}`);
    }
    const gate = this.rateController.gate(receiver, maxRate);
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
   * as `connectorError`, and in the log; nothing stops. For connector authors: batch sources and
   * outputs have no supervisor to report to. Keep credentials out of `message`.
   *
   * @param retryIn ms until the connector tries again, when it does.
   * @example
   * ssc.reportError('kafka orders', `fetching offsets failed: ${e.message}; retrying`, e, 400);
   */
  reportError(connector: string, message: string, error?: unknown, retryIn?: number): void {
    this.logger.warn(`${connector}: ${message}`);
    if (this.lifecycle === 'stopped') return;
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
    const store = ssc.checkpointer?.store;
    if (!store || (ssc.checkpointDir !== undefined && ssc.checkpointDir !== checkpointDir)) {
      throw new ConfigurationError(
        `getOrCreate('${checkpointDir}'): the context that build() returned writes its checkpoints ` +
          `${store ? `to ${store.description}` : 'nowhere'}; give it checkpointDir: '${checkpointDir}'`,
      );
    }
    const recovered = await recoverGraph(store, ssc.graph, options, (message) => ssc.logger.warn(message));
    if (recovered) {
      ssc.recovered = recovered;
      ssc.lastCompleted = recovered.time;
      const { pending, replayed, missingState } = recovered;
      const rerun = pending.length > 0 ? `; batches ${pending.join(', ')} run again` : '';
      const plans = replayed.length > 0 ? ` (${replayed.length} with the plans of the batch log)` : '';
      const missing = missingState.length > 0 ? `; no state for ${missingState.join(', ')}` : '';
      ssc.logger.warn(
        `resuming from the checkpoint of time ${recovered.time} in ${store.description}${rerun}${plans}${missing}`,
      );
    }
    return ssc;
  }

  /**
   * Validates the graph and starts the receivers and the batch timer. Fails with a message that
   * says how to fix it when the graph cannot run.
   *
   * @example
   * await ssc.start(); // ConfigurationError if, say, there is no output operation
   */
  async start(): Promise<void> {
    if (this.lifecycle === 'active') {
      throw new IllegalStateError(
        `context '${this.name}' has already been started; start() may be called once`,
      );
    }
    if (this.lifecycle === 'stopped') {
      throw new IllegalStateError(
        `context '${this.name}' has been stopped and cannot be started again; create a new StreamingContext`,
      );
    }
    const recovered = this.recovered;
    const first = recovered ? recovered.time + this.batchInterval : this.generator.firstBatchTime();
    const zeroTime = recovered ? recovered.zeroTime : first - this.batchInterval;
    this.graph.start(zeroTime);
    this.checkpointer?.start(zeroTime);
    this.lifecycle = 'active';
    if (recovered) {
      const { time, pending, replayed, skipped, missingState } = recovered;
      this.eventSubject.next({
        type: 'checkpointRestored',
        batchTime: time,
        pending,
        replayed,
        skipped,
        missingState,
      });
    }
    if (this.options.stopGracefullyOnShutdown) {
      this.removeSignalHandlers = onShutdownSignal((signal) => this.stopOnSignal(signal));
    }
    const env = {
      clock: this.clock,
      events: this.eventSubject,
      blockInterval: this.blockInterval,
      restartBackoff: this.options.receiverRestart ?? { initialDelay: 100, maxDelay: 10_000 },
      ...(this.options.receiverBufferBytes === undefined
        ? {}
        : { receiverBufferBytes: this.options.receiverBufferBytes }),
    };
    const started: InputNode<unknown>[] = [];
    try {
      await this.workers.start(this.graph.allNodes());
      if (this.workers.lookahead > 0) this.graph.runStagesAhead(stagesThatRunAhead(this.graph.allNodes()));
      await this.openWriteAheadLogs(recovered?.time);
      for (const [streamId, input] of this.graph.inputs.entries()) {
        await input.start();
        started.push(input);
        if (input instanceof ReceiverInputNode) input.startReceiver(env, streamId);
      }
      // Where the job starts is durable before its first batch, and so is each batch's plan.
      if (this.checkpointer && !recovered) await this.checkpointer.writeStart(zeroTime);
      if (this.checkpointer) this.graph.batchLog = new BatchLog(this.checkpointer.store);
    } catch (error) {
      await Promise.allSettled([...started.map((input) => input.stop()), this.workers.close()]);
      this.lifecycle = 'stopped';
      this.scheduler.close();
      this.finish();
      throw error;
    }
    this.rateController.start(this.eventSubject, this.graph.inputs);
    for (const input of this.graph.inputs) {
      if (input instanceof SourceInputNode) input.controlRate(this.events, this.options.backpressure);
    }
    this.generator.start(first);
  }

  /**
   * Stops the context. Graceful: stops the receivers, keeps generating batches until every
   * received block is in one, and waits for every queued batch to finish. Otherwise: batches
   * not yet started are dropped.
   *
   * On a `ManualClock` a graceful stop with received data waits for the clock to reach the next
   * batch time: advance it.
   *
   * @example
   * process.once('SIGTERM', () => void ssc.stop({ graceful: true })); // or stopGracefullyOnShutdown
   */
  stop(options: { graceful?: boolean } = {}): Promise<void> {
    this.stopping ??= this.shutdown(options.graceful ?? false);
    return this.stopping;
  }

  /**
   * Resolves when the context stops; rejects with the error that stopped it, if one did.
   *
   * @example
   * await ssc.start();
   * await ssc.awaitTermination(); // rejects with a BatchError if a batch failed
   */
  async awaitTermination(): Promise<void> {
    await this.termination;
    if (this.failure) throw this.failure;
  }

  /**
   * Like {@link awaitTermination}, but gives up after `timeout` ms of real time.
   * Resolves `true` if the context stopped, `false` on timeout.
   *
   * @example
   * if (!(await ssc.awaitTerminationOrTimeout(seconds(30)))) await ssc.stop({ graceful: true });
   */
  async awaitTerminationOrTimeout(timeout: number): Promise<boolean> {
    let handle: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (handle = setTimeout(() => resolve(false), timeout)));
    try {
      return await Promise.race([this.awaitTermination().then(() => true as const), timedOut]);
    } finally {
      clearTimeout(handle);
    }
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

  private batchDone(time: number, error: KindlingError | undefined): void {
    this.graph.clearMetadata(time);
    if (!error) {
      this.lastCompleted = time;
      this.checkpointer?.afterBatch(time);
      this.commitSources(time);
      return;
    }
    if (this.options.onBatchError === 'continue') return;
    this.failure ??= error;
    void this.stop({ graceful: false });
  }

  private async shutdown(graceful: boolean): Promise<void> {
    if (this.lifecycle === 'initialized') {
      this.lifecycle = 'stopped';
      this.finish();
      return;
    }
    const receivers = this.graph.inputs.filter(
      (i): i is ReceiverInputNode<unknown> => i instanceof ReceiverInputNode,
    );
    // Batch sources stop last: the batches still queued read from them and commit to them.
    const sources = this.graph.inputs.filter((i) => i instanceof SourceInputNode);
    const others = this.graph.inputs.filter((i) => !(i instanceof SourceInputNode));
    await Promise.all(others.map((input) => input.stop()));
    if (graceful) {
      while (!this.failure && this.generator.running && receivers.some((r) => r.hasUnallocatedBlocks)) {
        const now = this.clock.now();
        await this.clock.sleep(this.generator.firstBatchTime() - now);
        await this.generator.generated();
      }
    } else {
      this.scheduler.dropQueued();
    }
    await this.generator.stop();
    await this.scheduler.whenIdle();
    await Promise.all(this.commits);
    await Promise.all(sources.map((input) => input.stop()));
    await this.checkpointer?.flush(graceful && !this.failure ? this.lastCompleted : undefined);
    for (const r of receivers) r.close();
    await this.closeLogs();
    await this.workers.close();
    this.scheduler.close();
    this.lifecycle = 'stopped';
    this.finish();
  }

  /** Tells every batch source that the batch at `time` completed; a failed commit is reported. */
  private commitSources(time: number): void {
    for (const [streamId, input] of this.graph.inputs.entries()) {
      if (!(input instanceof SourceInputNode)) continue;
      const commit = input.commit(time).catch((error: unknown) => {
        const message = `could not commit the batch of time ${time}: ${describe(error)}`;
        this.logger.error(`source '${input.source.name}': ${message}`);
        this.eventSubject.next({
          type: 'receiverError',
          receiver: input.source.name,
          streamId,
          message,
          error,
        });
      });
      this.commits.add(commit);
      void commit.then(() => this.commits.delete(commit));
      this.clock.track(commit);
    }
  }

  /** Opens a write-ahead log per receiver stream and reads back what a crashed run left in it. */
  private async openWriteAheadLogs(completed: number | undefined): Promise<void> {
    const option = this.options.writeAheadLog;
    if (!option) return;
    const dir = this.checkpointDir;
    if (dir === undefined) {
      throw new ConfigurationError(
        'writeAheadLog needs checkpointDir: the log lives beside the checkpoints that say which blocks are done',
      );
    }
    const fsync = (option === true ? undefined : option.fsync) ?? 'always';
    const logs: FileWriteAheadLog[] = [];
    for (const input of this.graph.inputs) {
      if (!(input instanceof ReceiverInputNode)) continue;
      const safe = input.name.replace(/[^A-Za-z0-9._-]+/g, '_');
      const walDir = join(dir, 'received', safe);
      const wal = await FileWriteAheadLog.open(walDir, {
        fsync,
        clock: this.clock,
        // Rolled segments can be cleaned once checkpointed; Spark rolls every 60 s too.
        rollIntervalMs: Math.max(WAL_ROLL_INTERVAL, this.checkpointer?.interval ?? 0),
      }).catch((error: unknown) => {
        const denied = unwritable((error as { code?: string }).code);
        if (denied === undefined) throw error;
        throw new ConfigurationError(
          `could not open the write-ahead log of '${input.name}' in ${walDir}: ${denied} (${describe(error)}); ` +
            'the writeAheadLog option keeps it under checkpointDir: give checkpointDir a directory this ' +
            'process can write, or turn writeAheadLog off',
          { cause: error },
        );
      });
      logs.push(wal);
      const damage = await input.attachLog(new ReceivedBlockLog(wal), this.clock, completed);
      for (const detail of damage) {
        this.logger.warn(
          `write-ahead log of '${input.name}': kept the records before the damage in ${detail}`,
        );
        this.eventSubject.next({ type: 'writeAheadLogDamaged', stream: input.name, detail });
      }
    }
    this.closeLogs = () => Promise.all(logs.map((wal) => wal.close())).then(() => undefined);
    if (this.checkpointer) {
      // Blocks stay until no checkpoint the store keeps needs them: a restart that finds the
      // newest checkpoint corrupt resumes from an older one, and replays its blocks from here.
      this.checkpointer.onRetired = async (time) => {
        await Promise.all(logs.map((wal) => wal.clean(time)));
      };
    }
  }

  private createCheckpointer(): Checkpointer | undefined {
    const { checkpointDir, checkpointStore } = this.options;
    if (checkpointDir !== undefined && checkpointStore !== undefined) {
      throw new ConfigurationError('give either checkpointDir or checkpointStore, not both');
    }
    const store =
      checkpointStore ??
      (checkpointDir === undefined ? undefined : new DirectoryCheckpointStore(checkpointDir));
    const interval = this.options.checkpointInterval ?? this.batchInterval;
    if (!isMultipleOf(interval, this.batchInterval)) {
      throw new ConfigurationError(
        `checkpointInterval ${formatDuration(interval)} is not a multiple of the batch interval ` +
          `${formatDuration(this.batchInterval)}; use a multiple of it`,
      );
    }
    if (!store) return undefined;
    return new Checkpointer(store, this.graph, this.clock, this.eventSubject, this.logger, interval);
  }

  /**
   * Stops gracefully, then lets the process end with code 0 (1 if a batch failed): code after
   * `awaitTermination()` still runs; whatever keeps the process alive is cut off after 10 s.
   */
  private async stopOnSignal(signal: string): Promise<void> {
    this.logger.warn(`${signal} received: stopping gracefully (a second ${signal} exits at once)`);
    await this.stop({ graceful: true });
    process.exitCode = this.failure ? 1 : 0;
    setTimeout(() => process.exit(), 10_000).unref();
  }

  private finish(): void {
    this.removeSignalHandlers?.();
    this.eventSubject.next({ type: 'contextStopped', ...(this.failure ? { error: this.failure } : {}) });
    this.eventSubject.complete();
    this.terminated();
  }
}

/** How often a receiver's write-ahead log starts a new segment, at least, ms. */
const WAL_ROLL_INTERVAL = 60_000;

/** Throws unless `bytes` (the `receiverBufferBytes` option) is absent or a positive number. */
function checkBufferBytes(bytes: number | undefined): void {
  if (bytes !== undefined && !(bytes > 0 && Number.isFinite(bytes))) {
    throw new ConfigurationError(
      `receiverBufferBytes must be a positive number of bytes, got ${bytes}; the default is 64 MiB`,
    );
  }
}
