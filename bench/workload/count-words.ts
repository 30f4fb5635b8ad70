/**
 * The word count of the streaming benchmarks' plain loops and reference digests: one loop, shared
 * by the one-thread loop, both threads of the two-thread loop and the expected digests.
 */

/**
 * Adds the words of `lines[from]` to `lines[to - 1]` (split on single spaces) to `counts`,
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
    const words = (lines[i] as string).split(' ');
    for (let j = 0; j < words.length; j++) {
      const word = words[j] as string;
      counts.set(word, (counts.get(word) ?? 0) + sign);
    }
  }
}
