/**
 * StreamingContext: the entry point. It owns the DStream graph, the clock, the job generator and
 * scheduler, and the receivers, and takes the graph through its life: build, start, stop.
 */
import { Subject, type Observable } from 'rxjs';
import { SystemClock } from './clock/system-clock.js';
import { ConfigurationError, IllegalStateError, KindlingError } from './errors.js';
import { DStreamGraph } from './graph.js';
import { wrap, type DStream } from './dstream/dstream.js';
import type { InputNode } from './dstream/input.js';
import { QueueNode, type QueueStreamOptions } from './dstream/queue-stream.js';
import { ReceiverInputNode } from './dstream/receiver-stream.js';
import { UnionNode } from './dstream/union.js';
import { ObservableReceiver } from './receiver/observable-receiver.js';
import { RateLimiter } from './receiver/rate-limiter.js';
import type { Receiver } from './receiver/receiver.js';
import { SocketReceiver, type SocketTextStreamOptions } from './receiver/socket-receiver.js';
import { FileInputNode, type TextFileStreamOptions } from './dstream/file-input.js';
import type { BackoffPolicy } from './retry.js';
import { JobGenerator } from './scheduler/job-generator.js';
import { JobScheduler } from './scheduler/job-scheduler.js';
import { progressLine } from './scheduler/progress.js';
import type { Clock, StreamingEvent } from './types.js';

/** Options of a {@link StreamingContext}. */
export interface StreamingContextOptions {
  /** The interval between batches, ms. Window and slide durations must be multiples of it. */
  readonly batchInterval: number;
  /** The source of time. Default: a {@link SystemClock}; tests pass a `ManualClock`. */
  readonly clock?: Clock;
  /** Where checkpoints are written (see the fault-tolerance docs). */
  readonly checkpointDir?: string;
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
    this.events = this.eventSubject.asObservable();
    this.graph = new DStreamGraph(options.batchInterval, this.name);
    this.scheduler = new JobScheduler(this.clock, this.eventSubject, (time, error) =>
      this.batchDone(time, error),
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
   * @param options `encoding` (default utf8) and `maxRate` (records per second).
   * @example
   * ssc.socketTextStream('127.0.0.1', 9999).flatMap((line) => line.split(' ')).countByValue().print();
   */
  socketTextStream(
    host: string,
    port: number,
    options: SocketTextStreamOptions & ReceiverOptions = {},
  ): DStream<string> {
    return this.receiverStream(new SocketReceiver(host, port, options), options, 'socketTextStream');
  }

  /**
   * Lines of the files that appear in directory `dir` after start. A file must appear complete:
   * write it elsewhere and move it in with a rename, or it may be read half-written. Names that
   * start with `.` or `_` are ignored.
   */
  textFileStream(dir: string, options: TextFileStreamOptions = {}): DStream<string> {
    return this.input(new FileInputNode(this.graph, dir, options));
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
    const gate = maxRate === undefined ? undefined : () => new RateLimiter(this.clock, maxRate);
    return this.input(new ReceiverInputNode<T>(this.graph, receiver, kind, gate));
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

  /** The union of streams of this context with the same slide: each batch holds all their records. */
  union<T>(...streams: DStream<T>[]): DStream<T> {
    if (streams.length === 0) throw new ConfigurationError('union() needs at least one stream');
    for (const s of streams) s.assertContext(this, 'union');
    return wrap(this, new UnionNode<T>(streams.map((s) => s.node)));
  }

  /** Keeps every stream's batches for at least `duration` ms, so `slice` can reach back that far. */
  remember(duration: number): void {
    this.graph.remember(duration);
  }

  // ---- life cycle -------------------------------------------------------------------------------

  /**
   * Validates the graph and starts the receivers and the batch timer. Fails with a message that
   * says how to fix it when the graph cannot run.
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
    if (this.checkpointDir !== undefined) {
      throw new ConfigurationError(
        `context '${this.name}' has checkpointDir '${this.checkpointDir}', but writing checkpoints and ` +
          'recovering from them is not built yet; start without checkpointDir',
      );
    }
    const first = this.generator.firstBatchTime();
    this.graph.start(first - this.batchInterval);
    this.lifecycle = 'active';
    const env = {
      clock: this.clock,
      events: this.eventSubject,
      blockInterval: this.blockInterval,
      restartBackoff: this.options.receiverRestart ?? { initialDelay: 100, maxDelay: 10_000 },
    };
    const started: InputNode<unknown>[] = [];
    try {
      for (const [streamId, input] of this.graph.inputs.entries()) {
        await input.start();
        started.push(input);
        if (input instanceof ReceiverInputNode) input.startReceiver(env, streamId);
      }
    } catch (error) {
      await Promise.allSettled(started.map((input) => input.stop()));
      this.lifecycle = 'stopped';
      this.scheduler.close();
      this.finish();
      throw error;
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
   */
  stop(options: { graceful?: boolean } = {}): Promise<void> {
    this.stopping ??= this.shutdown(options.graceful ?? false);
    return this.stopping;
  }

  /** Resolves when the context stops; rejects with the error that stopped it, if one did. */
  async awaitTermination(): Promise<void> {
    await this.termination;
    if (this.failure) throw this.failure;
  }

  /**
   * Like {@link awaitTermination}, but gives up after `timeout` ms of real time.
   * Resolves `true` if the context stopped, `false` on timeout.
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
    if (!error) return;
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
    await Promise.all(this.graph.inputs.map((input) => input.stop()));
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
    for (const r of receivers) r.close();
    this.scheduler.close();
    this.lifecycle = 'stopped';
    this.finish();
  }

  private finish(): void {
    this.eventSubject.next({ type: 'contextStopped', ...(this.failure ? { error: this.failure } : {}) });
    this.eventSubject.complete();
    this.terminated();
  }
}
