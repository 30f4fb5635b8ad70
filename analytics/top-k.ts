/**
 * The k best items of a collection in O(n log k) time and O(k) space: a bounded binary heap
 * whose root is the worst item kept, so each new item is compared with it first.
 */
import { ConfigurationError } from '../lib/index.js';

/** Orders two items: negative when `a` ranks before (is better than) `b`, positive after, 0 tied. */
export type Ranking<T> = (a: T, b: T) => number;

/**
 * The `k` best items of `items` by `rank`, best first, in O(n log k) comparisons. Items that
 * tie keep their input order. `k` larger than the number of items returns them all, sorted.
 *
 * @example
 * topK([5, 1, 9, 3], 2, (a, b) => b - a); // [9, 5]
 */
export function topK<T>(items: Iterable<T>, k: number, rank: Ranking<T>): T[] {
  if (!Number.isInteger(k) || k < 0)
    throw new ConfigurationError(`top-k: k ${k} must be a whole number, 0 or more`);
  if (k === 0) return [];
  // A max-heap of the kept items by rank (the worst at the root); ties broken by arrival, later worse.
  const heap: { item: T; seq: number }[] = [];
  const worse = (a: { item: T; seq: number }, b: { item: T; seq: number }): boolean => {
    const c = rank(a.item, b.item);
    return c > 0 || (c === 0 && a.seq > b.seq);
  };
  let seq = 0;
  for (const item of items) {
    const entry = { item, seq: seq++ };
    if (heap.length < k) {
      heap.push(entry);
      siftUp(heap, heap.length - 1, worse);
    } else if (worse(heap[0] as { item: T; seq: number }, entry)) {
      heap[0] = entry;
      siftDown(heap, 0, worse);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0)).map((e) => e.item);
}

/**
 * Ranks `[key, count]` pairs by count, highest first; equal counts by key, ascending, so that a
 * top-k of counts is the same whatever order the pairs came in.
 *
 * @example
 * topK(counts, 10, byCountThenKey)
 */
export function byCountThenKey<K extends string | number | bigint | boolean>(
  a: readonly [K, number],
  b: readonly [K, number],
): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function siftUp<E>(heap: E[], index: number, worse: (a: E, b: E) => boolean): void {
  let i = index;
  const entry = heap[i] as E;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent] as E;
    if (!worse(entry, p)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = entry;
}

function siftDown<E>(heap: E[], index: number, worse: (a: E, b: E) => boolean): void {
  const n = heap.length;
  let i = index;
  const entry = heap[i] as E;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    let child = left;
    if (right < n && worse(heap[right] as E, heap[left] as E)) child = right;
    if (!worse(heap[child] as E, entry)) break;
    heap[i] = heap[child] as E;
    i = child;
  }
  heap[i] = entry;
}
