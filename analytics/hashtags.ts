/**
 * Hashtags of tweets, and the top k hashtags of each window of a stream of tweets.
 */
import type { DStream } from '../lib/index.js';
import { describeValue, tokenize } from './tokenizer.js';
import type { TweetLike } from './tweet.js';
import { countPerWindow, topByCount, type WindowOptions } from './window-counts.js';
import { ConfigurationError, KindlingError } from '../lib/index.js';

/**
 * The distinct hashtags of a tweet, lower-cased, with their `#`, in order of appearance: from
 * the tweet's `entities.hashtags` when it has them (as Twitter found them), else from its text.
 * A tag used twice in a tweet is counted once.
 *
 * @example
 * hashtagsOf({ text: 'New #iPhone! #apple #Apple' }); // ['#iphone', '#apple']
 */
export function hashtagsOf(tweet: TweetLike): string[] {
  const entities = tweet.entities?.hashtags;
  const tags = entities
    ? entities.map((h, i) => {
        if (typeof h?.text !== 'string') {
          throw new KindlingError(
            `hashtagsOf: entities.hashtags[${i}] has no text (got ${describeValue(h?.text)})`,
          );
        }
        return `#${h.text.toLowerCase()}`;
      })
    : tokenize(tweet.text, { negationScope: 0 })
        .filter((t) => t.kind === 'hashtag')
        .map((t) => t.text);
  return [...new Set(tags)];
}

/** Options of {@link topHashtags}. */
export interface TopHashtagsOptions extends WindowOptions {
  /** How many hashtags each window keeps. */
  readonly k: number;
}

/**
 * The `k` most used hashtags of each window, as `[hashtag, tweets]` pairs, most used first
 * (equal counts in alphabetical order): a count per window kept up to date incrementally
 * (`reduceByKeyAndWindow` with an inverse), then a top-k per batch in O(n log k). A tweet
 * whose hashtags cannot be read (no text, a malformed entity) is a dead letter of the result.
 *
 * @example
 * topHashtags(tweets, { k: 10, windowDuration: minutes(5), slideDuration: seconds(10) })
 *   .foreachBatch((top, time) => dashboard.show(time, top)); // [['#apple', 41], ['#ios5', 17], ...]
 */
export function topHashtags(
  tweets: DStream<TweetLike>,
  options: TopHashtagsOptions,
): DStream<[string, number]> {
  if (!Number.isInteger(options.k) || options.k < 1) {
    throw new ConfigurationError(`topHashtags: k ${options.k} must be a whole number, 1 or more`);
  }
  const tags = tweets.flatMap(hashtagsOf, { onRecordError: 'deadLetter' });
  return topByCount(countPerWindow(tags, options), options.k);
}
