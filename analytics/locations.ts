/**
 * Counts of tweets per author location: the free text of a profile's `location`, normalised so
 * that "  New York " and "new  york" count together.
 */
import type { DStream } from '../lib/index.js';
import type { TweetLike } from './tweet.js';
import { countPerWindow, type WindowOptions } from './window-counts.js';

/**
 * A profile location normalised for counting: Unicode NFKC, trimmed, lower-cased, runs of
 * white space collapsed to one space. Undefined for a missing, non-string or blank location.
 *
 * Gotchas: no geocoding: "NYC" and "New York" stay apart, as do "London" and "London, UK".
 *
 * @example
 * normalizeLocation('  New   York\n'); // 'new york'
 * normalizeLocation('   '); // undefined
 */
export function normalizeLocation(location: unknown): string | undefined {
  if (typeof location !== 'string') return undefined;
  const normal = location.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
  return normal === '' ? undefined : normal;
}

/**
 * The number of tweets per normalised author location in each window, as `[location, tweets]`
 * pairs; tweets without a location are not counted, and a record that is not an object (null)
 * is a dead letter of the result.
 *
 * @example
 * locationCounts(tweets, { windowDuration: minutes(10), slideDuration: seconds(10) })
 * // one batch per slide: [['new york', 12], ['london', 7], ...]
 */
export function locationCounts(
  tweets: DStream<TweetLike>,
  options: WindowOptions,
): DStream<[string, number]> {
  return countPerWindow(
    tweets.flatMap(
      (tweet) => {
        const location = normalizeLocation(tweet.user?.location);
        return location === undefined ? [] : [location];
      },
      { onRecordError: 'deadLetter' },
    ),
    options,
  );
}
