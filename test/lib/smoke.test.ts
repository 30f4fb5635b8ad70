import test from 'ava';
import { runOperation, sortedBatches } from '../helpers/operations.js';

test('word count over a queue stream', async (t) => {
  const out = await runOperation([['a b a'], ['b c'], []], (s) =>
    s
      .flatMap((l) => l.split(' '))
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b),
  );
  t.deepEqual(sortedBatches(out), [
    [
      ['a', 2],
      ['b', 1],
    ],
    [
      ['b', 1],
      ['c', 1],
    ],
    [],
  ]);
});
