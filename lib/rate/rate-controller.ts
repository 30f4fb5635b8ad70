/**
 * Backpressure: after every batch, a PID estimator per receiver stream turns the batch's size and
 * delays into a new rate, and the receiver's rate limiter takes it (capped at its `maxRate`).
 */
import type { Subject, Subscription } from 'rxjs';
import { ConfigurationError } from '../errors.js';
import { RateLimiter } from '../receiver/rate-limiter.js';
import type { Clock, EventOf, StreamingEvent } from '../types.js';
import { PidRateEstimator, type PidGains } from './pid-estimator.js';

/** The `backpressure` option of a context: Spark's `spark.streaming.backpressure.*`. */
export interface BackpressureOptions extends PidGains {
  /** Turns rate control on. */
  readonly enabled: boolean;
  /**
   * Records per second each receiver may store until the first estimate (after the second
   * non-empty batch). Default: no limit (only `maxRate`, if set) while the job keeps up; once a
   * batch waits behind another, `minRate`, then the first batch's processing rate.
   */
  readonly initialRate?: number;
}

/** What the controller needs of a receiver's input stream (`ReceiverInputNode` has it). */
export interface RateControlledInput {
  readonly receiver: object;
  /** Records that the batch at a time took from this stream; undefined before start. */
  readonly blockGenerator: { recordsTakenAt(time: number): number | undefined } | undefined;
}

/**
 * What bounds a stream's intake before its first estimate: its `initialRate`; nothing yet (its
 * `maxRate` at most); or a hold, once a batch has had to wait behind another.
 */
type Stage = 'initialRate' | 'open' | 'held' | 'estimated';

/** One receiver stream under control. */
interface ControlledStream {
  readonly streamId: number;
  readonly input: RateControlledInput;
  readonly limiter: RateLimiter;
  readonly estimator: PidRateEstimator;
  stage: Stage;
}

/**
 * Owns the receivers' rate limiters and, with backpressure on, sets their rates from the batches
 * that complete. Each `batchCompleted` event feeds every stream's estimator with the records
 * that stream put into the batch, the batch's processing and scheduling delays, and its end time;
 * each new rate goes to the stream's limiter (never above its `maxRate`) and is reported as a
 * `rateUpdated` event.
 *
 * @example
 * const ssc = new StreamingContext({
 *   batchInterval: seconds(1),
 *   backpressure: { enabled: true, initialRate: 1000 },
 * });
 * ssc.events.subscribe((e) => e.type === 'rateUpdated' && console.log(e.streamId, e.rate));
 *
 * Without `initialRate`, nothing but `maxRate` bounds a receiver until the first estimate, which
 * comes only when the second batch with records completes. Under overload, every batch taken
 * meanwhile holds a whole interval of unbounded intake, and the scheduling delay of that queue
 * would then hold the estimates at `minRate` for as many batches as it takes to drain. So as soon
 * as a batch is submitted while an earlier one has not completed, the controller holds the
 * receiver: at `minRate` until a batch with its records has completed, then at the processing
 * rate measured on that batch (the estimator's starting point). From the first estimate on, the
 * PID alone sets the rate, as in Spark.
 *
 * Gotchas: `rateUpdated` is emitted while `batchCompleted` (or, for a hold, `batchSubmitted`) is
 * being delivered, so a subscriber added after start sees it before that event. Only receiver
 * streams are controlled; `textFileStream` is bounded by its `maxBytesPerBatch`.
 */
export class RateController {
  private readonly limiters = new Map<object, RateLimiter>();
  private subscription: Subscription | undefined;
  /** Batches submitted and not completed yet (the running one included). */
  private unfinished = 0;

  /**
   * @param clock the context's clock (rate limiters pace on it).
   * @param batchInterval the context's batch interval, ms.
   * @param options the `backpressure` option; off when undefined.
   */
  constructor(
    private readonly clock: Clock,
    private readonly batchInterval: number,
    private readonly options: BackpressureOptions | undefined,
  ) {
    if (!options?.enabled) return;
    new PidRateEstimator(batchInterval, options); // validates the gains now, not at start
    const initial = options.initialRate;
    if (initial !== undefined && !(initial > 0 && Number.isFinite(initial))) {
      throw new ConfigurationError(
        `backpressure.initialRate must be a positive number of records per second, got ${initial}; ` +
          'leave it out for no limit before the first estimate',
      );
    }
  }

