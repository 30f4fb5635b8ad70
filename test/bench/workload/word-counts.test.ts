import test from 'ava';
import { WordCounts } from '../../../bench/workload/word-counts.js';
import { words } from '../../../bench/workload/words.js';

/** The counts of `lines` by `words.ts` and a Map, in first-arrival order. */
function reference(lines: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of words(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts];
}

function entries(counts: WordCounts): [string, number][] {
  return counts.words.map((word, i) => [word, counts.counts[i] as number]);
}

test('addLines counts the words words.ts gives, empty words included', (t) => {
  const lines = ['to be or not to be', '', ' ', 'two  spaces', ' leading', 'trailing ', 'été déjà vu', 'be'];
  const counts = new WordCounts();
  counts.addLines(lines, 0, lines.length);
  t.deepEqual(entries(counts), reference(lines));
});

test('the table grows past its first slots and keeps every count', (t) => {
  const lines = Array.from({ length: 3000 }, (_, i) => `w${i} w${i % 7} w${i}`);
  const counts = new WordCounts();
  counts.addLines(lines, 0, lines.length);
  t.deepEqual(entries(counts), reference(lines));
});

test('addLinesFrom wraps around the end of the lines', (t) => {
  const lines = ['a b', 'b c', 'c c'];
  const counts = new WordCounts();
  counts.addLinesFrom(lines, 4, 5); // lines 2, 3, 1, 2, 3
  t.deepEqual(entries(counts), reference(['b c', 'c c', 'a b', 'b c', 'c c']));
});

test('clear forgets every word; dropZeros forgets those counted down to 0, and keeps counting', (t) => {
  const counts = new WordCounts();
  counts.addLines(['a b c'], 0, 1);
  counts.clear();
  t.deepEqual(entries(counts), []);
  counts.addLines(['x y x'], 0, 1);
  counts.add('y', -1);
  counts.dropZeros();
  t.deepEqual(entries(counts), [['x', 2]]);
  counts.add('y', 3);
  counts.add('x', 1);
  t.deepEqual(entries(counts), [
    ['x', 3],
    ['y', 3],
  ]);
});
