/**
 * The word-count demo's text and tokeniser, shared with `bench/wordcount`. The text is the
 * opening of chapter I ("Down the Rabbit-Hole") of Lewis Carroll's *Alice's Adventures in
 * Wonderland* (1865), which is in the public domain; it is reproduced from memory and may differ
 * from the printed edition in small details.
 */
import { readFileSync } from 'node:fs';

/** Where the bundled text lives. */
export const TEXT_FILE = new URL('./data/alice.txt', import.meta.url);

/**
 * The bundled text's non-blank lines, as they are in the file.
 *
 * @example
 * const lines = loadLines(); // ['Alice was beginning to get very tired ...', ...]
 */
export function loadLines(): string[] {
  return readFileSync(TEXT_FILE, 'utf8')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
}

const WORD = /[a-z]+(?:'[a-z]+)*/g;

/**
 * The words of a line: lower-cased runs of letters, apostrophes kept inside a word (`didn't`),
 * punctuation and digits dropped. Hyphenated words count as their parts.
 *
 * @example
 * words('"Oh dear! Oh dear! I shall be late!"') // ['oh', 'dear', 'oh', 'dear', 'i', 'shall', 'be', 'late']
 */
export function words(line: string): string[] {
  return line.toLowerCase().match(WORD) ?? [];
}

/**
 * The `n` pairs with the highest counts, highest first; ties in alphabetical order, so the
 * result does not depend on the order of `pairs`.
 *
 * @example
 * topWords([['a', 1], ['b', 3], ['c', 3]], 2) // [['b', 3], ['c', 3]]
 */
export function topWords(pairs: readonly (readonly [string, number])[], n: number): [string, number][] {
  return pairs
    .map(([word, count]): [string, number] => [word, count])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n);
}