  /** True when backpressure is on. */
  get enabled(): boolean {
    return this.options?.enabled === true;
  }

  /**
   * The rate-limiter factory of a new receiver stream, or `undefined` when it needs none (no
   * `maxRate` and backpressure off). The limiter is made when the receiver starts.
   */
  gate(receiver: object, maxRate: number | undefined): (() => RateLimiter) | undefined {
    if (!this.enabled) return maxRate === undefined ? undefined : () => new RateLimiter(this.clock, maxRate);
    const ceiling = maxRate ?? Infinity;
    return () => {
      const initial = this.options?.initialRate ?? ceiling;
      // Saves up one batch interval's worth, so time lost to busy batches is made up after them.
      const limiter = new RateLimiter(this.clock, initial, { ceiling, burst: this.batchInterval });
      this.limiters.set(receiver, limiter);
      return limiter;
    };
  }

  /**
   * Starts controlling the receiver streams among `inputs` (indexed by stream id) whose
   * receivers have started with a limiter from {@link gate}; call after starting them. Other
   * inputs are ignored. Ends when `events` completes or on `stop()`.
   */
  start(events: Subject<StreamingEvent>, inputs: readonly unknown[]): void {
    if (!this.enabled || this.subscription) return;
    const streams: ControlledStream[] = [];
    for (const [streamId, input] of inputs.entries()) {
      if (!isControlledInput(input)) continue;
      const limiter = this.limiters.get(input.receiver);
      if (!limiter) continue;
      const estimator = new PidRateEstimator(this.batchInterval, this.options ?? {});
      const stage = this.options?.initialRate === undefined ? 'open' : 'initialRate';
      streams.push({ streamId, input, limiter, estimator, stage });
    }
    if (streams.length === 0) return;
    this.unfinished = 0;
    this.subscription = events.subscribe((event) => {
      if (event.type === 'batchSubmitted') this.submitted(events, streams);
      if (event.type === 'batchCompleted') this.update(events, streams, event);
    });
  }

  /** Stops listening to batches; the limiters keep their last rates. */
  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /**
   * A batch was submitted: if one before it has not completed, the job is behind, and a stream
   * that nothing bounds yet is held (see the class summary).
   */
  private submitted(events: Subject<StreamingEvent>, streams: readonly ControlledStream[]): void {
    this.unfinished++;
    if (this.unfinished < 2) return;
    for (const stream of streams) {
      if (stream.stage !== 'open') continue;
      stream.stage = 'held';
      this.hold(events, stream, stream.estimator.latest ?? stream.estimator.minRate);
    }
  }

  private update(
    events: Subject<StreamingEvent>,
    streams: readonly ControlledStream[],
    batch: EventOf<'batchCompleted'>,
  ): void {
    this.unfinished = Math.max(0, this.unfinished - 1);
    const end = batch.batchTime + batch.totalDelay;
    for (const stream of streams) {
      const { streamId, input, limiter, estimator } = stream;
      const records = input.blockGenerator?.recordsTakenAt(batch.batchTime) ?? 0;
      const estimate = estimator.compute(end, records, batch.processingDelay, batch.schedulingDelay);
      if (estimate !== undefined) {
        stream.stage = 'estimated';
        events.next({ type: 'rateUpdated', streamId, rate: limiter.setRate(estimate) });
      } else if (stream.stage === 'held' && estimator.latest !== undefined) {
        // The first batch with records is done: its processing rate bounds the intake from now.
        this.hold(events, stream, estimator.latest);
      }
    }
  }

  /** Sets a held stream's rate, reporting it when it changes. */
  private hold(events: Subject<StreamingEvent>, stream: ControlledStream, rate: number): void {
    const before = stream.limiter.maxRate;
    const set = stream.limiter.setRate(rate);
    if (set !== before) events.next({ type: 'rateUpdated', streamId: stream.streamId, rate: set });
  }
}

function isControlledInput(input: unknown): input is RateControlledInput {
  return typeof input === 'object' && input !== null && 'receiver' in input && 'blockGenerator' in input;
}
