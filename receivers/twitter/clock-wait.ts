/**
 * Waits on the injected clock that can be cut short: the receiver's back-off pauses and its stall
 * watchdog, and the replay server's pacing. On a ManualClock they move only when the test
 * advances it.
 */
import type { Subscription } from 'rxjs';
import type { Clock } from '../../lib/index.js';

/**
 * Resolves after `ms` on `clock`, or at once when `signal` aborts. Leaves no timer behind.
 *
 * @example
 * await wait(clock, 5000, stop.signal); // a back-off that a stop ends early
 */
export function wait(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    let subscription: Subscription | undefined = undefined;
    const done = (): void => {
      subscription?.unsubscribe();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    signal?.addEventListener('abort', done, { once: true });
    subscription = clock.timer(clock.now() + ms, ms).subscribe(done);
  });
}

/**
 * Calls `onTimeout` once `ms` pass on `clock` while armed; `arm` starts the count again.
 *
 * @example
 * const watchdog = new Watchdog(clock, 90_000, () => abort('stall'));
 * watchdog.arm(); const chunk = await read(); watchdog.disarm();
 */
export class Watchdog {
  private subscription: Subscription | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly onTimeout: () => void,
  ) {}

  /** Starts (or restarts) the count. */
  arm(): void {
    this.subscription?.unsubscribe();
    this.subscription = this.clock.timer(this.clock.now() + this.ms, this.ms).subscribe(() => {
      this.disarm();
      this.onTimeout();
    });
  }

  /** Stops the count. */
  disarm(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
