import test from 'ava';
import { compareTokenisers } from '../../../bench/workload/tokenisers.js';
import { words } from '../../../bench/workload/words.js';

const cases = [
  'to be or not',
  'one',
  '',
  ' ',
  '  ',
  'two  spaces',
  ' leading',
  'trailing ',
  ' both ',
  'tab\tis not a space',
  'été déjà vu',
  '😀 emoji 😀',
  'a'.repeat(100) + ' ' + 'b'.repeat(13),
];

for (const [n, line] of cases.entries()) {
  test(`words gives what split(' ') gives: case ${n + 1}, ${JSON.stringify(line)}`, (t) => {
    t.deepEqual(words(line), line.split(' '));
  });
}

test('compareTokenisers names the lines on which the tokenisers disagree (none) and times both', (t) => {
  const measured = compareTokenisers(cases, 1);
  t.deepEqual(measured.disagree, []);
  t.true(measured.wordsNs > 0 && Number.isFinite(measured.wordsNs));
  t.true(measured.splitNs > 0 && Number.isFinite(measured.splitNs));
});
