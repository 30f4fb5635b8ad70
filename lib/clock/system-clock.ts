import { Observable } from 'rxjs';
import type { Clock } from '../types.js';

/**
 * Wall-clock time, the default clock of a context. Ticks are aligned to their scheduled times: if
 * the event loop was blocked past several ticks, each missed tick is still emitted, in order (as
 * Spark's RecurringTimer does).
 *
 * @example
 * const ssc = new StreamingContext({ batchInterval: seconds(1), clock: new SystemClock() }); // the default
 *
 * Gotcha: tests use a {@link ManualClock} instead; nothing in Kindling reads `Date.now()` directly
 * except this class.
 */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  timer(first: number, period: number): Observable<number> {
    return new Observable<number>((subscriber) => {
      let next = first;
      let handle: NodeJS.Timeout | undefined;
      const schedule = (): void => {
        handle = setTimeout(fire, Math.max(0, next - Date.now()));
      };
      const fire = (): void => {
        const now = Date.now();
        while (next <= now && !subscriber.closed) {
          subscriber.next(next);
          next += period;
        }
        if (!subscriber.closed) schedule();
      };
      schedule();
      return () => clearTimeout(handle);
    });
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }

  track(): void {}
}
