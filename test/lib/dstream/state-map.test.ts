/** StateMap: delta layers over the previous batch's state, with compaction. */
import test from 'ava';
import { IllegalStateError } from '../../../lib/index.js';
import { StateMap } from '../../../lib/dstream/state-map.js';

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
  t.is(next.depth, 1);
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

test('updatedBefore lists states last updated strictly before the threshold', (t) => {
  const m1 = StateMap.from<string, number>(
    [
      ['a', 1],
      ['b', 1],
    ],
    1000,
  );
  const m2 = m1.copy();
  m2.put('a', 2, 2000);
  m2.put('c', 1, 2000);
  t.deepEqual([...m2.updatedBefore(2000)], [['b', 1, 1000]]);
  t.deepEqual([...m2.updatedBefore(2001)].map((e) => e[0]).sort(), ['a', 'b', 'c']);
  t.deepEqual([...m2.updatedBefore(1000)], []);
});

test('copies flatten the chain after compactAfter layers and keep every state', (t) => {
  let map = StateMap.empty<string, number>(3);
  map.put('a', 0, 0);
  const depths: number[] = [];
  for (let i = 1; i <= 7; i++) {
    map = map.copy();
    map.put(`k${i}`, i, i * 1000);
    if (i % 2 === 0) map.remove('a');
    else map.put('a', i, i * 1000);
    depths.push(map.depth);
  }
  t.deepEqual(depths, [1, 2, 0, 1, 2, 0, 1]);
  t.deepEqual(sorted(map), [
    ['a', 7, 7000],
    ['k1', 1, 1000],
    ['k2', 2, 2000],
    ['k3', 3, 3000],
    ['k4', 4, 4000],
    ['k5', 5, 5000],
    ['k6', 6, 6000],
    ['k7', 7, 7000],
  ]);
});

test('a long random history matches a plain Map at every generation', (t) => {
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const reference = new Map<string, [number, number]>();
  let map = StateMap.empty<string, number>(5);
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
    for (const [key, [value, when]] of reference) {
      if (map.get(key) !== value || map.updateTime(key) !== when) t.fail(`${key} differs at ${time}`);
    }
    const expected = snapshot([...reference].map(([k, [v, w]]) => [k, v, w] as [string, number, number]));
    t.is(snapshot(map.entries()), expected);
    generations.push({ map, expected });
  }
  // Older generations are untouched by everything built on them.
  for (const { map: old, expected } of generations) t.is(snapshot(old.entries()), expected);
  t.true(map.depth < 5);
});
