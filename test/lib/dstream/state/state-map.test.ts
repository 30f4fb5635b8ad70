/** StateMap: versions of one store, older versions reading through undo maps; expiry by update time. */
import test from 'ava';
import { IllegalStateError } from '../../../../lib/index.js';
import { decodeCheckpoint } from '../../../../lib/checkpoint/codec.js';
import type { DeferredEncoding } from '../../../../lib/dstream/node.js';
import { StateMap } from '../../../../lib/dstream/state/state-map.js';

const sorted = <S>(map: StateMap<string, S>): [string, S, number][] =>
  [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

test('put, get, has, updateTime and remove on one layer', (t) => {
  const map = StateMap.empty<string, number>();
  map.put('a', 1, 1000);
  map.put('b', 2, 1000);
  map.put('a', 3, 2000);
  t.is(map.get('a'), 3);
  t.is(map.updateTime('a'), 2000);
  t.true(map.has('b'));
  map.remove('b');
  map.remove('never');
  t.false(map.has('b'));
  t.is(map.get('b'), undefined);
  t.is(map.updateTime('b'), undefined);
  t.deepEqual(sorted(map), [['a', 3, 2000]]);
});

test('a copy changes nothing in the map it was made from, which becomes read-only', (t) => {
  const base = StateMap.from<string, number>(
    [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ],
    1000,
  );
  const next = base.copy();
  next.put('a', 10, 2000);
  next.remove('b');
  next.put('d', 4, 2000);
  t.deepEqual(sorted(base), [
    ['a', 1, 1000],
    ['b', 2, 1000],
    ['c', 3, 1000],
  ]);
  t.deepEqual(sorted(next), [
    ['a', 10, 2000],
    ['c', 3, 1000],
    ['d', 4, 2000],
  ]);
  t.throws(() => base.put('a', 0, 3000), { instanceOf: IllegalStateError, message: /read-only/ });
  t.throws(() => base.remove('a'), { instanceOf: IllegalStateError });
});

test('a key removed in one layer and put back in a later one is seen once, with its new state', (t) => {
  const m1 = StateMap.from<string, number>([['a', 1]], 1000);
  const m2 = m1.copy();
  m2.remove('a');
  const m3 = m2.copy();
  t.false(m3.has('a'));
  t.deepEqual(sorted(m3), []);
  m3.put('a', 5, 3000);
  t.deepEqual(sorted(m3), [['a', 5, 3000]]);
  t.deepEqual(sorted(m2), []);
  t.deepEqual(sorted(m1), [['a', 1, 1000]]);
});

test('expire removes the keys updated before the threshold, oldest first, and costs only those', (t) => {
  const m1 = StateMap.from<string, number>(
    [
      ['a', 1],
      ['b', 1],
    ],
    1000,
    { expiring: true },
  );
  const m2 = m1.copy();
  m2.put('a', 2, 2000);
  m2.put('c', 1, 2000);
  const m3 = m2.copy();
  const expired: [string, number, number][] = [];
  m3.expire(2000, (key, state, time) => expired.push([key, state, time]));
  t.deepEqual(expired, [['b', 1, 1000]]);
  m3.expire(2000, (key) => t.fail(`${key} expired twice`));
  t.deepEqual(sorted(m3), [
    ['a', 2, 2000],
    ['c', 1, 2000],
  ]);
  t.deepEqual(
    sorted(m2).map((e) => e[0]),
    ['a', 'b', 'c'],
  ); // the version before keeps b
  const m4 = m3.copy();
  m4.put('c', 5, 4000);
  m4.remove('a');
  m4.expire(5000, (key, state, time) => expired.push([key, state, time]));
  t.deepEqual(expired.slice(1), [['c', 5, 4000]]);
  t.is([...m4.entries()].length, 0);
  t.is([...m3.entries()].length, 2);
});

test('expire needs an expiring map and a writable version', (t) => {
  const plain = StateMap.empty<string, number>();
  t.throws(() => plain.expire(0, () => undefined), { message: /expiring: true/ });
  const expiring = StateMap.empty<string, number>({ expiring: true });
  expiring.copy();
  t.throws(() => expiring.expire(0, () => undefined), { instanceOf: IllegalStateError });
});

test('restored entries with older times than later puts expire in time order', (t) => {
  const map = StateMap.fromEntries<string, number>(
    [
      ['late', 1, 9000],
      ['early', 1, 1000],
      ['middle', 1, 5000],
    ],
    { expiring: true },
  );
  const order: string[] = [];
  map.expire(10_000, (key) => order.push(key));
  t.deepEqual(order, ['early', 'middle', 'late']);
});

test('a copy of an older version is a fresh store holding what that version held', (t) => {
  const m1 = StateMap.from<string, number>([['a', 1]], 1000, { expiring: true });
  const m2 = m1.copy();
  m2.put('a', 2, 2000);
  m2.put('b', 2, 2000);
  // The batch after m1 is computed again (its first try failed half way): it starts from m1.
  const retry = m1.copy();
  retry.put('c', 3, 2000);
  m2.put('e', 5, 2000); // the version the failed try made is still the newest of its own store
  t.deepEqual(sorted(retry), [
    ['a', 1, 1000],
    ['c', 3, 2000],
  ]);
  t.deepEqual(sorted(m2), [
    ['a', 2, 2000],
    ['b', 2, 2000],
    ['e', 5, 2000],
  ]);
  const expired: string[] = [];
  retry.expire(1500, (key) => expired.push(key));
  t.deepEqual(expired, ['a']);
});

test('a long random history with expiry matches a plain Map at every generation', (t) => {
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const reference = new Map<string, [number, number]>();
  let map = StateMap.empty<string, number>({ expiring: true });
  const generations: { map: StateMap<string, number>; expected: string }[] = [];
  const snapshot = (m: Iterable<[string, number, number]>): string =>
    JSON.stringify([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  for (let time = 1; time <= 60; time++) {
    map = map.copy();
    for (let op = 0; op < 15; op++) {
      const key = `k${random(40)}`;
      if (random(3) === 0) {
        map.remove(key);
        reference.delete(key);
      } else {
        const value = random(1000);
        map.put(key, value, time);
        reference.set(key, [value, time]);
      }
    }
    const expired: string[] = [];
    map.expire(time - 8, (key) => expired.push(key));
    const idle = [...reference].filter(([, [, when]]) => when < time - 8).map(([key]) => key);
    for (const key of idle) reference.delete(key);
    t.deepEqual(expired.sort(), idle.sort());
    for (const [key, [value, when]] of reference) {
      if (map.get(key) !== value || map.updateTime(key) !== when) t.fail(`${key} differs at ${time}`);
    }
    const expected = snapshot([...reference].map(([k, [v, w]]) => [k, v, w] as [string, number, number]));
    t.is(snapshot(map.entries()), expected);
    generations.push({ map, expected });
  }
  // Older generations are untouched by everything built on them.
  for (const { map: old, expected } of generations) {
    t.is(snapshot(old.entries()), expected);
  }
});

test('toColumns and fromColumns carry every entry, of the newest version and of an older one', (t) => {
  const m1 = StateMap.from<string, number>(
    [
      ['a', 1],
      ['b', 2],
    ],
    1000,
  );
  const m2 = m1.copy();
  m2.put('a', 10, 2000);
  m2.remove('b');
  m2.put('c', 3, 2000);
  t.deepEqual(sorted(StateMap.fromColumns(m2.toColumns())), sorted(m2));
  t.deepEqual(sorted(StateMap.fromColumns(m1.toColumns())), [
    ['a', 1, 1000],
    ['b', 2, 1000],
  ]);
  const restored = StateMap.fromColumns<string, number>(m2.toColumns(), { expiring: true });
  const expired: string[] = [];
  restored.expire(2001, (key) => expired.push(key));
  t.deepEqual(expired.sort(), ['a', 'c']);
});

test('fromColumns takes rows as older checkpoints held them, and names what it cannot read', (t) => {
  t.deepEqual(sorted(StateMap.fromColumns<string, number>([['a', 1, 1000]])), [['a', 1, 1000]]);
  t.throws(() => StateMap.fromColumns({ columns: [['a']] }), {
    message: /neither rows nor columns.*empty checkpoint directory/,
  });
});

/** A checkpoint scope, as takeCheckpoint makes one. */
const scope = (time: number, base?: number) => ({ time, base, onBase: false });

/** The keys of a save's encoded parts. */
const keysOf = (rows: Uint8Array[]): string[] =>
  rows.flatMap((part) => (decodeCheckpoint(part) as string[][])[0] ?? []);

test('a checkpoint on its base saves only the keys changed and removed since, and resolves to the whole state', (t) => {
  let map = StateMap.from<string, number>(
    Array.from({ length: 100 }, (_, i): [string, number] => [`k${i}`, i]),
    1000,
  );
  const first = scope(1000, 0);
  const whole = map.encodeFor(first);
  t.false(first.onBase, 'the first checkpoint of a store is whole: nothing was counted before it');
  t.is(StateMap.savedBase(whole), undefined);
  map = map.copy();
  map.put('k1', 10, 2000);
  map.put('k1', 11, 2000);
  map.remove('k2');
  map.remove('k3');
  map.put('k3', 30, 2000); // removed, then put back
  map.put('new', 7, 2000);
  map.remove('new'); // added and removed between the checkpoints
  map.put('k4', 40, 2000);
  map.remove('k5');
  map.put('k5x', 50, 2000); // takes k5's free slot
  const second = scope(2000, 1000);
  const changes = map.encodeFor(second) as {
    changes: { base: number; removed: string[]; rows: Uint8Array[] };
  };
  t.true(second.onBase);
  t.is(StateMap.savedBase(changes), 1000);
  t.deepEqual(keysOf(changes.changes.rows).sort(), ['k1', 'k3', 'k4', 'k5x']);
  t.deepEqual(changes.changes.removed.sort(), ['k2', 'k3', 'k5', 'new']);
  const resolved = StateMap.resolveSaved(changes, whole);
  t.deepEqual(sorted(StateMap.fromColumns<string, number>(resolved)), sorted(map));
  t.is(StateMap.resolveSaved(whole, undefined), whole, 'a whole save is returned as it is');
});

test('a checkpoint is whole when its base is not the store’s last checkpoint, for an older version, and once the changes pile up', (t) => {
  let map = StateMap.from<string, number>([['a', 1]], 1000);
  map.encodeFor(scope(1000));
  map = map.copy();
  map.put('a', 2, 2000);
  const wrongBase = scope(2000, 500);
  map.encodeFor(wrongBase);
  t.false(wrongBase.onBase, 'its base is not the checkpoint that last saved the store');
  const older = map;
  map = map.copy();
  map.put('a', 3, 3000);
  const ofOlder = scope(2000, 2000);
  t.false(StateMap.savedBase(older.encodeFor(ofOlder)) !== undefined || ofOlder.onBase);
  // Every key changes every time: after two checkpoints of changes, more rows than twice the keys.
  let base = 2000;
  const kinds: boolean[] = [];
  for (let time = 3000; time <= 7000; time += 1000) {
    map.put('a', time, time);
    const s = scope(time, base);
    map.encodeFor(s);
    kinds.push(s.onBase);
    base = time;
    map = map.copy();
  }
  t.deepEqual(
    kinds,
    [true, true, false, true, true],
    'whole once the changes since the last whole pass 2 x keys',
  );
  t.throws(
    () => StateMap.fromColumns({ changes: { base: 1, removed: [], columns: [[], [], new Float64Array(0)] } }),
    {
      message: /read without that checkpoint/,
    },
  );
});

test('a long chain of small checkpoints on their bases ends with a whole one', (t) => {
  let map = StateMap.from<string, number>(
    Array.from({ length: 50 }, (_, i): [string, number] => [`k${i}`, i]),
    0,
  );
  let saved: unknown = map.encodeFor(scope(0));
  let base = 0;
  const kinds: boolean[] = [];
  for (let time = 1000; time <= 12_000; time += 1000) {
    map = map.copy();
    map.put(`k${time / 1000}`, time, time);
    const s = scope(time, base);
    const next = map.encodeFor(s);
    kinds.push(s.onBase);
    saved = s.onBase ? StateMap.resolveSaved(next, saved) : next;
    base = time;
  }
  t.deepEqual(kinds.slice(0, 11), [...Array(10).fill(true), false], 'at most 10 in a row');
  t.deepEqual(sorted(StateMap.fromColumns<string, number>(saved)), sorted(map));
});

/** Changes a map as later batches would: updates, removals, keys put back, new keys (the store grows), timeouts. */
function churn(map: StateMap<string, number>, time: number, seed: number): void {
  let x = seed;
  const next = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  for (let i = 0; i < 3000; i++) {
    const key = `k${next(60_000)}`;
    const what = next(10);
    if (what < 5) map.put(key, time + i, time);
    else if (what < 8) map.remove(key);
    else map.put(`new${time}-${i}`, i, time);
  }
  map.expire(time - 2500, () => undefined);
}

test('a save gathered in slices holds the state of its checkpoint, whatever later batches change between the slices', (t) => {
  let map = StateMap.from<string, number>(
    Array.from({ length: 50_000 }, (_, i): [string, number] => [`k${i}`, i]),
    0,
    { expiring: true },
  );
  let saved: unknown;
  let base: number | undefined;
  const kinds: boolean[] = [];
  for (let time = 1000; time <= 4000; time += 1000) {
    map = map.copy();
    churn(map, time, time);
    const expected = sorted(map);
    const deferred: DeferredEncoding[] = [];
    const s = { time, base, onBase: false, deferred };
    const save = map.encodeFor(s);
    kinds.push(s.onBase);
    t.is(deferred.length, 1, 'the save is left to be gathered');
    let slices = 0;
    for (const work of deferred) {
      while (!work.step()) {
        slices++;
        map = map.copy(); // the next batches, between slices
        churn(map, time + slices * 100, time + slices);
      }
    }
    t.true(slices >= 1, 'gathered in more than one slice');
    saved = s.onBase ? StateMap.resolveSaved(save, saved, { expiring: true }) : save;
    t.deepEqual(sorted(StateMap.fromColumns<string, number>(saved)), expected, `the state of time ${time}`);
    base = time;
  }
  // Whole, then the changes since (later whole again, once the changes pile up past twice the keys).
  t.deepEqual(kinds.slice(0, 2), [false, true], 'both kinds of save were gathered in slices');
});

test('a newer checkpoint of a store finishes the save of the one before at once', (t) => {
  let map = StateMap.from<string, number>(
    Array.from({ length: 40_000 }, (_, i): [string, number] => [`k${i}`, i]),
    0,
  );
  const first: DeferredEncoding[] = [];
  const expected = sorted(map);
  const save = map.encodeFor({ time: 1000, base: undefined, onBase: false, deferred: first });
  t.false((first[0] as DeferredEncoding).step(), 'one slice of two');
  map = map.copy();
  map.put('k39999', -1, 2000);
  map.remove('k39998');
  map.encodeFor({ time: 2000, base: 1000, onBase: false, deferred: [] });
  t.true((first[0] as DeferredEncoding).step(), 'finished by the newer checkpoint');
  t.deepEqual(sorted(StateMap.fromColumns<string, number>(save)), expected);
});
