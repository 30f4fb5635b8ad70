/**
 * The running side of a StreamingContext, as Spark's JobScheduler with what it starts: the job
 * generator and scheduler, the worker threads, the checkpoint coordinator, rate control and, from
 * start, the receiver tracker. It takes the context through its life cycle: it starts the parts
 * in order (the worker threads, the receivers' write-ahead logs, the outputs, the inputs, the
 * receivers, the checkpoint of the job's start, rate control, last the batch timer), decides
 * what a failed batch does (`onBatchError`), stops the parts in order (`shutdown.ts`), closes the
 * outputs fed by the event stream after `contextStopped`, and wakes the callers of
 * `awaitTermination()`. The context keeps the user-facing API.
 */
import type { Subject } from 'rxjs';
import { CheckpointCoordinator } from './checkpoint/coordinator.js';
import { checkDistributedGraph } from './distributed.js';
import { DEFAULT_RECEIVER_RESTART, type StreamingContextOptions } from './context-options.js';
import { ContextWaiter } from './context-waiter.js';
import { stagesThatRunAhead } from './dstream/parallel/parallel.js';
import { WorkerPool } from './dstream/parallel/worker-pool.js';
import { IllegalStateError, KindlingError } from './errors.js';
import type { DStreamGraph } from './graph.js';
import { inputKinds, type InputKinds } from './input-kinds.js';
import type { Logger } from './logger.js';
import { OutputSet, type OutputFeed, type OutputLifecycle } from './output.js';
import { RateController } from './rate/rate-controller.js';
import { ReceiverTracker } from './receiver/tracker.js';
import { JobGenerator } from './scheduler/job-generator.js';
import { JobScheduler } from './scheduler/job-scheduler.js';
import { stopGracefullyOnSignals, stopInOrder } from './shutdown.js';
import { SqlRuntime } from './sql/sql-runtime.js';
import type { Clock, StreamingEvent } from './types.js';

/** What a runtime is built from: the context's options, graph, clock, events and logger. */
export interface RuntimeSettings {
  readonly options: StreamingContextOptions;
  readonly graph: DStreamGraph;
  readonly clock: Clock;
  readonly events: Subject<StreamingEvent>;
  readonly logger: Logger;
  /** How often receivers cut blocks, ms. */
  readonly blockInterval: number;
}

/** Where a context is in its life: built, started, or stopped for good. */
export type ContextState = 'initialized' | 'active' | 'stopped';

/** The running parts of one context and its life cycle; see the file summary. */
export class ContextRuntime {
  /** The worker threads of parallel stages (none without the `workers` option). */
  readonly workers: WorkerPool;
  readonly checkpoints: CheckpointCoordinator;
  readonly rateController: RateController;
  readonly waiter: ContextWaiter;
  /** The outputs (see `output.ts`): opened at start, closed at stop. */
  readonly outputs = new OutputSet();
  /** The SQL engine and sessions of the sql operators (see `sql/sql-runtime.ts`): opened at start, closed at stop. */
  readonly sql: SqlRuntime;
  private readonly scheduler: JobScheduler;
  private readonly generator: JobGenerator;
  private lifecycle: ContextState = 'initialized';
  private stopping: Promise<void> | undefined;
  private removeSignalHandlers: (() => void) | undefined;
  /** Set at start: the graph's inputs by kind, and the tracker of its receivers. */
  private running: { readonly inputs: InputKinds; readonly receivers: ReceiverTracker } | undefined;

  /** Builds the parts; checks the checkpoint options (a ConfigurationError says what is wrong). */
  constructor(private readonly settings: RuntimeSettings) {
    const { options, graph, clock, events, logger } = settings;
    this.waiter = new ContextWaiter(options.onBatchError === 'continue');
    this.rateController = new RateController(clock, graph.batchInterval, options.backpressure);
    this.checkpoints = new CheckpointCoordinator(options, { graph, clock, events, logger });
    this.workers = new WorkerPool(options.workers, (message) => logger.error(message));
    this.sql = new SqlRuntime(options.sql);
    const onBatchDone = (time: number, error: KindlingError | undefined): void => this.batchDone(time, error);
    this.scheduler = new JobScheduler(clock, events, onBatchDone, this.workers.lookahead);
    this.generator = new JobGenerator(clock, graph, this.scheduler, (time, error) =>
      onBatchDone(
        time,
        error instanceof KindlingError ? error : new KindlingError(String(error), { cause: error }),
      ),
    );
  }

  get state(): ContextState {
    return this.lifecycle;
  }

