/**
 * The tokenisers side by side on the benchmark's own lines: `words.ts` (what every JavaScript
 * system of the streaming benchmarks calls) against V8's `line.split(' ')`, each alone (no
 * counting), and whether they give the same words for every line.
 */
import { words } from './words.js';

/** Nanoseconds a word of each tokeniser, and the lines on which they disagree. */
export interface Tokenisers {
  readonly wordsNs: number;
  readonly splitNs: number;
  /** Line numbers (0-based) whose words differ, at most 5. */
  readonly disagree: number[];
}

/** The median ns a word of `tokenise` over `rounds` passes over `lines` (after one untimed pass). */
function nsPerWord(lines: readonly string[], tokenise: (line: string) => string[], rounds: number): number {
  const perWord: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < lines.length; i++) count += tokenise(lines[i] as string).length;
    if (round > 0) perWord.push(Number(process.hrtime.bigint() - start) / count);
  }
  perWord.sort((a, b) => a - b);
  return perWord[perWord.length >> 1] as number;
}

function split(line: string): string[] {
  return line.split(' ');
}

/**
 * Measures both tokenisers over `lines` (twice each, alternating, `rounds` timed passes a time;
 * the lower of a tokeniser's two medians) and compares their words line by line.
 *
 * @example
 * const { wordsNs, splitNs } = compareTokenisers(lines);
 */
export function compareTokenisers(lines: readonly string[], rounds = 5): Tokenisers {
  const disagree: number[] = [];
  for (let i = 0; i < lines.length && disagree.length < 5; i++) {
    const line = lines[i] as string;
    const mine = words(line);
    const theirs = split(line);
    if (mine.length !== theirs.length || mine.some((word, j) => word !== theirs[j])) disagree.push(i);
  }
  const wordsNs: number[] = [];
  const splitNs: number[] = [];
  for (let round = 0; round < 2; round++) {
    wordsNs.push(nsPerWord(lines, words, rounds));
    splitNs.push(nsPerWord(lines, split, rounds));
  }
  return { wordsNs: Math.min(...wordsNs), splitNs: Math.min(...splitNs), disagree };
}
