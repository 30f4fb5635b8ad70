/**
 * Durations in Kindling are plain numbers of milliseconds. These helpers make call sites read
 * like the field: `seconds(30)` rather than `30000`.
 *
 * @example
 * new StreamingContext({ batchInterval: seconds(1) });
 * counts.reduceByKeyAndWindow((a, b) => a + b, minutes(1), seconds(5));
 */

/**
 * `n` milliseconds.
 *
 * @example
 * new StreamingContext({ batchInterval: milliseconds(200) });
 */
export function milliseconds(n: number): number {
  return n;
}

/**
 * `n` seconds, in milliseconds.
 *
 * @example
 * seconds(30) // 30000
 */
export function seconds(n: number): number {
  return n * 1000;
}

/**
 * `n` minutes, in milliseconds.
 *
 * @example
 * words.countByValueAndWindow(minutes(10), seconds(30))
 */
export function minutes(n: number): number {
  return n * 60_000;
}

/** Formats a duration for messages, in ms so that multiples are easy to check: `1500 ms`. */
export function formatDuration(ms: number): string {
  return `${ms} ms`;
}

/** True when `a` is a whole multiple of `b` (both in milliseconds). */
export function isMultipleOf(a: number, b: number): boolean {
  return b > 0 && a % b === 0;
}
