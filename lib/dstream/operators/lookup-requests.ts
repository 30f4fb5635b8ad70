/**
 * How joinLookup and enrich ask a {@link Lookup}: `refresh(time)` once per batch time, then the
 * batch's distinct keys in chunks, a bounded number of requests at once (Flink's Async I/O
 * capacity), each within a timeout on the context's clock, retriable failures retried with
 * back-off, and a last failure that names the lookup and the batch time.
 */
import { KindlingError, describe, isRetriable } from '../../errors.js';
import { retry, type BackoffPolicy } from '../../retry.js';
import type { Clock, Lookup } from '../../types.js';

/** How requests are made: see `LookupJoinOptions` for the meaning and defaults. */
export interface LookupRequestOptions {
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly chunkSize?: number;
  readonly backoff?: BackoffPolicy;
}

const DEFAULT_BACKOFF: BackoffPolicy = { maxAttempts: 3, initialDelay: 100, maxDelay: 5000 };

/** The refresh of each lookup for the latest batch time: operators sharing a lookup refresh it once. */
const refreshes = new WeakMap<object, { time: number; done: Promise<void> }>();

/** Asks one lookup for one operator, batch by batch. */
export class LookupRequests<K, V> {
  private readonly backoff: BackoffPolicy;

  constructor(
    private readonly lookup: Lookup<K, V>,
    private readonly options: LookupRequestOptions,
    private readonly clock: Clock,
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  /** Calls the lookup's `refresh(time)` once per batch time, however many operators share it. */
  refresh(time: number): Promise<void> {
    const lookup = this.lookup;
    if (!lookup.refresh) return Promise.resolve();
    const last = refreshes.get(lookup);
    if (last && last.time === time) return last.done;
    const done = this.withRetries(`refresh for the batch of time ${time}`, time, () =>
      (lookup.refresh as (time: number) => Promise<void>).call(lookup, time),
    );
    refreshes.set(lookup, { time, done });
    return done;
  }

  /** The values of `keys`: chunks of `chunkSize`, at most `concurrency` requests at once. */
  async fetch(keys: K[], time: number): Promise<Map<K, V>> {
    const values = new Map<K, V>();
    if (keys.length === 0) return values;
    const size = this.options.chunkSize ?? 1000;
    const chunks: K[][] = [];
    for (let i = 0; i < keys.length; i += size) chunks.push(keys.slice(i, i + size));
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < chunks.length) {
        const chunk = chunks[next++] as K[];
        try {
          const found = await this.withRetries(`getAll of ${chunk.length} keys`, time, () =>
            this.getAllWithTimeout(chunk),
          );
          for (const key of chunk) {
            if (found.has(key)) values.set(key, found.get(key) as V);
          }
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const workers = Math.min(this.options.concurrency ?? 4, chunks.length);
    await Promise.all(Array.from({ length: workers }, worker));
    return values;
  }

  /** `getAll(keys)`, or a retriable {@link KindlingError} once `timeoutMs` has passed on the clock. */
  private getAllWithTimeout(keys: readonly K[]): Promise<ReadonlyMap<K, V>> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = this.clock.timer(this.clock.now() + timeoutMs, timeoutMs).subscribe(() => {
        timer.unsubscribe();
        reject(
          new KindlingError(
            `lookup '${this.lookup.name}' did not answer ${keys.length} keys within ${timeoutMs} ms; ` +
              `raise timeoutMs or lower chunkSize`,
            { retriable: true },
          ),
        );
      });
      let answer: Promise<ReadonlyMap<K, V>>;
      try {
        answer = this.lookup.getAll(keys);
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer.then(
        (found) => {
          timer.unsubscribe();
          resolve(found);
        },
        (error: unknown) => {
          timer.unsubscribe();
          reject(error);
        },
      );
    });
  }

  /** Runs `request`, retrying retriable failures; the last failure names the lookup and batch time. */
  private async withRetries<R>(what: string, time: number, request: () => Promise<R>): Promise<R> {
    let attempts = 0;
    try {
      return await retry(
        () => {
          attempts++;
          return request();
        },
        this.clock,
        { ...this.backoff, shouldRetry: isRetriable },
      );
    } catch (error) {
      throw new KindlingError(
        `lookup '${this.lookup.name}' failed in the batch of time ${time} (${what}, ` +
          `${attempts} attempt${attempts === 1 ? '' : 's'}): ${describe(error)}`,
        { cause: error, retriable: isRetriable(error) },
      );
    }
  }
}
