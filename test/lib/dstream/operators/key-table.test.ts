/**
 * The by-key operators' hash table: keys compare as in a `Map` (SameValueZero), entries keep
 * first-arrival order, and keys that collide on purpose move the strings to the Map without
 * losing an entry.
 */
import test from 'ava';
import {
  KeyTable,
  combineInto,
  countInto,
  reducer,
  stringHash,
} from '../../../../lib/dstream/operators/key-table.js';
import type { Key } from '../../../../lib/dstream/operators/pairs.js';

/** Counts `keys` with the table and with a Map; both pair lists, for comparison. */
function countBoth(keys: readonly Key[], seed?: number): { table: [Key, number][]; map: [Key, number][] } {
  const table = new KeyTable<Key, number>(seed);
  const count = countInto(table);
  const map = new Map<Key, number>();
  for (const key of keys) {
    count(key);
    map.set(key, (map.get(key) ?? 0) + 1);
  }
  return { table: table.pairs(), map: [...map] };
}

test('keys compare as in a Map: strings by content, numbers by SameValueZero, types apart', (t) => {
  const long = 'k'.repeat(100);
  const keys: Key[] = [
    'a',
    ['a'].join(''),
    '1',
    1,
    1n,
    true,
    'true',
    NaN,
    Number.NaN,
    0,
    -0,
    '',
    long,
    'k'.repeat(50) + 'k'.repeat(50),
    'é',
    '\u{1F600}',
    false,
  ];
  const { table, map } = countBoth(keys);
  t.deepEqual(table, map);
  t.deepEqual(
    table.map(([, n]) => n),
    [2, 1, 1, 1, 1, 1, 2, 2, 1, 2, 1, 1, 1],
  );
});

test('entries keep the order keys first arrived, through many growths', (t) => {
  const keys: string[] = [];
  for (let i = 0; i < 50_000; i++) keys.push(`w${(i * 7919) % 20_000}`);
  const { table, map } = countBoth(keys);
  t.is(table.length, 20_000);
  t.deepEqual(table, map);
});

test('indexOf finds what push added, and -1 for what it did not', (t) => {
  const table = new KeyTable<Key, string>();
  t.is(table.indexOf('x'), -1);
  t.is(table.push('x', 'first'), 0);
  t.is(table.push(2, 'second'), 1);
  t.is(table.indexOf('x'), 0);
  t.is(table.indexOf(2), 1);
  t.is(table.indexOf('2'), -1);
  t.is(table.values[table.indexOf('x')], 'first');
  t.is(table.size, 2);
});

test('string keys that all hash to one slot move to the Map, and no entry is lost', (t) => {
  const seed = 12345;
  const colliding: string[] = [];
  const target = stringHash('w0', seed) & 255;
  for (let i = 0; colliding.length < 100; i++) {
    if ((stringHash(`w${i}`, seed) & 255) === target) colliding.push(`w${i}`);
  }
  const keys = [...colliding, ...colliding.slice(0, 10), 'other', 7];
  const table = new KeyTable<Key, number>(seed);
  const count = countInto(table);
  for (const key of keys) count(key);
  t.false(table.probing, 'the long probe made the table give up its slots');
  const map = new Map<Key, number>();
  for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
  t.deepEqual(table.pairs(), [...map]);
  t.is(table.indexOf(colliding[99] as string), 99);
});

test('combineInto creates a combiner for a key first seen and merges the rest', (t) => {
  const table = new KeyTable<string, number[]>();
  const add = combineInto(table, {
    createCombiner: (v: number) => [v],
    mergeValue: (c: number[], v: number) => [...c, v],
  });
  for (const pair of [
    ['a', 1],
    ['b', 2],
    ['a', 3],
  ] as [string, number][])
    add(pair);
  t.deepEqual(table.pairs(), [
    ['a', [1, 3]],
    ['b', [2]],
  ]);
  const sums = new KeyTable<string, number>();
  const sum = combineInto(
    sums,
    reducer((a: number, b: number) => a + b),
  );
  sum(['z', 0]);
  sum(['z', 0]);
  t.deepEqual(sums.pairs(), [['z', 0]], 'a value of 0 is a value, not a missing key');
});
