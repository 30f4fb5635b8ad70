/**
 * Negation words: a word that flips the sentiment of the words after it ("not good", "don't
 * like"). The tokenizer marks the words in a negation's scope; see `TokenizeOptions`.
 */

/** A predicate saying whether a lower-case word is a negation. */
export type NegationTest = (word: string) => boolean;

/**
 * English negations as tweets write them: `not`, `no`, `never`, `nothing`, `nobody`, `none`,
 * `neither`, `nor`, `nowhere`, `cannot`, and every contraction in `n't`, also without its
 * apostrophe (`dont`, `cant`, `isnt`, `wont`...), as tweets often drop it.
 */
export const ENGLISH_NEGATIONS: ReadonlySet<string> = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'neither',
  'nor',
  'nowhere',
  'cannot',
  'aint',
  'arent',
  'cant',
  'couldnt',
  'didnt',
  'doesnt',
  'dont',
  'hadnt',
  'hasnt',
  'havent',
  'isnt',
  'mightnt',
  'mustnt',
  'neednt',
  'shant',
  'shouldnt',
  'wasnt',
  'werent',
  'wont',
  'wouldnt',
]);

/**
 * True for an English negation: a word of {@link ENGLISH_NEGATIONS} or any word ending in `n't`
 * (`don't`, `can't`, `wouldn't`; a typographic apostrophe counts too).
 *
 * @example
 * isEnglishNegation("didn't"); // true
 * isEnglishNegation('dont'); // true
 * isEnglishNegation('note'); // false
 */
export const isEnglishNegation: NegationTest = (word) =>
  ENGLISH_NEGATIONS.has(word) || word.endsWith("n't") || word.endsWith('n\u2019t');

/**
 * A negation test from a list of words (compared in lower case), for other languages.
 *
 * @example
 * const isSpanishNegation = negationsFrom(['no', 'nunca', 'jamás', 'ni']);
 * isSpanishNegation('nunca'); // true
 */
export function negationsFrom(words: Iterable<string>): NegationTest {
  const set = new Set(Array.from(words, (w) => w.toLowerCase()));
  return (word) => set.has(word);
}
