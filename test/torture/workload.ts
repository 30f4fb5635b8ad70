/**
 * The crash test's input: numbered lines of words, made from a seed, and what a job that counted
 * them exactly once must end with. A seeded generator also draws the kill schedule, so a failing
 * seed runs the same schedule again.
 */
import { seededRandom } from '../../bench/workload/lines.js';

/** The benchmarks' seeded generator (mulberry32): the same seed gives the same numbers. */
export const random = seededRandom;

/** Words per line after its number. */
export const WORDS_PER_LINE = 3;

/** The lines of a run: line i is `<i> w w w`, its words drawn from 40 by `rand`. */
export function makeLines(count: number, rand: () => number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: WORDS_PER_LINE }, () => `w${Math.floor(rand() * 40)}`);
    lines.push(`${i} ${words.join(' ')}`);
  }
  return lines;
}

/** The line's number and its words. */
export function parseLine(line: string): { id: number; words: string[] } {
  const [id, ...words] = line.split(' ');
  return { id: Number(id), words };
}

/** How often each word occurs in `lines`: the exact final state of the job's word count. */
export function wordCounts(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    for (const w of parseLine(line).words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

/** What an output holds against what it should: ids missing, ids written more than once. */
export interface Difference {
  readonly missing: number;
  readonly duplicates: number;
  /** A few examples, for the failure message. */
  readonly examples: string[];
}

/** Compares the ids an output holds (each as often as it holds it) with 0..count-1, each once. */
export function compareIds(ids: Iterable<number>, count: number): Difference {
  const seen = new Map<number, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  const examples: string[] = [];
  let missing = 0;
  let duplicates = 0;
  for (let id = 0; id < count; id++) {
    const n = seen.get(id) ?? 0;
    if (n === 0) {
      missing++;
      if (examples.length < 5) examples.push(`line ${id} missing`);
    } else if (n > 1) {
      duplicates += n - 1;
      if (examples.length < 5) examples.push(`line ${id} ${n} times`);
    }
  }
  for (const id of seen.keys()) {
    if (!(id >= 0 && id < count)) {
      duplicates++;
      if (examples.length < 5) examples.push(`unknown line ${id}`);
    }
  }
  return { missing, duplicates, examples };
}

/** Compares word counts with the expected: words counted short (missing) or over (duplicates). */
export function compareCounts(
  actual: ReadonlyMap<string, number>,
  expected: ReadonlyMap<string, number>,
): Difference {
  let missing = 0;
  let duplicates = 0;
  const examples: string[] = [];
  for (const word of new Set([...actual.keys(), ...expected.keys()])) {
    const diff = (actual.get(word) ?? 0) - (expected.get(word) ?? 0);
    if (diff < 0) missing -= diff;
    if (diff > 0) duplicates += diff;
    if (diff !== 0 && examples.length < 5) {
      examples.push(`${word}: ${actual.get(word) ?? 0} instead of ${expected.get(word) ?? 0}`);
    }
  }
  return { missing, duplicates, examples };
}
