/**
 * Waits on a clock that can be cut short: the Kinesis receiver's pauses between polls end early
 * when it stops (so a stop never waits a poll interval) or when a shard ends (to discover its
 * children at once).
 */
import { take, type Subscription } from 'rxjs';
import type { Clock } from '../../lib/index.js';

/** Pauses on `clock` that {@link wakeAll} ends early. */
export class Pauses {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  /** Resolves after `ms` on the clock, or at the next {@link wakeAll}, whichever comes first. */
  pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer: { subscription?: Subscription } = {};
      let done = false;
      const finish = (): void => {
        done = true;
        timer.subscription?.unsubscribe();
        this.waiting.delete(finish);
        resolve();
      };
      this.waiting.add(finish);
      timer.subscription = this.clock
        .timer(this.clock.now() + ms, ms)
        .pipe(take(1))
        .subscribe(() => finish());
      // A clock whose time had already come emitted during subscribe.
      if (done) timer.subscription.unsubscribe();
    });
  }

  /** Ends every pause under way. */
  wakeAll(): void {
    for (const finish of [...this.waiting]) finish();
  }
}
