/**
 * cachedLookup: a TTL cache (lru-cache) in front of any lookup, for stores that are asked over
 * the network (MongoDB, HBase, S3): keys seen recently are answered from memory.
 */
import { LRUCache } from 'lru-cache';
import { ConfigurationError, type Clock, type Lookup } from '../lib/index.js';

/** Options of {@link cachedLookup}. */
export interface CachedLookupOptions {
  /** How long a found value is kept, ms. */
  readonly ttlMs: number;
  /** How many keys (found and absent) are kept at most; the least recently used go first. */
  readonly maxEntries: number;
  /** How long a key the store does not hold is remembered as absent, ms. Default `ttlMs`; 0 turns it off. */
  readonly missingTtlMs?: number;
  /** The clock of the TTLs; pass the context's (`ssc.clock`) in tests. Default: wall-clock time. */
  readonly clock?: Pick<Clock, 'now'>;
}

/** How often a {@link CachedLookup} answered from memory, and how often it asked the store. */
export interface CacheStats {
  /** Keys answered from the cache (found or known absent). */
  hits: number;
  /** Keys the store was asked for. */
  misses: number;
  /** `getAll` calls made to the store. */
  fetches: number;
}

/** A lookup with a cache in front; see {@link cachedLookup}. */
export interface CachedLookup<K, V> extends Lookup<K, V> {
  /** Hits, misses and store fetches since it was made, counted by key; reset it freely. */
  readonly stats: CacheStats;
  /** Forgets every cached key. */
  invalidate(): void;
}

type Entry<V> = { readonly found: true; readonly value: V } | { readonly found: false };

/**
 * Puts a TTL cache in front of `lookup`: keys found in the cache never reach the store, and the
 * misses of one `getAll` go to the store in one `getAll`. Keys the store does not hold are cached
 * too (negative caching, for `missingTtlMs`), so a stream of unknown ids does not hammer it.
 *
 * Refresh: `refresh(time)` refreshes `lookup`, then empties the cache when the lookup reloaded
 * (its `version` changed, as the file lookups' does) or, for a lookup with a `refresh` but no
 * `version`, at every refresh. A lookup without `refresh` keeps its cache until the TTLs end.
 *
 * @param lookup the store to cache.
 * @param options `ttlMs`, `maxEntries`, `missingTtlMs`, `clock`.
 *
 * @example
 * const users = cachedLookup(mongoLookup(...), { ttlMs: minutes(5), maxEntries: 100_000 });
 * tweets.joinLookup(users, (t) => t.userId);
 *
 * Gotchas: a value may be up to `ttlMs` old; the cache holds values by reference, so treat them
 * as read-only. Keys must be usable as `Map` keys (primitives).
 */
export function cachedLookup<K extends NonNullable<unknown>, V>(
  lookup: Lookup<K, V>,
  options: CachedLookupOptions,
): CachedLookup<K, V> {
  const { ttlMs, maxEntries } = options;
  const missingTtlMs = options.missingTtlMs ?? ttlMs;
  if (!(ttlMs > 0))
    throw new ConfigurationError(`cachedLookup('${lookup.name}'): ttlMs must be > 0, got ${ttlMs}`);
  if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) {
    throw new ConfigurationError(
      `cachedLookup('${lookup.name}'): maxEntries must be a whole number >= 1, got ${maxEntries}`,
    );
  }
  if (!(missingTtlMs >= 0)) {
    throw new ConfigurationError(
      `cachedLookup('${lookup.name}'): missingTtlMs must be >= 0, got ${missingTtlMs}`,
    );
  }
  const clock = options.clock ?? { now: () => Date.now() };
  const cache = new LRUCache<K, Entry<V>>({
    max: maxEntries,
    ttl: ttlMs,
    ttlResolution: 0,
    // lru-cache takes a start time of 0 for "no TTL": shift the clock by one ms so time 0 counts.
    perf: { now: () => clock.now() + 1 },
  });
  const stats: CacheStats = { hits: 0, misses: 0, fetches: 0 };
  const versionOf = (): unknown => (lookup as { version?: unknown }).version;

  const cached: CachedLookup<K, V> = {
    name: lookup.name,
    stats,
    invalidate: () => cache.clear(),

    async getAll(keys: readonly K[]): Promise<ReadonlyMap<K, V>> {
      const result = new Map<K, V>();
      const misses: K[] = [];
      for (const key of keys) {
        const entry = cache.get(key);
        if (entry === undefined) misses.push(key);
        else if (entry.found) result.set(key, entry.value);
      }
      stats.hits += keys.length - misses.length;
      if (misses.length === 0) return result;
      stats.misses += misses.length;
      stats.fetches++;
      const found = await lookup.getAll(misses);
      for (const key of misses) {
        if (found.has(key)) {
          const value = found.get(key) as V;
          result.set(key, value);
          cache.set(key, { found: true, value });
        } else if (missingTtlMs > 0) {
          cache.set(key, { found: false }, { ttl: missingTtlMs });
        }
      }
      return result;
    },

    async refresh(time: number): Promise<void> {
      if (!lookup.refresh) return;
      const before = versionOf();
      await lookup.refresh(time);
      const after = versionOf();
      if (after === undefined || after !== before) cache.clear();
    },

    async close(): Promise<void> {
      cache.clear();
      await lookup.close?.();
    },
  };
  if (lookup.load) {
    const load = lookup.load.bind(lookup);
    return { ...cached, load };
  }
  return cached;
}
