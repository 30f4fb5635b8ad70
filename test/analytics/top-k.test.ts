import test from 'ava';
import { ConfigurationError } from '../../lib/index.js';
import { byCountThenKey, topK } from '../../analytics/top-k.js';

const desc = (a: number, b: number): number => b - a;

/** A small deterministic generator (mulberry32), so the tests do not depend on Math.random. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const cases: [name: string, items: number[], k: number, expected: number[]][] = [
  ['the k largest, largest first', [5, 1, 9, 3, 7], 2, [9, 7]],
  ['k = 0', [5, 1], 0, []],
  ['k larger than the input: all, sorted', [2, 3, 1], 10, [3, 2, 1]],
  ['k equal to the input', [2, 3, 1], 3, [3, 2, 1]],
  ['empty input', [], 3, []],
  ['duplicates are kept', [4, 4, 4, 1], 2, [4, 4]],
];

for (const [name, items, k, expected] of cases) {
  test(`topK: ${name}`, (t) => {
    t.deepEqual(topK(items, k, desc), expected);
  });
}

test('topK: ties keep their input order, whatever is evicted', (t) => {
  const items = [
    ['a', 1],
    ['b', 2],
    ['c', 2],
    ['d', 3],
    ['e', 2],
  ] as const;
  t.deepEqual(
    topK(items, 3, (x, y) => y[1] - x[1]).map((x) => x[0]),
    ['d', 'b', 'c'],
  );
});

test('topK: agrees with a full sort on random inputs of every size', (t) => {
  const next = random(7);
  for (let trial = 0; trial < 200; trial++) {
    const n = Math.floor(next() * 60);
    const k = Math.floor(next() * 12);
    const items = Array.from({ length: n }, () => Math.floor(next() * 20));
    t.deepEqual(topK(items, k, desc), [...items].sort(desc).slice(0, k), `n=${n} k=${k}`);
  }
});

test('topK: takes any iterable, read once', (t) => {
  function* gen(): Generator<number> {
    yield* [3, 1, 2];
  }
  t.deepEqual(topK(gen(), 2, desc), [3, 2]);
});

test('topK: O(n log k) comparisons', (t) => {
  const next = random(11);
  const n = 100_000;
  const items = Array.from({ length: n }, () => next());
  for (const k of [1, 10, 100]) {
    let comparisons = 0;
    const top = topK(items, k, (a, b) => {
      comparisons++;
      return b - a;
    });
    t.deepEqual(top, [...items].sort(desc).slice(0, k));
    // One comparison with the root per item, and at most 2 log2(k + 1) + 1 more for each sift,
    // plus the final sort of k items.
    const bound = n * (2 + 2 * Math.log2(k + 1)) + k * Math.log2(k + 1) * 2;
    t.true(comparisons <= bound, `k=${k}: ${comparisons} comparisons, bound ${bound}`);
    // And far fewer than sorting everything (n log2 n ≈ 1.66M for n = 100k) when k is small.
    if (k <= 10) t.true(comparisons < n * 3, `k=${k}: ${comparisons} comparisons`);
  }
});

test('topK: a bad k is refused', (t) => {
  t.throws(() => topK([1], -1, desc), {
    instanceOf: ConfigurationError,
    message: /k -1 must be a whole number/,
  });
  t.throws(() => topK([1], 1.5, desc), { instanceOf: ConfigurationError });
});

test('byCountThenKey: higher counts first, then keys ascending', (t) => {
  const pairs: [string, number][] = [
    ['b', 2],
    ['a', 2],
    ['c', 5],
    ['d', 1],
  ];
  t.deepEqual(topK(pairs, 3, byCountThenKey), [
    ['c', 5],
    ['a', 2],
    ['b', 2],
  ]);
  t.deepEqual([...pairs].sort(byCountThenKey), topK(pairs, 4, byCountThenKey));
});