  /**
   * Starts the graph (validating it) and every part in order (see the file summary). A step
   * that fails undoes the ones before it that hold something open (started inputs, the worker
   * threads), stops the context, and fails the start.
   */
  async start(): Promise<void> {
    const { options, graph, clock, events, logger } = this.settings;
    const name = graph.contextName;
    if (this.lifecycle === 'active') {
      throw new IllegalStateError(`context '${name}' has already been started; start() may be called once`);
    }
    if (this.lifecycle === 'stopped') {
      throw new IllegalStateError(
        `context '${name}' has been stopped and cannot be started again; create a new StreamingContext`,
      );
    }
    if (options.applicationId !== undefined) {
      const checkpoints = options.checkpointDir !== undefined || options.checkpointStore !== undefined;
      checkDistributedGraph(graph, options.applicationId, { checkpoints });
    }
    const recovered = this.checkpoints.recovered;
    const firstBatch = recovered ? recovered.time + graph.batchInterval : this.generator.firstBatchTime();
    const zeroTime = recovered ? recovered.zeroTime : firstBatch - graph.batchInterval;
    graph.start(zeroTime);
    const inputs = inputKinds(graph.inputs);
    this.lifecycle = 'active';
    this.checkpoints.start(zeroTime, inputs.sources);
    if (options.stopGracefullyOnShutdown) {
      this.removeSignalHandlers = stopGracefullyOnSignals({
        logger,
        stopGracefully: () => this.stop(true),
        failed: () => this.waiter.error !== undefined,
      });
    }
    const bytes = options.receiverBufferBytes;
    const env = {
      clock,
      events,
      blockInterval: this.settings.blockInterval,
      restartBackoff: options.receiverRestart ?? DEFAULT_RECEIVER_RESTART,
      ...(bytes === undefined ? {} : { receiverBufferBytes: bytes }),
    };
    const receivers = new ReceiverTracker(inputs.receivers, env, logger);
    this.running = { inputs, receivers };
    this.checkpoints.onRetired((time) => receivers.cleanLogs(time));
    const started: { stop(): void | Promise<void> }[] = [];
    try {
      await this.workers.start(graph.allNodes());
      if (this.workers.lookahead > 0) graph.runStagesAhead(stagesThatRunAhead(graph.allNodes()));
      const wal = { option: options.writeAheadLog, checkpointDir: options.checkpointDir };
      await receivers.openLogs({ ...wal, checkpointInterval: this.checkpoints.interval }, recovered?.time);
      await this.sql.start(graph.allNodes());
      await this.outputs.open();
      for (const input of graph.inputs) {
        await input.start();
        started.push(input);
        receivers.startReceiverOf(input);
      }
      // Where the job starts is durable before its first batch, and so is each batch's plan.
      await this.checkpoints.writeStart(zeroTime);
    } catch (error) {
      await Promise.allSettled([
        ...started.map((input) => input.stop()),
        this.workers.close(),
        this.closeOutputs('stream'),
        this.sql.close(),
      ]);
      this.lifecycle = 'stopped';
      this.scheduler.close();
      await this.finish();
      throw error;
    }
    this.rateController.start(events, graph.inputs);
    for (const { input } of inputs.sources) input.controlRate(events, options.backpressure);
    this.generator.start(firstBatch);
  }

  /** Stops the context, once (later calls get the same promise); see `StreamingContext.stop`. */
  stop(graceful: boolean): Promise<void> {
    this.stopping ??= this.shutdown(graceful);
    return this.stopping;
  }

  /**
   * A completed batch is cleared (what no later batch needs is forgotten), checkpointed when due
   * and committed to the batch sources. A failed one is reported to the waiter and, unless
   * `onBatchError` is `'continue'`, stops the context. Its failed batches are forgotten, so that
   * what reads one later (a window over it, the next state) computes it again, and nothing is
   * cleared, as Spark's JobScheduler does not clear a failed batch: the batches that such a
   * computation reads are still there; the next completed batch clears them.
   */
  private batchDone(time: number, error: KindlingError | undefined): void {
    if (!error) {
      this.settings.graph.clearMetadata(time);
      this.checkpoints.batchCompleted(time);
      return;
    }
    this.settings.graph.forgetFailed(time);
    const stops = this.settings.options.onBatchError !== 'continue';
    this.waiter.notifyError(error, stops);
    if (stops) void this.stop(false);
  }

  private async shutdown(graceful: boolean): Promise<void> {
    const running = this.running;
    if (this.lifecycle !== 'initialized' && running) {
      await stopInOrder(
        {
          clock: this.settings.clock,
          inputs: running.inputs,
          receivers: running.receivers,
          generator: this.generator,
          scheduler: this.scheduler,
          checkpoints: this.checkpoints,
          workers: this.workers,
          outputs: { close: () => this.closeOutputs('stream') },
          failed: () => this.waiter.stopError !== undefined,
        },
        graceful,
      );
    } else {
      await this.closeOutputs('stream'); // never opened: those that listen from construction stop
    }
    await this.sql.close().catch((error: unknown) => {
      const message = `closing the SQL engine failed: ${String(error)}`;
      this.settings.logger.error(message);
      this.settings.events.next({ type: 'connectorError', connector: 'sql', message, error });
    });
    this.lifecycle = 'stopped';
    await this.finish();
  }

  /** Closes the outputs fed by `fedBy`; a close that fails is logged and reported as a `connectorError`. */
  private closeOutputs(fedBy: OutputFeed): Promise<void> {
    const { events, logger } = this.settings;
    return this.outputs.close(fedBy, (output: OutputLifecycle, error: KindlingError) => {
      logger.error(error.message);
      events.next({ type: 'connectorError', connector: output.name, message: error.message, error });
    });
  }

  /**
   * Says on the event stream that the context stopped (and why, if a batch stopped it), closes
   * the outputs fed by the event stream (the dashboard, which shows that), ends the event stream
   * and wakes the waiters.
   */
  private async finish(): Promise<void> {
    this.removeSignalHandlers?.();
    const { events } = this.settings;
    const error = this.waiter.stopError;
    events.next({ type: 'contextStopped', ...(error ? { error } : {}) });
    await this.closeOutputs('events');
    events.complete();
    this.waiter.notifyStop();
  }
}
