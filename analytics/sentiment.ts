/**
 * Sentiment of tweets with `natural`'s SentimentAnalyzer: each word is scored with the
 * vocabulary natural has for the tweet's language (AFINN-165 for English), a word in the scope
 * of a negation counts with its sign flipped, and emoticons count too.
 */
// natural (an optional peer) is loaded on the first text of each language, and then only the
// vocabulary and negation list that language uses (systems/natural/lexicon.ts says why).
import { ConfigurationError, KindlingError } from '../lib/index.js';
import { loadLexicon, type Lexicon } from '../systems/natural/lexicon.js';
import {
  primaryLanguage,
  SENTIMENT_LANGUAGES,
  VOCABULARY_SCALE,
  type SentimentLanguage,
  type Vocabulary,
} from './sentiment-languages.js';
import { describeValue, tokenize, type Token } from './tokenizer.js';
import type { TweetLike } from './tweet.js';

/** positive, negative or neutral. */
export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/** The sentiment of a text in a language natural scores. */
export interface ScoredSentiment {
  /** Always true: the text was scored. */
  readonly scored: true;
  /**
   * The sum of the scores of the text's words (each brought to [-1, 1] by its vocabulary's
   * largest score: AFINN's `good` = 3 counts 0.6) and emoticons ({@link SentimentScorerOptions.emoticonWeight}),
   * a negated word with its sign flipped.
   */
  readonly score: number;
  /** `score` divided by the number of words, hashtags and emoticons (0 for none). */
  readonly comparative: number;
  /** From `score` and the neutral band: see {@link SentimentScorerOptions.neutralBand}. */
  readonly label: SentimentLabel;
  /** The ISO 639-1 code of the language scored: `en`. */
  readonly language: string;
  /** The sentiment lexicon of natural the words were scored with (`afinn`, `senticon` or `pattern`). */
  readonly vocabulary: Vocabulary;
  /** How many tokens had a score (words found in the vocabulary, emoticons with a mood). */
  readonly hits: number;
  /**
   * Never set on a scored text. It is declared so that `r.scored ? r.label : r.reason` compiles
   * without `strictNullChecks` too (in a tslab notebook, or JavaScript with `checkJs`), where
   * TypeScript narrows `r` in the `true` branch but not in the `false` one.
   */
  readonly reason?: undefined;
}

/** A text that was not scored, and why: its language is one natural has no vocabulary for. */
export interface UnscoredSentiment {
  /** Always false: the text was not scored. */
  readonly scored: false;
  /** The language asked for, as given (undefined when the tweet had none). */
  readonly language: string | undefined;
  /** Why not, for people: e.g. `no sentiment vocabulary for language 'ja' ...`. */
  readonly reason: string;
}

/** The result of scoring a text. */
export type SentimentResult = ScoredSentiment | UnscoredSentiment;

/** Options of {@link SentimentScorer}. */
export interface SentimentScorerOptions {
  /**
   * Which vocabulary to use per language code, for the languages natural has several for
   * (English: afinn, senticon, pattern; Spanish: afinn, senticon). Default: AFINN where natural
   * has it, else the only one it has.
   */
  readonly vocabularies?: Readonly<Record<string, Vocabulary>>;
  /**
   * A score in [-neutralBand, neutralBand] is `neutral`; above is `positive`, below `negative`.
   * Default 0: any sentiment-bearing word tips the label, and only a text without one (or whose
   * words cancel out exactly) is neutral.
   */
  readonly neutralBand?: number;
  /** What a happy (sad) emoticon adds to (takes from) the score. Default 0.5, as AFINN's 2.5. */
  readonly emoticonWeight?: number;
  /** Words negated after a negation; see `TokenizeOptions.negationScope`. */
  readonly negationScope?: number;
}

interface LoadedLanguage {
  readonly language: SentimentLanguage;
  readonly vocabulary: Vocabulary;
  readonly lexicon: Lexicon;
  readonly scale: number;
  /** Scores of words seen, so natural is asked once per word; cleared when it grows large. */
  readonly memo: Map<string, number>;
}

/** How many word scores a language keeps memoised before it starts over. */
const MEMO_LIMIT = 100_000;

