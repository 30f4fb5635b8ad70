/**
 * Counting keys over a sliding window, incrementally, and keeping the k largest counts: the two
 * steps that hashtag and location counts share.
 */
import type { DStream, Key } from '../lib/index.js';
import { byCountThenKey, topK } from './top-k.js';

/** The window of a windowed count. */
export interface WindowOptions {
  /** The window's length, ms: a multiple of the batch interval. */
  readonly windowDuration: number;
  /** How often a window ends, ms: a multiple of the batch interval. Default: the batch interval. */
  readonly slideDuration?: number;
}

/**
 * How many times each key occurs in each window: `reduceByKeyAndWindow` with `+` and its inverse
 * `-`, so the cost per batch grows with the slide, not the window. Keys whose count falls to 0
 * are dropped. The engine checks the durations when the context starts.
 *
 * @example
 * countPerWindow(words, { windowDuration: minutes(1), slideDuration: seconds(10) })
 * // one batch per slide: [['the', 52], ['streaming', 3], ...]
 */
export function countPerWindow<K extends Key>(
  keys: DStream<K>,
  options: WindowOptions,
): DStream<[K, number]> {
  return keys
    .map((key): [K, number] => [key, 1])
    .reduceByKeyAndWindow(
      (a, b) => a + b,
      (a, b) => a - b,
      options.windowDuration,
      options.slideDuration,
      { filter: ([, count]) => count > 0 },
    );
}

/**
 * Keeps the `k` largest counts of each batch, largest first (equal counts by key, ascending), in
 * O(n log k) per batch. Each output batch is ordered: its first record is the top one.
 *
 * @example
 * topByCount(countPerWindow(words, { windowDuration: minutes(1) }), 10).print();
 */
export function topByCount<K extends Key>(counts: DStream<[K, number]>, k: number): DStream<[K, number]> {
  return counts.mapBatch((pairs) => topK(pairs, k, byCountThenKey));
}
