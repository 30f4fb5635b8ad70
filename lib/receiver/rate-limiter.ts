/**
 * The `maxRate` of a receiver: lets records pass at a steady pace on the context's clock, in
 * small chunks, so no batch interval takes more than its share.
 */
import { take, type Subscription } from 'rxjs';
import { ConfigurationError, StoppedError } from '../errors.js';
import type { Clock } from '../types.js';
import type { StoreGate } from './supervisor.js';

/**
 * Paces records to at most `rate` per second of clock time: a token bucket that holds one chunk,
 * a hundredth of a second's worth of records (at least one). An empty bucket sleeps until a whole
 * chunk has accrued, so even a million records a second wake it only a hundred times; an idle
 * limiter saves up no more than one chunk. With a 1 s batch interval no batch holds more than
 * `rate` records (plus one chunk after an idle spell).
 *
 * @example
 * const limiter = new RateLimiter(clock, 10);
 * await limiter.acquire(30); // 1, at once
 * await limiter.acquire(29); // 1, 100 ms later
 *
 * Gotcha: callers are served in call order; `close()` rejects every waiting call.
 */
export class RateLimiter implements StoreGate {
  /** Records that may pass now; refills at `rate` per second up to one chunk. */
  private tokens: number;
  private refilled: number;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: { subscription: Subscription; reject: (error: unknown) => void } | undefined;
  private closed = false;

  /**
   * @param clock the context's clock.
   * @param rate records per second, > 0.
   */
  constructor(
    private readonly clock: Clock,
    private rate: number,
  ) {
    checkRate(rate);
    this.tokens = this.chunk;
    this.refilled = clock.now();
  }

  /** Records per second now allowed. */
  get maxRate(): number {
    return this.rate;
  }

  /** Changes the rate (the backpressure estimator calls this); takes effect from now. */
  setRate(rate: number): void {
    checkRate(rate);
    this.refill();
    this.rate = rate;
    this.tokens = Math.min(this.tokens, this.chunk);
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

  private async take(max: number): Promise<number> {
    if (this.closed) throw new StoppedError('the rate limiter is closed');
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
    this.tokens = Math.min(this.chunk, this.tokens + ((now - this.refilled) * this.rate) / 1000);
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
