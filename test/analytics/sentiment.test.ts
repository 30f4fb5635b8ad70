/**
 * Sentiment scoring: AFINN through natural, negation flips a word's score, emoticons count,
 * languages natural has a vocabulary for are scored in that language, others are not scored.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { ConfigurationError, KindlingError } from '../../lib/index.js';
import {
  SentimentScorer,
  type ScoredSentiment,
  type SentimentLabel,
  type SentimentResult,
} from '../../analytics/sentiment.js';
import { SENTIMENT_LANGUAGES } from '../../analytics/sentiment-languages.js';
import { classificationMetrics } from '../../analytics/metrics.js';

const scorer = new SentimentScorer();

function scored(result: SentimentResult): ScoredSentiment {
  if (!result.scored) throw new Error(`not scored: ${result.reason}`);
  return result;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

// AFINN-165: good 3, bad -3, love 3, hate -3; brought to [-1, 1] by dividing by 5.
const english: [text: string, score: number, label: SentimentLabel][] = [
  ['good', 0.6, 'positive'],
  ['bad', -0.6, 'negative'],
  ['not good', -0.6, 'negative'],
  ["don't hate it", 0.6, 'positive'],
  ['not good, bad', -1.2, 'negative'],
  ['good but not very bad at all', 1.2, 'positive'],
  ['good good bad', 0.6, 'positive'],
  ['good bad', 0, 'neutral'],
  ['the phone', 0, 'neutral'],
  ['', 0, 'neutral'],
  [':)', 0.5, 'positive'],
  [':( ', -0.5, 'negative'],
  ['not :)', 0.5, 'positive'],
  ['bad :) :)', 0.4, 'positive'],
  ['😍', 0.5, 'positive'],
  ['GOOD', 0.6, 'positive'],
  ['goooood', 0.6, 'positive'],
  ['loooooove it', 0.6, 'positive'],
  ['#fail', -0.4, 'negative'],
  ['not #fail', 0.4, 'positive'],
  ['@love http://hate.com', 0, 'neutral'],
  ['hate &lt;3', -0.1, 'negative'],
];

for (const [text, score, label] of english) {
  test(`English: ${JSON.stringify(text)} scores ${score}, ${label}`, (t) => {
    const result = scored(scorer.score(text, 'en'));
    t.true(close(result.score, score), `score ${result.score}`);
    t.is(result.label, label);
    t.is(result.language, 'en');
    t.is(result.vocabulary, 'afinn');
  });
}

test('comparative is the score per word, hashtag and emoticon; hits count the scored ones', (t) => {
  const result = scored(scorer.score('good phone @bob :) http://x.co', 'en'));
  t.true(close(result.comparative, 1.1 / 3));
  t.is(result.hits, 2);
});

test('the neutral band', (t) => {
  const banded = new SentimentScorer({ neutralBand: 0.5 });
  t.is(scored(banded.score('good', 'en')).label, 'positive');
  t.is(scored(banded.score('ok :)', 'en')).label, 'neutral');
  t.is(scored(banded.score('sad', 'en')).label, 'neutral');
  t.is(scored(banded.score('hate', 'en')).label, 'negative');
});

test('scores that cancel to a floating-point remainder are neutral, with score 0', (t) => {
  // SentiCon: assure 0.354, golden 0.583, spitefulness -0.937; summed in binary, -1.1e-16.
  const senticon = new SentimentScorer({ vocabularies: { en: 'senticon' } });
  const words = ['assure', 'golden', 'spitefulness'].map((word) => scored(senticon.score(word, 'en')).score);
  t.deepEqual(words, [0.354, 0.583, -0.937]);
  t.not(
    words[0]! + words[1]! + words[2]!,
    0,
    'the words must leave a remainder for this test to mean anything',
  );
  const cancelled = scored(senticon.score('assure golden spitefulness', 'en'));
  t.is(cancelled.label, 'neutral');
  t.is(cancelled.score, 0);
  t.is(cancelled.hits, 3);
  t.is(scored(senticon.score('assure golden', 'en')).label, 'positive');
});

test('emoticonWeight sets what an emoticon counts', (t) => {
  t.true(close(scored(new SentimentScorer({ emoticonWeight: 0 }).score(':) :(', 'en')).score, 0));
  t.true(close(scored(new SentimentScorer({ emoticonWeight: 1 }).score(':)', 'en')).score, 1));
});

test('the language comes from the tweet: Spanish with Spanish AFINN and its negations', (t) => {
  const bueno = scored(scorer.scoreTweet({ text: 'Es bueno', lang: 'es' }));
  t.is(bueno.language, 'es');
  t.is(bueno.vocabulary, 'afinn');
  t.is(bueno.label, 'positive');
  const noBueno = scored(scorer.scoreTweet({ text: 'No es bueno', lang: 'es' }));
  t.true(close(noBueno.score, -bueno.score));
  // The English vocabulary does not know the Spanish word.
  t.is(scored(scorer.score('Es bueno', 'en')).label, 'neutral');
});

test('German, French, Dutch and Italian are scored with the Pattern lexicons', (t) => {
  const texts: [lang: string, text: string, label: SentimentLabel][] = [
    ['de', 'Das ist gut', 'positive'],
    ['de', 'Das ist nicht gut', 'negative'],
    ['fr', "C'est magnifique", 'positive'],
    ['nl', 'Dit is goed', 'positive'],
    ['it', 'È bello', 'positive'],
  ];
  for (const [lang, text, label] of texts) {
    const result = scored(scorer.scoreTweet({ text, lang }));
    t.is(result.vocabulary, 'pattern', text);
    t.is(result.language, lang, text);
    t.is(result.label, label, `${text}: ${result.score}`);
  }
});

test('Catalan, Galician and Basque are scored with SentiCon', (t) => {
  for (const lang of ['ca', 'gl', 'eu']) {
    t.is(scored(scorer.score('x', lang)).vocabulary, 'senticon');
  }
});

test('a language tag is reduced to its primary code', (t) => {
  t.is(scored(scorer.score('good', 'en-GB')).language, 'en');
  t.is(scored(scorer.score('bom', 'PT_br')).language, 'pt');
});

test('languages natural has no vocabulary for are not scored, and say why', (t) => {
  for (const lang of ['ja', 'ru', 'in', 'zz']) {
    const result = scorer.scoreTweet({ text: 'good good good :)', lang });
    t.false(result.scored);
    if (!result.scored) {
      t.is(result.language, lang);
      t.regex(result.reason, new RegExp(`no sentiment vocabulary for language '${lang}'`));
    }
  }
  const und = scorer.scoreTweet({ text: 'good', lang: 'und' });
  t.false(und.scored);
  if (!und.scored) t.regex(und.reason, /could not determine/);
  const none = scorer.scoreTweet({ text: 'good' });
  t.false(none.scored);
  if (!none.scored) t.is(none.language, undefined);
  t.false(scorer.scoreTweet({ text: 'good', lang: null }).scored);
});

test('a tweet without text is refused, naming the tweet', (t) => {
  t.throws(() => scorer.scoreTweet({ id_str: '42', lang: 'en' } as never), {
    instanceOf: KindlingError,
    message: /scoreTweet: tweet 42 has no text \(got undefined\)/,
  });
  t.throws(() => scorer.score(7 as never, 'en'), { message: /the text must be a string, got number 7/ });
});

test('supports names the scored languages', (t) => {
  for (const code of SENTIMENT_LANGUAGES.keys()) t.true(scorer.supports(code), code);
  t.deepEqual([...SENTIMENT_LANGUAGES.keys()].sort(), [
    'ca',
    'de',
    'en',
    'es',
    'eu',
    'fr',
    'gl',
    'it',
    'nl',
    'pt',
  ]);
  t.false(scorer.supports('ja'));
  t.false(scorer.supports(''));
});

test('another vocabulary per language can be chosen', (t) => {
  const senticon = new SentimentScorer({ vocabularies: { en: 'senticon', es: 'senticon' } });
  const result = scored(senticon.score('good', 'en'));
  t.is(result.vocabulary, 'senticon');
  t.is(result.label, 'positive');
  t.true(result.score > 0 && result.score <= 1);
  t.is(
    scored(new SentimentScorer({ vocabularies: { en: 'pattern' } }).score('good', 'en')).vocabulary,
    'pattern',
  );
});

test('bad options are refused with the fix', (t) => {
  const noPattern = t.throws(() => new SentimentScorer({ vocabularies: { pt: 'pattern' } }), {
    instanceOf: ConfigurationError,
  });
  t.regex(noPattern?.message ?? '', /no 'pattern' vocabulary for 'pt'; it has afinn/);
  const noLanguage = t.throws(() => new SentimentScorer({ vocabularies: { ja: 'afinn' } }), {
    instanceOf: ConfigurationError,
  });
  t.regex(noLanguage?.message ?? '', /no sentiment vocabulary for language 'ja'; use one of en, es/);
  t.throws(() => new SentimentScorer({ neutralBand: -1 }), { instanceOf: ConfigurationError });
  t.throws(() => new SentimentScorer({ emoticonWeight: Number.NaN }), { instanceOf: ConfigurationError });
  t.throws(() => new SentimentScorer({ negationScope: -2 }), { instanceOf: ConfigurationError });
});

test('on Sentiment140 (positive and negative rows) the scorer beats the majority class', async (t) => {
  const text = await readFile(
    new URL('../../examples/tweets/data/sentiment140_test.jsonl', import.meta.url),
    'utf8',
  );
  const rows = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; label: string })
    .filter((row) => row.label !== 'neutral');
  t.is(rows.length, 359);
  const metrics = classificationMetrics(
    rows.map((row) => {
      const label = scored(scorer.score(row.text, 'en')).label;
      return [label === 'neutral' ? undefined : label, row.label] as const;
    }),
    ['positive', 'negative'],
  );
  t.true(metrics.accuracy > metrics.majorityAccuracy + 0.15, `accuracy ${metrics.accuracy}`);
  t.true(metrics.macroF1 > 0.7, `macro-F1 ${metrics.macroF1}`);
});
