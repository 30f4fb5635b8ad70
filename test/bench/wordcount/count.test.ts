import test from 'ava';
import { buildBatches, runWordcount } from '../../../bench/wordcount/benchmark.js';
import { compareTotals, emptyBatches, kindlingCount, plainCount } from '../../../bench/wordcount/count.js';

const batches = [['a b a', 'c'], [], ['b b', 'a']];

test('Kindling and the plain loop count the same words', async (t) => {
  const expected = new Map([
    ['a', 3],
    ['b', 3],
    ['c', 1],
  ]);
  t.deepEqual(plainCount(batches), expected);
  t.deepEqual(await kindlingCount(batches), expected);
});

test('compareTotals names what differs and accepts equal totals', (t) => {
  const expected = new Map([
    ['a', 3],
    ['b', 3],
  ]);
  t.is(compareTotals(new Map(expected), expected, 6), undefined);
  const problem = compareTotals(
    new Map([
      ['a', 3],
      ['b', 2],
    ]),
    expected,
    6,
  );
  t.regex(problem ?? '', /counted 5 words, expected 6/);
  t.regex(problem ?? '', /'b': 2, expected 3/);
  t.regex(compareTotals(new Map([['a', 3]]), expected, 3) ?? '', /1 distinct words, expected 2/);
});

test('emptyBatches runs the output once per batch', async (t) => {
  t.is(await emptyBatches(25), 25);
});

test('buildBatches repeats the text to at least the asked number of words', (t) => {
  const { batches: built, words } = buildBatches({ words: 20_000, batches: 4 });
  t.true(words >= 20_000);
  t.is(built.length, 4);
  t.is(
    built.flat().reduce((sum, line) => sum + line.split(' ').length, 0),
    words,
  );
});

test('a small wordcount benchmark run is correct and reports both systems', async (t) => {
  const result = await runWordcount(
    { quick: true },
    { words: 20_000, batches: 5, runs: 1, emptyBatches: 10 },
  );
  t.true(result.correct);
  t.is(result.name, 'wordcount');
  t.deepEqual(
    result.rows.map((r) => `${r.system} ${r.metric}`),
    [
      'kindling words/s',
      'plain-js words/s',
      'kindling empty batch (µs)',
      'input words',
      'input distinct words',
      'input batches',
    ],
  );
  t.true(result.rows.every((r) => Number.isFinite(r.value) && r.value > 0));
  t.true(Number.isFinite(result.ratios['kindling / plain-js (words/s)']));
});
