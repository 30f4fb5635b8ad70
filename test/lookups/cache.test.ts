/**
 * cachedLookup: hits never reach the store, misses go in one getAll, absent keys are cached for
 * their own TTL, entries expire on the clock and are evicted past maxEntries, and a refresh that
 * reloads the store empties the cache. The store is a small counting fake; the TTLs run on a
 * ManualClock.
 */
import test from 'ava';
import { ConfigurationError, ManualClock, type DStream, type Lookup } from '../../lib/index.js';
import { cachedLookup } from '../../lookups/index.js';
import { runWithDeadLetters } from '../lib/dstream/dead-letters/dead-letters-harness.js';

class CountingStore implements Lookup<string, number> {
  readonly name = 'scores';
  readonly calls: string[][] = [];
  constructor(readonly table: Map<string, number>) {}

  async getAll(keys: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.calls.push([...keys]);
    const found = new Map<string, number>();
    for (const key of keys) if (this.table.has(key)) found.set(key, this.table.get(key) as number);
    return found;
  }
}

const store = (): CountingStore =>
  new CountingStore(
    new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]),
  );

test('hits never reach the store; the misses of a call go to it in one getAll; absent keys are cached', async (t) => {
  const inner = store();
  const cached = cachedLookup(inner, { ttlMs: 1000, maxEntries: 100, clock: new ManualClock() });
  t.deepEqual(
    [...(await cached.getAll(['a', 'b', 'x']))],
    [
      ['a', 1],
      ['b', 2],
    ],
  );
  t.deepEqual([...(await cached.getAll(['a', 'c', 'x', 'b']))].sort(), [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ]);
  t.deepEqual(inner.calls, [['a', 'b', 'x'], ['c']]);
  t.deepEqual(cached.stats, { hits: 3, misses: 4, fetches: 2 });
  await cached.getAll(['a', 'x']);
  t.is(inner.calls.length, 2);
});

test('found values expire after ttlMs and absent keys after missingTtlMs, on the given clock', async (t) => {
  const inner = store();
  const clock = new ManualClock();
  const cached = cachedLookup(inner, { ttlMs: 1000, missingTtlMs: 100, maxEntries: 100, clock });
  await cached.getAll(['a', 'x']);
  await clock.advance(150);
  await cached.getAll(['a', 'x']);
  t.deepEqual(inner.calls, [['a', 'x'], ['x']]);
  await clock.advance(1000);
  inner.table.set('a', 10);
  t.deepEqual([...(await cached.getAll(['a', 'x']))], [['a', 10]]);
  t.deepEqual(inner.calls.at(-1), ['a', 'x']);
});

test('missingTtlMs: 0 turns negative caching off', async (t) => {
  const inner = store();
  const cached = cachedLookup(inner, {
    ttlMs: 1000,
    missingTtlMs: 0,
    maxEntries: 100,
    clock: new ManualClock(),
  });
  await cached.getAll(['a', 'x']);
  await cached.getAll(['a', 'x']);
  t.deepEqual(inner.calls, [['a', 'x'], ['x']]);
});

test('past maxEntries the least recently used key is evicted', async (t) => {
  const inner = store();
  const cached = cachedLookup(inner, { ttlMs: 1000, maxEntries: 2, clock: new ManualClock() });
  await cached.getAll(['a']);
  await cached.getAll(['b']);
  await cached.getAll(['a']); // a is now the most recently used
  await cached.getAll(['c']); // evicts b
  await cached.getAll(['a', 'b']);
  t.deepEqual(inner.calls, [['a'], ['b'], ['c'], ['b']]);
});

test('refresh empties the cache when the store reloaded (its version changed), and only then', async (t) => {
  const inner = Object.assign(store(), {
    version: 1,
    refreshes: [] as number[],
    async refresh(time: number): Promise<void> {
      this.refreshes.push(time);
      if (time === 3000) this.version++;
    },
  });
  const cached = cachedLookup(inner, { ttlMs: 60_000, maxEntries: 100, clock: new ManualClock() });
  await cached.getAll(['a']);
  await cached.refresh?.(2000);
  await cached.getAll(['a']);
  t.is(inner.calls.length, 1);
  await cached.refresh?.(3000);
  await cached.getAll(['a']);
  t.is(inner.calls.length, 2);
  t.deepEqual(inner.refreshes, [2000, 3000]);
});

test('a store with refresh but no version is emptied at every refresh; invalidate() empties it too', async (t) => {
  const inner = Object.assign(store(), { async refresh(): Promise<void> {} });
  const cached = cachedLookup(inner, { ttlMs: 60_000, maxEntries: 100, clock: new ManualClock() });
  await cached.getAll(['a']);
  await cached.refresh?.(1000);
  await cached.getAll(['a']);
  cached.invalidate();
  await cached.getAll(['a']);
  t.is(inner.calls.length, 3);
});

test('in front of joinLookup, later batches ask the store only for keys not seen yet', async (t) => {
  const inner = store();
  const clock = new ManualClock();
  const cached = cachedLookup(inner, { ttlMs: 60_000, maxEntries: 100, clock });
  const run = await runWithDeadLetters(
    [
      ['a', 'b', 'a'],
      ['b', 'c', 'x'],
      ['x', 'a'],
    ],
    (s: DStream<string>) => s.joinLookup(cached, (r) => r, { missing: 'drop' }).map(([r, v]) => `${r}${v}`),
  );
  t.deepEqual(run.out, [['a1', 'b2', 'a1'], ['b2', 'c3'], ['a1']]);
  t.deepEqual(inner.calls, [
    ['a', 'b'],
    ['c', 'x'],
  ]);
});

test('bad options are refused with what is wrong', (t) => {
  t.throws(() => cachedLookup(store(), { ttlMs: 0, maxEntries: 1 }), {
    instanceOf: ConfigurationError,
    message: /cachedLookup\('scores'\): ttlMs must be > 0, got 0/,
  });
  t.throws(() => cachedLookup(store(), { ttlMs: 1, maxEntries: 0 }), {
    message: /maxEntries must be a whole number/,
  });
  t.throws(() => cachedLookup(store(), { ttlMs: 1, maxEntries: 1, missingTtlMs: -1 }), {
    message: /missingTtlMs must be >= 0/,
  });
});
