import test from 'ava';
import { digestPairs, expectedDigests, fnv1a } from '../../../bench/workload/digest.js';

test('fnv1a matches the published 32-bit FNV-1a vectors', (t) => {
  t.is(fnv1a(''), 0x811c9dc5);
  t.is(fnv1a('a'), 0xe40c292c);
  t.is(fnv1a('foobar'), 0xbf9cf968);
});

test('a digest does not depend on the order of the pairs, and sees every count', (t) => {
  const a = digestPairs([
    ['x', 2],
    ['y', 1],
  ]);
  const b = digestPairs([
    ['y', 1],
    ['x', 2],
  ]);
  t.is(a, b);
  t.regex(a, /^2:3:\d+$/);
  t.not(
    a,
    digestPairs([
      ['x', 1],
      ['y', 2],
    ]),
  );
});

const lines = ['a b', 'b c', 'c c', 'a a'];

test('expected digests of a word count: one per batch, batches cut with wrap-around', (t) => {
  t.deepEqual(expectedDigests(lines, { linesPerBatch: 3, batches: 2 }), [
    // batch 1: a b / b c / c c
    digestPairs([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]),
    // batch 2: a a / a b / b c (wrapped)
    digestPairs([
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ]),
  ]);
});

test('expected digests of a window: batches added and taken out, zero counts left out', (t) => {
  // batches of one line: 'a b', 'b c', 'c c', 'a a'; window of 2 batches
  t.deepEqual(expectedDigests(lines, { linesPerBatch: 1, batches: 4, windowBatches: 2 }), [
    digestPairs([
      ['a', 1],
      ['b', 1],
    ]),
    digestPairs([
      ['a', 1],
      ['b', 2],
      ['c', 1],
    ]),
    digestPairs([
      ['b', 1],
      ['c', 3],
    ]),
    digestPairs([
      ['c', 2],
      ['a', 2],
    ]),
  ]);
});
