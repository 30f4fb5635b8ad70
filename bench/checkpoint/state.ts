/**
 * The state the checkpoint benchmark saves: word counts of n distinct words, as a `Map`, as an
 * array of `[word, count]` pairs (a batch of a pair stream), and as two columns, words and counts
 * (what `updateStateByKey` and `mapWithState` write into a checkpoint; see
 * `lib/checkpoint/columns.ts`).
 */
import { fromColumns, toColumns, type ColumnBatch } from '../../lib/checkpoint/columns.js';

/** Word -> count, the same as pairs, or as columns. */
export type WordCounts = Map<string, number> | [string, number][] | ColumnBatch;

/** The shapes of state the benchmark measures. */
export type StateShape = 'Map' | 'pairs' | 'columns';

/** n distinct word-like keys (`word0`, `word1`, ... in base 36), each counted 1 to 1000 times. */
export function wordCounts(n: number, shape: StateShape): WordCounts {
  // Built with push, not `new Array(n)`: v8.serialize writes a holey array as a sparse one, larger and slower.
  const pairs: [string, number][] = [];
  for (let i = 0; i < n; i++) pairs.push([`word${i.toString(36)}`, ((i * 7919) % 1000) + 1]);
  if (shape === 'columns') return toColumns(pairs, 2);
  return shape === 'Map' ? new Map(pairs) : pairs;
}

/** The state as `[word, count]` pairs, whatever its shape. */
function asPairs(state: WordCounts): [string, number][] {
  if (state instanceof Map) return [...state];
  return Array.isArray(state) ? state : fromColumns<[string, number]>(state);
}

/** The state as JSON can hold it: a Map becomes its pairs; columns stay columns. */
export function toJson(state: WordCounts): string {
  return JSON.stringify(state instanceof Map ? [...state] : state);
}

/** Parses {@link toJson}'s output back into the shape of `like`. */
export function fromJson(json: string, like: WordCounts): WordCounts {
  const parsed = JSON.parse(json) as [string, number][] | ColumnBatch;
  return like instanceof Map ? new Map(parsed as [string, number][]) : parsed;
}

/** Why `actual` differs from `expected` (shape, size, first differing entry), or undefined. */
export function compareState(actual: unknown, expected: WordCounts): string | undefined {
  if (expected instanceof Map) {
    if (!(actual instanceof Map)) return `read back ${typeof actual}, expected a Map`;
    if (actual.size !== expected.size) return `read back ${actual.size} keys, expected ${expected.size}`;
    for (const [key, value] of expected) {
      if (actual.get(key) !== value) return `'${key}': ${String(actual.get(key))}, expected ${value}`;
    }
    return undefined;
  }
  if (!Array.isArray(expected)) {
    if (Array.isArray(actual) || actual === null || typeof actual !== 'object' || !('columns' in actual))
      return `read back ${typeof actual}, expected columns`;
    return compareState(asPairs(actual as ColumnBatch), asPairs(expected));
  }
  if (!Array.isArray(actual)) return `read back ${typeof actual}, expected an array`;
  if (actual.length !== expected.length)
    return `read back ${actual.length} pairs, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const [key, value] = expected[i] as [string, number];
    const got: unknown = actual[i];
    if (!Array.isArray(got) || got.length !== 2 || got[0] !== key || got[1] !== value) {
      return `pair ${i}: ${JSON.stringify(got)}, expected ${JSON.stringify([key, value])}`;
    }
  }
  return undefined;
}
