import test from 'ava';
import { formatNumber, formatTable, median } from '../../bench/result.js';

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
