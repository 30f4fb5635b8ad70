import test from 'ava';
import { isEnglishNegation, negationsFrom } from '../../analytics/negation.js';
import { emojiPolarity } from '../../analytics/emoticons.js';

const english: [word: string, negation: boolean][] = [
  ['not', true],
  ['no', true],
  ['never', true],
  ['nothing', true],
  ["don't", true],
  ["wouldn't", true],
  ['can\u2019t', true],
  ['dont', true],
  ['cant', true],
  ['note', false],
  ['know', false],
  ['nothingness', false],
  ['good', false],
];

for (const [word, expected] of english) {
  test(`isEnglishNegation('${word}') is ${expected}`, (t) => {
    t.is(isEnglishNegation(word), expected);
  });
}

test('negationsFrom compares in lower case', (t) => {
  const isNegation = negationsFrom(['Nicht', 'kein']);
  t.true(isNegation('nicht'));
  t.true(isNegation('kein'));
  t.false(isNegation('nichts'));
});

test('emojiPolarity reads the first pictograph and ignores skin tones and selectors', (t) => {
  t.is(emojiPolarity('😍'), 1);
  t.is(emojiPolarity('❤\uFE0F'), 1);
  t.is(emojiPolarity('👎🏿'), -1);
  t.is(emojiPolarity('😭'), -1);
  t.is(emojiPolarity('🚀'), 0);
});