/**
 * How far apart two sums of scores must be to differ. Words' scores have at most three decimals
 * (SentiCon's 0.354), but their binary sums do not cancel exactly: 0.354 + 0.583 - 0.937 is
 * -1.1e-16, not 0. Remainders this small are rounding, never sentiment.
 */
const SCORE_TOLERANCE = 1e-9;

/**
 * Scores the sentiment of tweets in the languages `natural` 8 has vocabularies for: English,
 * Spanish and Portuguese (AFINN), Dutch, French, German and Italian (Pattern), Catalan, Galician
 * and Basque (SentiCon). A text in another language is not scored as English: the result says
 * `scored: false` and why.
 *
 * Gotchas: natural is an optional peer dependency (`npm install natural@^8.1.1`); the first text
 * of each language loads that language's vocabulary from it (6 ms for English AFINN, 60 ms for
 * English SentiCon), and a missing natural fails that first `score` with a ConfigurationError. A word
 * is looked up as tokenized ("soo") and, if absent, with every repeated letter squeezed ("so").
 * Multi-word entries of a vocabulary ("no fun") are not matched.
 *
 * @example
 * const scorer = new SentimentScorer();
 * scorer.score("I don't like Mondays :(", 'en');
 * // { scored: true, score: -0.9, label: 'negative', language: 'en', vocabulary: 'afinn', ... }
 * // ("like" is 2 in AFINN, negated: -0.4; the sad face: -0.5)
 * scorer.scoreTweet({ text: 'Das ist gut', lang: 'de' }); // positive, with Pattern's German lexicon
 * scorer.scoreTweet({ text: '大好き', lang: 'ja' }); // { scored: false, reason: "no sentiment vocabulary for language 'ja' ..." }
 */
export class SentimentScorer {
  private readonly loaded = new Map<string, LoadedLanguage>();
  private readonly vocabularies: Readonly<Record<string, Vocabulary>>;
  private readonly neutralBand: number;
  private readonly emoticonWeight: number;
  private readonly negationScope: number | undefined;

  constructor(options: SentimentScorerOptions = {}) {
    this.vocabularies = { ...options.vocabularies };
    for (const [code, vocabulary] of Object.entries(this.vocabularies)) {
      const language = SENTIMENT_LANGUAGES.get(code);
      if (!language) {
        throw new ConfigurationError(
          `vocabularies: natural has no sentiment vocabulary for language '${code}'; ` +
            `use one of ${[...SENTIMENT_LANGUAGES.keys()].join(', ')}`,
        );
      }
      if (!language.vocabularies.includes(vocabulary)) {
        throw new ConfigurationError(
          `vocabularies: natural has no '${vocabulary}' vocabulary for '${code}'; ` +
            `it has ${language.vocabularies.join(', ')}`,
        );
      }
    }
    this.neutralBand = nonNegative('neutralBand', options.neutralBand ?? 0);
    this.emoticonWeight = nonNegative('emoticonWeight', options.emoticonWeight ?? 0.5);
    if (
      options.negationScope !== undefined &&
      !(Number.isInteger(options.negationScope) && options.negationScope >= 0)
    ) {
      throw new ConfigurationError(
        `negationScope ${options.negationScope} must be a whole number of words, 0 or more`,
      );
    }
    this.negationScope = options.negationScope;
  }

  /**
   * True when texts in `language` (an ISO 639-1 code or a tag such as `en-GB`) are scored.
   *
   * @example
   * scorer.supports('pt'); // true
   * scorer.supports('ja'); // false
   */
  supports(language: string): boolean {
    const code = primaryLanguage(language);
    return code !== undefined && SENTIMENT_LANGUAGES.has(code);
  }

  /**
   * Scores `text` (as the Twitter API sends it; HTML references are decoded) in `language`.
   *
   * @example
   * scorer.score('Fantastic phone &amp; great screen', 'en').label; // 'positive'
   */
  score(text: string, language: string): SentimentResult {
    const code = primaryLanguage(language);
    const loaded = code === undefined ? undefined : this.load(code);
    if (!loaded) return unscored(language, code);
    const tokens = tokenize(text, {
      isNegation: loaded.language.isNegation,
      ...(this.negationScope === undefined ? {} : { negationScope: this.negationScope }),
    });
    return this.scoreTokens(tokens, loaded);
  }

