/**
 * The tweet tokenizer: turns a tweet's text into typed tokens (words, negations, hashtags,
 * mentions, URLs, emoticons with their polarity, numbers, punctuation) and marks the words in
 * the scope of a negation. A pure function; tokens carry what sentiment scoring and feature
 * hashing need.
 */
import { ConfigurationError } from '../lib/index.js';
import { emojiPolarity, NEGATIVE_EMOTICON, POSITIVE_EMOTICON, type EmoticonPolarity } from './emoticons.js';
import { decodeHtmlEntities } from './html-entities.js';
import { isEnglishNegation, type NegationTest } from './negation.js';

/** What a token is. */
export type TokenKind =
  'word' | 'negation' | 'hashtag' | 'mention' | 'url' | 'emoticon' | 'number' | 'punctuation' | 'symbol';

/** A token of any kind but an emoticon. */
export interface TextToken {
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

// One alternative per token kind, tried in this order at each position (sticky, unicode).
const PATTERN = new RegExp(
  [
    '(\\s+)',
    '((?:https?:\\/\\/|www\\.)[^\\s<>"]+)',
    `(${POSITIVE_EMOTICON})`,
    `(${NEGATIVE_EMOTICON})`,
    '(\\p{Extended_Pictographic}(?:\\uFE0F|\\u200D\\p{Extended_Pictographic}|[\\u{1F3FB}-\\u{1F3FF}])*)',
    '((?<![\\p{L}\\p{N}_])#(?=[\\p{L}\\p{M}\\p{N}_]*\\p{L})[\\p{L}\\p{M}\\p{N}_]+)',
    '((?<![\\p{L}\\p{N}_])@\\w+)',
    '(\\p{N}+(?:[.,:]\\p{N}+)*(?![\\p{L}\\p{M}\\p{N}_]))',
    "([\\p{L}\\p{M}\\p{N}_]+(?:['\u2019][\\p{L}\\p{M}\\p{N}_]+)*)",
    '([.!?,;:\u2026\u00a1\u00bf]+)',
    '(\\S)',
  ].join('|'),
  'uy',
);

const enum Group {
  Space = 1,
  Url,
  Positive,
  Negative,
  Emoji,
  Hashtag,
  Mention,
  Number,
  Word,
  Punctuation,
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
  const scope = options.negationScope ?? DEFAULT_NEGATION_SCOPE;
  if (!Number.isInteger(scope) || scope < 0) {
    throw new ConfigurationError(`negationScope ${scope} must be a whole number of words, 0 or more`);
  }
  const isNegation = options.isNegation ?? isEnglishNegation;
  const source = decodeHtmlEntities(text);
  const tokens: Token[] = [];
  let negatedLeft = 0;
  const pattern = new RegExp(PATTERN);
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(source)) !== null) {
    if (match[Group.Space] !== undefined) continue;
    let token: Token;
    if (match[Group.Url] !== undefined) {
      const url = match[Group.Url].replace(URL_TRAIL, '');
      pattern.lastIndex = match.index + url.length;
      token = { kind: 'url', text: url, negated: false };
    } else if (match[Group.Positive] !== undefined) {
      token = emoticon(match[Group.Positive], 1);
    } else if (match[Group.Negative] !== undefined) {
      token = emoticon(match[Group.Negative], -1);
    } else if (match[Group.Emoji] !== undefined) {
      token = emoticon(match[Group.Emoji], emojiPolarity(match[Group.Emoji]));
    } else if (match[Group.Hashtag] !== undefined) {
      token = { kind: 'hashtag', text: match[Group.Hashtag].toLowerCase(), negated: negatedLeft > 0 };
    } else if (match[Group.Mention] !== undefined) {
      token = { kind: 'mention', text: match[Group.Mention].toLowerCase(), negated: false };
    } else if (match[Group.Number] !== undefined) {
      token = { kind: 'number', text: match[Group.Number], negated: negatedLeft > 0 };
    } else if (match[Group.Word] !== undefined) {
      const word = match[Group.Word]
        .toLowerCase()
        .replace(/\u2019/g, "'")
        .replace(REPEATS, '$1$1');
      token = isNegation(word)
        ? { kind: 'negation', text: word, negated: false }
        : { kind: 'word', text: word, negated: negatedLeft > 0 };
    } else if (match[Group.Punctuation] !== undefined) {
      token = { kind: 'punctuation', text: match[Group.Punctuation], negated: false };
    } else {
      token = { kind: 'symbol', text: match[0], negated: false };
    }
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

function emoticon(text: string, polarity: EmoticonPolarity): EmoticonToken {
  return { kind: 'emoticon', text, negated: false, polarity };
}
