/**
 * A token bucket on the context's clock: at most `maxRate` records per second, with a burst of
 * one second's worth. `acquire(n)` waits until n records may pass.
 */
import type { Clock } from '../types.js';
import type { StoreGate } from './supervisor.js';

export class RateLimiter implements StoreGate {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private rate: number,
  ) {
    this.tokens = rate;
    this.last = clock.now();
  }

  /** Records per second now allowed. */
  get maxRate(): number {
    return this.rate;
  }

  /** Changes the rate (the backpressure estimator calls this). */
  setRate(rate: number): void {
    this.refill();
    this.rate = rate;
    this.tokens = Math.min(this.tokens, rate);
  }

  /** Waits until `records` records may pass; callers are served in order. */
  acquire(records: number): Promise<void> {
    const turn = this.queue.then(() => this.take(records));
    this.queue = turn;
    return turn;
  }

  private async take(records: number): Promise<void> {
    let needed = records;
    while (needed > 0) {
      this.refill();
      const granted = Math.min(needed, Math.floor(this.tokens));
      this.tokens -= granted;
      needed -= granted;
      if (needed > 0) {
        const wait = Math.ceil((Math.min(needed, this.rate) - this.tokens) * (1000 / this.rate));
        await this.clock.sleep(Math.max(1, wait));
      }
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
  }
}