  /**
   * Scores a tweet in the language of its `lang` field. A tweet without one, or with `und`
   * (Twitter could not tell), is not scored. A tweet without a text throws (use the stream's
   * `onRecordError: 'deadLetter'` to set such records aside).
   *
   * @example
   * tweets.map((tweet) => ({ id: tweet.id_str, sentiment: scorer.scoreTweet(tweet) }))
   */
  scoreTweet(tweet: Pick<TweetLike, 'text' | 'lang' | 'id_str'>): SentimentResult {
    if (typeof tweet?.text !== 'string') {
      const id = typeof tweet?.id_str === 'string' ? ` ${tweet.id_str}` : '';
      throw new KindlingError(`scoreTweet: tweet${id} has no text (got ${describeValue(tweet?.text)})`);
    }
    if (tweet.lang === undefined || tweet.lang === null || tweet.lang === '') {
      return { scored: false, language: undefined, reason: 'the tweet has no lang field' };
    }
    return this.score(tweet.text, tweet.lang);
  }

  private scoreTokens(tokens: readonly Token[], loaded: LoadedLanguage): ScoredSentiment {
    let score = 0;
    let counted = 0;
    let hits = 0;
    for (const token of tokens) {
      let value = 0;
      if (token.kind === 'emoticon') {
        counted++;
        value = token.polarity * this.emoticonWeight;
      } else if (token.kind === 'word' || token.kind === 'hashtag') {
        counted++;
        const word = token.kind === 'hashtag' ? token.text.slice(1) : token.text;
        value = this.wordScore(word, loaded) / loaded.scale;
        if (token.negated) value = -value;
      }
      if (value !== 0) {
        hits++;
        score += value;
      }
    }
    // Scores that cancel leave a floating-point remainder: the text is neutral, its score 0.
    if (Math.abs(score) < SCORE_TOLERANCE) score = 0;
    const band = this.neutralBand + SCORE_TOLERANCE;
    return {
      scored: true,
      score,
      comparative: counted === 0 ? 0 : score / counted,
      label: score > band ? 'positive' : score < -band ? 'negative' : 'neutral',
      language: loaded.language.code,
      vocabulary: loaded.vocabulary,
      hits,
    };
  }

  /** The vocabulary's score of one word (natural's lookup of a one-word text), 0 if absent. */
  private wordScore(word: string, loaded: LoadedLanguage): number {
    const known = loaded.memo.get(word);
    if (known !== undefined) return known;
    let value = loaded.lexicon.score(word);
    if (value === 0) {
      const squeezed = squeezeRuns(word);
      if (squeezed !== word) value = loaded.lexicon.score(squeezed);
    }
    if (loaded.memo.size >= MEMO_LIMIT) loaded.memo.clear();
    loaded.memo.set(word, value);
    return value;
  }

  private load(code: string): LoadedLanguage | undefined {
    const known = this.loaded.get(code);
    if (known) return known;
    const language = SENTIMENT_LANGUAGES.get(code);
    if (!language) return undefined;
    const vocabulary = this.vocabularies[code] ?? (language.vocabularies[0] as Vocabulary);
    const lexicon = loadLexicon(language.naturalName, vocabulary);
    const loaded = {
      language,
      vocabulary,
      lexicon,
      scale: VOCABULARY_SCALE[vocabulary],
      memo: new Map<string, number>(),
    };
    this.loaded.set(code, loaded);
    return loaded;
  }
}

/** `word` with every run of one repeated character cut to one: "soo" → "so". */
function squeezeRuns(word: string): string {
  let out = '';
  let from = 0;
  for (let i = 1; i < word.length; i++) {
    if (word.charCodeAt(i) === word.charCodeAt(i - 1)) {
      out += word.slice(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? word : out + word.slice(from);
}

function unscored(language: string, code: string | undefined): UnscoredSentiment {
  const reason =
    code === 'und'
      ? "Twitter could not determine the tweet's language (lang 'und')"
      : `no sentiment vocabulary for language '${language}' in natural; ` +
        `scored are ${[...SENTIMENT_LANGUAGES.keys()].join(', ')}`;
  return { scored: false, language, reason };
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name} ${value} must be a finite number, 0 or more`);
  }
  return value;
}
