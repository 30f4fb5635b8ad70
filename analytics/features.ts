/**
 * Feature hashing (the "hashing trick", as Spark's HashingTF): named features such as the tokens
 * of a tweet become a sparse vector of a fixed size without a dictionary, so a model can learn
 * from a stream whose vocabulary is not known in advance.
 */
import { ConfigurationError } from '../lib/index.js';
import { murmur3 } from './murmur3.js';
import { tokenize, type Token, type TokenizeOptions } from './tokenizer.js';

/** A sparse vector: `values[j]` is the value at `indices[j]`; indices ascending, all < `size`. */
export interface SparseVector {
  /** The vector's dimension: the hasher's `dimensions`. */
  readonly size: number;
  /** The positions of the non-zero values, ascending, each in [0, `size`). */
  readonly indices: readonly number[];
  /** The value at each of `indices`: a feature count, negative for a feature hashed with sign -1. */
  readonly values: readonly number[];
}

/** Options of {@link FeatureHasher}. */
export interface FeatureHasherOptions {
  /** The vector size. Default 2^18 (262,144), as Spark's HashingTF. */
  readonly dimensions?: number;
  /** The MurmurHash3 seed. Default 42, as Spark's HashingTF. */
  readonly seed?: number;
  /**
   * Give each feature the sign of its hash's top bit, so that colliding features tend to cancel
   * rather than add up (Weinberger et al., 2009). Default true.
   */
  readonly signed?: boolean;
}

/**
 * Maps named features to a fixed-size sparse vector by hashing their names: the index is the
 * name's MurmurHash3 modulo the size; a name given n times counts n.
 *
 * @example
 * const hasher = new FeatureHasher({ dimensions: 1 << 16 });
 * hasher.transform(['good', 'phone', 'good']); // { size: 65536, indices: [...2], values: [±2, ±1] }
 */
export class FeatureHasher {
  /** The size of the vectors it makes (`dimensions` option; default 2^18). */
  readonly dimensions: number;
  private readonly seed: number;
  private readonly signed: boolean;

  constructor(options: FeatureHasherOptions = {}) {
    const dimensions = options.dimensions ?? 1 << 18;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2 ** 31) {
      throw new ConfigurationError(
        `FeatureHasher: dimensions ${dimensions} must be a whole number from 1 to 2^31`,
      );
    }
    this.dimensions = dimensions;
    this.seed = options.seed ?? 42;
    this.signed = options.signed ?? true;
  }

  /** The sparse vector of `features` (names; repeated names add up). */
  transform(features: Iterable<string>): SparseVector {
    const sums = new Map<number, number>();
    for (const feature of features) {
      const hash = murmur3(feature, this.seed);
      const index = hash % this.dimensions;
      const sign = this.signed && hash >= 0x80000000 ? -1 : 1;
      sums.set(index, (sums.get(index) ?? 0) + sign);
    }
    const indices = [...sums.keys()].filter((i) => sums.get(i) !== 0).sort((a, b) => a - b);
    return { size: this.dimensions, indices, values: indices.map((i) => sums.get(i) as number) };
  }
}

/**
 * The feature names of a tokenized tweet, for a bag-of-words model: each word, negation and
 * hashtag (a negated one prefixed `NOT_`, so "not good" and "good" differ), each pair of
 * adjacent words (`good|phone`), and `EMOTICON+` / `EMOTICON-` per happy or sad emoticon.
 * Mentions, URLs, numbers, punctuation and symbols are left out: they name things, not moods.
 *
 * @example
 * tweetFeatureNames(tokenize("not a good phone :(")); // ['not', 'NOT_a', 'NOT_good', 'NOT_phone', 'a|good', ... 'EMOTICON-']
 */
export function tweetFeatureNames(tokens: readonly Token[]): string[] {
  const names: string[] = [];
  let previous: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'word' || token.kind === 'negation' || token.kind === 'hashtag') {
      const name = token.negated ? `NOT_${token.text}` : token.text;
      names.push(name);
      if (previous !== undefined) names.push(`${previous}|${token.text}`);
      previous = token.text;
    } else {
      if (token.kind === 'emoticon' && token.polarity !== 0)
        names.push(token.polarity > 0 ? 'EMOTICON+' : 'EMOTICON-');
      if (token.kind === 'punctuation' || token.kind === 'emoticon') previous = undefined;
    }
  }
  return names;
}

/**
 * A tweet's text as a hashed feature vector: {@link tokenize}, then {@link tweetFeatureNames},
 * then `hasher`.
 *
 * @example
 * const hasher = new FeatureHasher();
 * const x = tweetFeatures('Love my new iPhone :)', hasher);
 */
export function tweetFeatures(
  text: string,
  hasher: FeatureHasher,
  options: TokenizeOptions = {},
): SparseVector {
  return hasher.transform(tweetFeatureNames(tokenize(text, options)));
}
