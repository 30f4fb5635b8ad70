import test from 'ava';
import { loadLines, topWords, words } from '../../../examples/wordcount/text.js';

test('words lower-cases, drops punctuation and keeps inner apostrophes', (t) => {
  t.deepEqual(words('"Oh dear! Oh dear! I shall be late!"'), [
    'oh',
    'dear',
    'oh',
    'dear',
    'i',
    'shall',
    'be',
    'late',
  ]);
  t.deepEqual(words("it didn't sound--at all 'right'"), ['it', "didn't", 'sound', 'at', 'all', 'right']);
  t.deepEqual(words(' -- 42 '), []);
});

test('topWords orders by count, then alphabetically, and keeps n', (t) => {
  t.deepEqual(
    topWords(
      [
        ['c', 3],
        ['a', 1],
        ['b', 3],
      ],
      2,
    ),
    [
      ['b', 3],
      ['c', 3],
    ],
  );
  t.deepEqual(topWords([], 10), []);
});

test('the bundled text has non-blank lines and over a thousand words', (t) => {
  const lines = loadLines();
  t.true(lines.every((line) => line.trim().length > 0));
  t.true(lines.flatMap(words).length > 1000);
});
