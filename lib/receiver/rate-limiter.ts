/**
 * The `maxRate` of a receiver: lets records pass at a steady pace on the context's clock, in
 * small chunks, so no batch interval takes more than its share. The rate controller
 * (backpressure) changes the pace with `setRate`, never above the ceiling.
 */
import { take, type Subscription } from 'rxjs';
import { ConfigurationError, StoppedError } from '../errors.js';
import type { Clock } from '../types.js';
import type { StoreGate } from './supervisor.js';

/** Options of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** The most `setRate` may set (the receiver's `maxRate`). Default: none. */
  readonly ceiling?: number;
  /**
   * How many ms worth of records the bucket may save up while nothing passes. Default 10 (one
   * chunk). Backpressure uses the batch interval, as Spark's limiter saves up a second: time the
   * receiver could not use because a batch kept the event loop busy is made up afterwards.
   */
  readonly burst?: number;
}

/**
 * Paces records to at most `rate` per second of clock time: a token bucket that grants chunks of
 * a hundredth of a second's worth of records (at least one). An empty bucket sleeps until a whole
 * chunk has accrued, so even a million records a second wake it only a hundred times; by default
 * an idle limiter saves up no more than one chunk, so with a 1 s batch interval no batch holds
 * more than `rate` records (plus one chunk after an idle spell). With `burst` it saves up more:
 * a batch then holds at most `rate * (interval + burst) / 1000` records.
 *
 * @example
 * const limiter = new RateLimiter(clock, 10);
 * await limiter.acquire(30); // 1, at once
 * await limiter.acquire(29); // 1, 100 ms later
 *
 * Gotchas: callers are served in call order; `close()` rejects every waiting call. A limiter
 * created with rate `Infinity` lets everything pass at once until its first `setRate`.
 */
export class RateLimiter implements StoreGate {
  /** Records that may pass now; refills at `rate` per second up to `capacity`. */
  private tokens: number;
  private refilled: number;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: { subscription: Subscription; reject: (error: unknown) => void } | undefined;
  private closed = false;

  /** The most `setRate` may set. */
  readonly ceiling: number;
  private readonly burst: number;

  /**
   * @param clock the context's clock.
   * @param rate records per second, > 0; `Infinity` for no limit until `setRate`.
   * @param options the ceiling of `setRate` and how much may be saved up.
   */
  constructor(
    private readonly clock: Clock,
    private rate: number,
    options: RateLimiterOptions = {},
  ) {
    this.ceiling = options.ceiling ?? Infinity;
    this.burst = options.burst ?? 10;
    if (rate !== Infinity) checkRate(rate);
    if (this.ceiling !== Infinity) checkRate(this.ceiling);
    if (!(this.burst >= 0 && Number.isFinite(this.burst))) {
      throw new ConfigurationError(`rate limiter burst must be a number of ms >= 0, got ${this.burst}`);
    }
    this.rate = Math.min(rate, this.ceiling);
    this.tokens = this.rate === Infinity ? 0 : this.chunk;
    this.refilled = clock.now();
  }

  /** Records per second now allowed (`Infinity`: no limit). */
  get maxRate(): number {
    return this.rate;
  }

  /**
   * Changes the rate (the backpressure rate controller calls this), capped at the ceiling;
   * takes effect from now. Returns the rate set.
   */
  setRate(rate: number): number {
    checkRate(rate);
    if (this.rate !== Infinity) this.refill();
    this.rate = Math.min(rate, this.ceiling);
    this.refilled = this.clock.now();
    this.tokens = Math.min(this.tokens, this.capacity);
    return this.rate;
  }

  /**
   * Waits until records may pass, then grants between 1 and `max` of them; resolves with how many.
   * Rejects with a {@link StoppedError} once the limiter is closed.
   */
  acquire(max: number): Promise<number> {
    const turn = this.queue.then(() => this.take(max));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Rejects every waiting and later `acquire`, and cancels the pending timer. */
  close(): void {
    this.closed = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.subscription.unsubscribe();
    waiting?.reject(new StoppedError('the rate limiter was closed while records waited to pass'));
  }

  /** Records per chunk: a hundredth of a second's worth, at least one. */
  private get chunk(): number {
    return Math.max(1, Math.floor(this.rate / 100));
  }

  /** The most records the bucket holds: one chunk, or `burst` ms worth if more. */
  private get capacity(): number {
    return Math.max(this.chunk, (this.rate * this.burst) / 1000);
  }

  private async take(max: number): Promise<number> {
    if (this.closed) throw new StoppedError('the rate limiter is closed');
    if (this.rate === Infinity) return max;
    this.refill();
    if (this.tokens < 1) {
      // Sleep until a whole chunk has accrued, not a single record: few wake-ups at high rates.
      await this.wait(this.clock.now() + Math.ceil(((this.chunk - this.tokens) * 1000) / this.rate));
      this.refill();
    }
    const granted = Math.max(1, Math.min(max, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilled) * this.rate) / 1000);
    this.refilled = now;
  }

  private wait(until: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const subscription = this.clock
        .timer(until, 1000)
        .pipe(take(1))
        .subscribe(() => {
          this.waiting = undefined;
          resolve();
        });
      if (!subscription.closed) this.waiting = { subscription, reject };
    });
  }
}

function checkRate(rate: number): void {
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new ConfigurationError(`maxRate must be a positive number of records per second, got ${rate}`);
  }
}
