/**
 * Which languages `natural` 8 scores, with which vocabularies, and their negation words. A
 * language is named by its ISO 639-1 code, as the `lang` field of a tweet names it.
 */
import { naturalNegations as naturalNegationWords } from '../systems/natural/lexicon.js';
import { negationsFrom, isEnglishNegation, type NegationTest } from './negation.js';

/**
 * A sentiment vocabulary of `natural`: AFINN-165 (words scored -5 to 5), SentiCon (-1 to 1) or
 * the Pattern project's lexicons (-1 to 1).
 */
export type Vocabulary = 'afinn' | 'senticon' | 'pattern';

/** What Kindling knows of one language natural scores. */
export interface SentimentLanguage {
  /** The ISO 639-1 code: `en`. */
  readonly code: string;
  /** The name natural's `SentimentAnalyzer` takes: `English`. */
  readonly naturalName: string;
  /** The vocabularies natural has for it, the default first. */
  readonly vocabularies: readonly Vocabulary[];
  /** Which lower-case words negate the words after them. */
  readonly isNegation: NegationTest;
}

/** The largest absolute score of a word in each vocabulary, to bring all to [-1, 1]. */
export const VOCABULARY_SCALE: Readonly<Record<Vocabulary, number>> = { afinn: 5, senticon: 1, pattern: 1 };

/**
 * natural's own negation list for a language (it has them for en, es, pt, nl, de), read from
 * natural (an optional peer) on the first word tested, not when this module is imported.
 */
function naturalNegations(language: string): NegationTest {
  let test: NegationTest | undefined;
  return (word) => (test ??= negationsFrom(naturalNegationWords(language)))(word);
}

const NO_NEGATION: NegationTest = () => false;

const languages: readonly SentimentLanguage[] = [
  {
    code: 'en',
    naturalName: 'English',
    vocabularies: ['afinn', 'senticon', 'pattern'],
    isNegation: isEnglishNegation,
  },
  {
    code: 'es',
    naturalName: 'Spanish',
    vocabularies: ['afinn', 'senticon'],
    isNegation: naturalNegations('Spanish'),
  },
  {
    code: 'pt',
    naturalName: 'Portuguese',
    vocabularies: ['afinn'],
    isNegation: naturalNegations('Portuguese'),
  },
  {
    code: 'nl',
    naturalName: 'Dutch',
    vocabularies: ['pattern'],
    isNegation: naturalNegations('Dutch'),
  },
  {
    code: 'de',
    naturalName: 'German',
    vocabularies: ['pattern'],
    isNegation: naturalNegations('German'),
  },
  // natural has no negation list for these: their words are scored without negation.
  { code: 'fr', naturalName: 'French', vocabularies: ['pattern'], isNegation: NO_NEGATION },
  { code: 'it', naturalName: 'Italian', vocabularies: ['pattern'], isNegation: NO_NEGATION },
  { code: 'ca', naturalName: 'Catalan', vocabularies: ['senticon'], isNegation: NO_NEGATION },
  { code: 'gl', naturalName: 'Galician', vocabularies: ['senticon'], isNegation: NO_NEGATION },
  { code: 'eu', naturalName: 'Basque', vocabularies: ['senticon'], isNegation: NO_NEGATION },
];

/** The languages natural scores, by ISO 639-1 code. */
export const SENTIMENT_LANGUAGES: ReadonlyMap<string, SentimentLanguage> = new Map(
  languages.map((l) => [l.code, l]),
);

/**
 * The primary ISO 639 code of a language tag, lower-cased: `en-GB` → `en`, `pt_BR` → `pt`.
 * Returns undefined for an empty tag.
 *
 * @example
 * primaryLanguage('en-GB'); // 'en'
 */
export function primaryLanguage(tag: string): string | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return primary === undefined || primary === '' ? undefined : primary;
}
