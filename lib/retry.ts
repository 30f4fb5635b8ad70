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

/**
 * Runs `attempt` until it succeeds, waiting on `clock` between tries. Retries only what
 * `shouldRetry` accepts (by default every error); rethrows the last error when attempts run out.
 *
 * @example
 * const conn = await retry(() => connect(host, port), clock, { maxAttempts: 5 });
 */
export async function retry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  clock: Pick<Clock, 'sleep'>,
  policy: BackoffPolicy & { shouldRetry?: (error: unknown) => boolean } = {},
): Promise<T> {
  const maxAttempts = policy.maxAttempts ?? Infinity;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= maxAttempts || (policy.shouldRetry && !policy.shouldRetry(error))) throw error;
      await clock.sleep(backoffDelay(n, policy));
    }
  }
}
