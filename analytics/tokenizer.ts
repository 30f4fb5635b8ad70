/**
 * The tweet tokenizer: turns a tweet's text into typed tokens (words, negations, hashtags,
 * mentions, URLs, emoticons with their polarity, numbers, punctuation) and marks the words in
 * the scope of a negation. A pure function; tokens carry what sentiment scoring and feature
 * hashing need.
 */
import { ConfigurationError, KindlingError } from '../lib/index.js';
import { emojiPolarity, NEGATIVE_EMOTICON, POSITIVE_EMOTICON, type EmoticonPolarity } from './emoticons.js';
import { decodeHtmlEntities } from './html-entities.js';
import { isEnglishNegation, type NegationTest } from './negation.js';

/** What a token is. */
export type TokenKind =
  'word' | 'negation' | 'hashtag' | 'mention' | 'url' | 'emoticon' | 'number' | 'punctuation' | 'symbol';

/** A token of any kind but an emoticon. */
export interface TextToken {
  /** What the token is: a word, negation, hashtag, mention, URL, number, punctuation or symbol. */
  readonly kind: Exclude<TokenKind, 'emoticon'>;
  /**
   * The token's text: words, negations, hashtags and mentions in lower case (hashtags and
   * mentions with their `#` and `@`), words with runs of 3 or more equal letters squeezed to 2;
   * URLs, numbers, punctuation and symbols as written.
   */
  readonly text: string;
  /** True for a word, hashtag or number in the scope of a negation. */
  readonly negated: boolean;
}

/** An emoticon (`:)`, `:'(`, `<3`) or emoji, with the sentiment it carries. */
export interface EmoticonToken {
  /** Always `emoticon`. */
  readonly kind: 'emoticon';
  /** The emoticon as written. */
  readonly text: string;
  /** Emoticons are never negated: they end a negation's scope. */
  readonly negated: false;
  /** 1 for a happy face or heart, -1 for a sad or angry one, 0 for an emoji of unknown mood. */
  readonly polarity: EmoticonPolarity;
}

/** One token of a tweet. */
export type Token = TextToken | EmoticonToken;

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /**
   * How many words (or hashtags, numbers) after a negation are negated; the scope also ends at
   * punctuation (`. , ! ? ; :`) and at an emoticon, and a new negation starts a new scope.
   * Default {@link DEFAULT_NEGATION_SCOPE}; 0 marks nothing.
   */
  readonly negationScope?: number;
  /** Which lower-case words are negations. Default: English ({@link isEnglishNegation}). */
  readonly isNegation?: NegationTest;
}

/** Words negated after a negation, by default: "not very good at all" negates "very good at". */
export const DEFAULT_NEGATION_SCOPE = 3;

/** One pattern per token kind, sticky, without groups: tried at a position with `test`. */
const sticky = (source: string): RegExp => new RegExp(source, 'uy');
const SPACE = sticky('\\s+');
const URL_PATTERN = sticky('(?:https?:\\/\\/|www\\.)[^\\s<>"]+');
const POSITIVE = sticky(POSITIVE_EMOTICON);
const NEGATIVE = sticky(NEGATIVE_EMOTICON);
const EMOJI = sticky(
  '\\p{Extended_Pictographic}(?:\\uFE0F|\\u200D\\p{Extended_Pictographic}|[\\u{1F3FB}-\\u{1F3FF}])*',
);
const HASHTAG = sticky('(?<![\\p{L}\\p{N}_])#(?=[\\p{L}\\p{M}\\p{N}_]*\\p{L})[\\p{L}\\p{M}\\p{N}_]+');
const MENTION = sticky('(?<![\\p{L}\\p{N}_])@\\w+');
const NUMBER = sticky('\\p{N}+(?:[.,:]\\p{N}+)*(?![\\p{L}\\p{M}\\p{N}_])');
const WORD = sticky("[\\p{L}\\p{M}\\p{N}_]+(?:['\u2019][\\p{L}\\p{M}\\p{N}_]+)*");
const PUNCTUATION = sticky('[.!?,;:\u2026\u00a1\u00bf]+');
const ANY = sticky('\\S');

/** The characters an emoticon can start with, to skip the emoticon patterns elsewhere. */
const EMOTICON_START = new Set(Array.from(':=;xX(^<>)T-', (c) => c.charCodeAt(0)));

/** Where `pattern` matching at `position` of `text` ends, or -1 when it does not match there. */
function matchAt(pattern: RegExp, text: string, position: number): number {
  pattern.lastIndex = position;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

/** Trailing characters that close a sentence, not a URL ("see http://x.co/a."). */
const URL_TRAIL = /[.,!?;:)\]'"\u2026]+$/u;
const REPEATS = /(\p{L})\1{2,}/gu;

