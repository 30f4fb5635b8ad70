/**
 * natural's vocabularies read one file at a time score every word as natural's own
 * SentimentAnalyzer does (which loads every vocabulary at once): the words of each vocabulary,
 * the negation words, other cases, and names an object prototype has.
 */
import test from 'ava';
import { createRequire } from 'node:module';
import { loadLexicon, naturalNegations, type NaturalVocabulary } from '../../../systems/natural/lexicon.js';

interface NaturalAnalyzer {
  readonly vocabulary: Record<string, unknown>;
  getSentiment(words: string[]): number;
}
const { SentimentAnalyzer } = createRequire(import.meta.url)('natural/lib/natural/sentiment/index.js') as {
  SentimentAnalyzer: new (language: string, stemmer: undefined, type: string) => NaturalAnalyzer;
};

const vocabularies: [string, NaturalVocabulary][] = [
  ['English', 'afinn'],
  ['Spanish', 'afinn'],
  ['Portuguese', 'afinn'],
  ['English', 'senticon'],
  ['Spanish', 'senticon'],
  ['Galician', 'senticon'],
  ['Catalan', 'senticon'],
  ['Basque', 'senticon'],
  ['English', 'pattern'],
  ['Dutch', 'pattern'],
  ['French', 'pattern'],
  ['German', 'pattern'],
  ['Italian', 'pattern'],
];

for (const [language, vocabulary] of vocabularies) {
  test(`${language} ${vocabulary}: every word scores as natural's SentimentAnalyzer scores it`, (t) => {
    const natural = new SentimentAnalyzer(language, undefined, vocabulary);
    const lexicon = loadLexicon(language, vocabulary);
    const words = Object.keys(natural.vocabulary);
    t.true(words.length > 1000);
    const probes = [
      ...words,
      ...naturalNegations(language),
      'GOOD',
      'Bueno',
      'kindling',
      'constructor',
      'toString',
    ];
    const differ = probes.filter((word) => !Object.is(lexicon.score(word), natural.getSentiment([word])));
    t.deepEqual(differ, []);
  });
}

test('a language without a negation list has none; a vocabulary natural lacks for a language is refused', (t) => {
  t.deepEqual(naturalNegations('French'), []);
  t.deepEqual(naturalNegations('English'), ['not', 'no', 'never', 'neither']);
  t.throws(() => loadLexicon('French', 'afinn'), { message: 'natural has no afinn vocabulary for French' });
});
