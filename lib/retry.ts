import { take } from 'rxjs';
import { SystemClock } from './clock/system-clock.js';
import { TimeoutError } from './errors.js';
import type { Clock } from './types.js';

/** How {@link retry} and receiver restarts back off. */
export interface BackoffPolicy {
  /** Delay before the first retry, ms. Default 100. */
  readonly initialDelay?: number;
  /** Longest delay, ms. Default 30 000. */
  readonly maxDelay?: number;
  /** Growth of the delay per attempt. Default 2. */
  readonly factor?: number;
  /** Share of the delay that is randomised, 0..1. Default 0.2. */
  readonly jitter?: number;
  /** Attempts in all, the first included. Default Infinity. */
  readonly maxAttempts?: number;
  /** Source of randomness in [0, 1); a parameter so tests can fix it. Default Math.random. */
  readonly random?: () => number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry): exponential with jitter.
 *
 * @example
 * backoffDelay(3, { initialDelay: 100, jitter: 0 }) // 400
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = {}): number {
  const initial = policy.initialDelay ?? 100;
  const max = policy.maxDelay ?? 30_000;
  const factor = policy.factor ?? 2;
  const jitter = policy.jitter ?? 0.2;
  const random = policy.random ?? Math.random;
  const base = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  const spread = base * jitter;
  return Math.max(0, Math.round(base - spread + 2 * spread * random()));
}

/** What {@link retry} does besides backing off: which errors it retries, what it reports, time limits. */
export interface RetryPolicy extends BackoffPolicy {
  /**
   * Whether the failure of try number `attempt` may be retried (an error a retry can mend, and a
   * caller that still wants the result). Default: every error. Asked only while attempts remain.
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Told of each failed try that will be retried, with the delay before the next one (to report it). */
  readonly onRetry?: (error: unknown, attempt: number, delay: number) => void;
  /**
   * What to throw when retrying ends (attempts used up, or an error not to retry): by default
   * the last error itself; a function of it and the number of tries made, to name what failed.
   */
  readonly giveUp?: (error: unknown, attempts: number) => unknown;
  /**
   * Time limit of each try, ms: when it passes, the try's signal aborts and the try fails with a
   * {@link TimeoutError} (retriable), which `shouldRetry` judges like any other error. Default: none.
   */
  readonly tryTimeout?: number;
  /** The clock `tryTimeout` counts on. Default: system time; tests pass a `ManualClock`. */
  readonly timeoutClock?: Pick<Clock, 'now' | 'timer'>;
}

/**
 * Runs `attempt` until it succeeds, waiting on `clock` between tries. Retries only what
 * `shouldRetry` accepts (by default every error); when attempts run out, throws the last error
 * (or what `giveUp` makes of it). Each try gets its number and an AbortSignal, which aborts when
 * its `tryTimeout` passes.
 *
 * @example
 * const conn = await retry(() => connect(host, port), clock, { maxAttempts: 5 });
 * @example
 * const body = await retry((_, signal) => fetch(url, { signal }), clock, {
 *   maxAttempts: 5, tryTimeout: 10_000,
 *   shouldRetry: (error) => !(error instanceof ConfigurationError),
 *   onRetry: (error, attempt, delay) => log(`try ${attempt} failed (${error}); again in ${delay} ms`),
 *   giveUp: (error, attempts) => new KindlingError(`GET ${url} failed after ${attempts} tries`, { cause: error }),
 * });
 *
 * Gotcha: a try that ignores its signal is abandoned at its time limit, not stopped; whatever it
 * does afterwards is ignored.
 */
export async function retry<T>(
  attempt: (attemptNumber: number, signal: AbortSignal) => Promise<T>,
  clock: Pick<Clock, 'sleep'>,
  policy: RetryPolicy = {},
): Promise<T> {
  const maxAttempts = policy.maxAttempts ?? Infinity;
  for (let n = 1; ; n++) {
    try {
      return await tryOnce(attempt, n, policy);
    } catch (error) {
      if (n >= maxAttempts || (policy.shouldRetry && !policy.shouldRetry(error, n))) {
        throw policy.giveUp ? policy.giveUp(error, n) : error;
      }
      const delay = backoffDelay(n, policy);
      policy.onRetry?.(error, n, delay);
      await clock.sleep(delay);
    }
  }
}

/** Try number `n` of `attempt`, failed with a TimeoutError once `policy.tryTimeout` has passed. */
function tryOnce<T>(
  attempt: (attemptNumber: number, signal: AbortSignal) => Promise<T>,
  n: number,
  policy: RetryPolicy,
): Promise<T> {
  const controller = new AbortController();
  const limit = policy.tryTimeout;
  if (limit === undefined) return attempt(n, controller.signal);
  const clock = policy.timeoutClock ?? new SystemClock();
  return new Promise<T>((resolve, reject) => {
    const timer = clock
      .timer(clock.now() + limit, limit)
      .pipe(take(1))
      .subscribe(() => {
        const error = new TimeoutError(`timed out after ${limit} ms`);
        controller.abort(error);
        reject(error);
      });
    let running: Promise<T>;
    try {
      running = attempt(n, controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(resolve, reject).finally(() => timer.unsubscribe());
  });
}
