/**
 * The word count of the streaming benchmarks' plain loops and reference digests: one loop, shared
 * by the one-thread loop, both threads of the two-thread loop and the expected digests.
 */
import { words as wordsOf } from './words.js';

/**
 * Adds the words of `lines[from]` to `lines[to - 1]` (see `words.ts`) to `counts`,
 * `sign` times each (-1 takes a batch leaving a window out).
 */
export function countWordsInto(
  counts: Map<string, number>,
  lines: readonly string[],
  sign = 1,
  from = 0,
  to = lines.length,
): void {
  for (let i = from; i < to; i++) {
    const words = wordsOf(lines[i] as string);
    for (let j = 0; j < words.length; j++) {
      const word = words[j] as string;
      counts.set(word, (counts.get(word) ?? 0) + sign);
    }
  }
}
