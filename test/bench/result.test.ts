import test from 'ava';
import { formatNumber, formatTable, median, percentile } from '../../bench/result.js';

test('median of odd and even counts', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
  t.throws(() => median([]), { instanceOf: RangeError });
});

test('formatNumber separates thousands and rounds small values', (t) => {
  t.is(formatNumber(12_345_678.9), '12,345,679');
  t.is(formatNumber(102.2345), '102.2');
  t.is(formatNumber(0.91734), '0.9173');
});

test('formatTable lists every row, the ratios and the check', (t) => {
  const table = formatTable({
    name: 'demo',
    rows: [
      { system: 'kindling', metric: 'words/s', value: 9000 },
      { system: 'plain-js', metric: 'words/s', value: 10000 },
    ],
    ratios: { 'kindling / plain-js': 0.9 },
    correct: false,
  });
  const lines = table.split('\n');
  t.is(lines[0], '== demo');
  t.regex(lines[1] ?? '', /^system +metric +value$/);
  t.regex(table, /^kindling +words\/s +9,000$/m);
  t.regex(table, /^plain-js +words\/s +10,000$/m);
  t.regex(table, /^ratio kindling \/ plain-js: 0\.900$/m);
  t.regex(table, /^correct: NO/m);
});

test('percentile is nearest rank', (t) => {
  t.is(percentile([5, 1, 4, 2, 3], 99), 5);
  t.is(percentile([5, 1, 4, 2, 3], 50), 3);
  t.is(percentile([5, 1, 4, 2, 3], 20), 1);
  t.is(
    percentile(
      Array.from({ length: 100 }, (_, i) => i + 1),
      99,
    ),
    99,
  );
  t.throws(() => percentile([], 50), { instanceOf: RangeError });
  t.throws(() => percentile([1], 0), { message: /percentile 0 is outside/ });
});

test('formatTable lists skipped systems and notes', (t) => {
  const table = formatTable({
    name: 'demo',
    rows: [],
    ratios: {},
    correct: true,
    skipped: [{ system: 'spark', reason: 'mvn is not installed' }],
    notes: ['measured on a manual clock'],
  });
  t.regex(table, /^skipped spark: mvn is not installed$/m);
  t.regex(table, /^note: measured on a manual clock$/m);
});