/**
 * Splits a tweet's text into tokens. HTML references are decoded first (`&amp;` → `&`,
 * `&lt;3` → `<3`), so the text can be given as the Twitter API sends it.
 *
 * Gotchas: words are lower-cased with `toLowerCase` (no locale rules); letters repeated 3 or
 * more times are squeezed to 2 ("soooo" → "soo"), so "loooove" becomes "loove", not "love" (the
 * sentiment scorer also tries the word with all repeats squeezed to one). Hashtags need a letter
 * (`#1` is a symbol and a number), as on Twitter.
 *
 * @example
 * tokenize("I don't like it :( #fail").map((t) => `${t.kind}:${t.text}${t.negated ? '!' : ''}`);
 * // ['word:i', "negation:don't", 'word:like!', 'word:it!', 'emoticon::(', 'hashtag:#fail']
 */
export function tokenize(text: string, options: TokenizeOptions = {}): Token[] {
  if (typeof text !== 'string') {
    throw new KindlingError(`tokenize: the text must be a string, got ${describeValue(text)}`);
  }
  const scope = options.negationScope ?? DEFAULT_NEGATION_SCOPE;
  if (!Number.isInteger(scope) || scope < 0) {
    throw new ConfigurationError(`negationScope ${scope} must be a whole number of words, 0 or more`);
  }
  const isNegation = options.isNegation ?? isEnglishNegation;
  const source = decodeHtmlEntities(text);
  const tokens: Token[] = [];
  let negatedLeft = 0;
  let position = 0;
  while (position < source.length) {
    const code = source.charCodeAt(position);
    const ascii = code < 0x80;
    let end = matchAt(SPACE, source, position);
    if (end >= 0) {
      position = end;
      continue;
    }
    let token: Token | undefined;
    if ((code === 0x68 || code === 0x77) && (end = matchAt(URL_PATTERN, source, position)) >= 0) {
      const url = source.slice(position, end).replace(URL_TRAIL, '');
      end = position + url.length;
      token = { kind: 'url', text: url, negated: false };
    } else if (EMOTICON_START.has(code) && (end = matchAt(POSITIVE, source, position)) >= 0) {
      token = emoticon(source.slice(position, end), 1);
    } else if (EMOTICON_START.has(code) && (end = matchAt(NEGATIVE, source, position)) >= 0) {
      token = emoticon(source.slice(position, end), -1);
    } else if (!ascii && (end = matchAt(EMOJI, source, position)) >= 0) {
      const text = source.slice(position, end);
      token = emoticon(text, emojiPolarity(text));
    } else if (code === 0x23 && (end = matchAt(HASHTAG, source, position)) >= 0) {
      token = { kind: 'hashtag', text: source.slice(position, end).toLowerCase(), negated: negatedLeft > 0 };
    } else if (code === 0x40 && (end = matchAt(MENTION, source, position)) >= 0) {
      token = { kind: 'mention', text: source.slice(position, end).toLowerCase(), negated: false };
    } else if ((!ascii || (code >= 0x30 && code <= 0x39)) && (end = matchAt(NUMBER, source, position)) >= 0) {
      token = { kind: 'number', text: source.slice(position, end), negated: negatedLeft > 0 };
    } else if ((!ascii || isAsciiWordCharacter(code)) && (end = matchAt(WORD, source, position)) >= 0) {
      const word = normalizeWord(source.slice(position, end));
      token = isNegation(word)
        ? { kind: 'negation', text: word, negated: false }
        : { kind: 'word', text: word, negated: negatedLeft > 0 };
    } else if ((end = matchAt(PUNCTUATION, source, position)) >= 0) {
      token = { kind: 'punctuation', text: source.slice(position, end), negated: false };
    } else {
      end = matchAt(ANY, source, position);
      token = { kind: 'symbol', text: source.slice(position, end), negated: false };
    }
    position = end;
    tokens.push(token);
    negatedLeft = nextScope(token, negatedLeft, scope);
  }
  return tokens;
}

/** How many more words the current negation covers after `token`. */
function nextScope(token: Token, left: number, scope: number): number {
  switch (token.kind) {
    case 'negation':
      return scope;
    case 'punctuation':
    case 'emoticon':
      return 0;
    case 'word':
    case 'hashtag':
    case 'number':
      return left > 0 ? left - 1 : 0;
    default:
      return left;
  }
}

/** A short description of a value that is not what was expected, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}

function isAsciiWordCharacter(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f
  );
}

/** A word in lower case, typographic apostrophes straightened, letter runs squeezed to 2. */
function normalizeWord(raw: string): string {
  let word = raw.toLowerCase();
  if (word.includes('\u2019')) word = word.replace(/\u2019/g, "'");
  return hasTriple(word) ? word.replace(REPEATS, '$1$1') : word;
}

/** True when some character appears 3 times in a row (cheaper to test than to replace). */
function hasTriple(word: string): boolean {
  for (let i = 2; i < word.length; i++) {
    if (word.charCodeAt(i) === word.charCodeAt(i - 1) && word.charCodeAt(i) === word.charCodeAt(i - 2))
      return true;
  }
  return false;
}

function emoticon(text: string, polarity: EmoticonPolarity): EmoticonToken {
  return { kind: 'emoticon', text, negated: false, polarity };
}
