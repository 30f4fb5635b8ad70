/**
 * The input of the streaming benchmarks (word count, windowed count, small batches): lines of
 * words drawn from a skewed vocabulary by a seeded generator, written once to a file under the
 * git-ignored `.cache/bench/` that Kindling and the Spark baseline both read. The n-th batch of a
 * run is cut the same way on both sides ({@link batchLines}).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the input file holds. */
export interface LinesSpec {
  /** Number of lines in the file. */
  readonly lines: number;
  /** Words in every line. */
  readonly wordsPerLine: number;
  /** Distinct words to draw from; word rank r is drawn with probability about 1 / (r · ln V). */
  readonly vocabulary: number;
  /** Seed of the generator: the same seed gives the same file. */
  readonly seed: number;
}

/** The input every streaming benchmark uses: 200k lines of 10 words from 20k distinct words. */
export const LINES: LinesSpec = { lines: 200_000, wordsPerLine: 10, vocabulary: 20_000, seed: 7 };

/**
 * The small-batch benchmark's input: records of one word each, so that its 50k records/s measure
 * the cost of a batch rather than of counting (the same vocabulary and seed as {@link LINES}).
 */
export const WORDS: LinesSpec = { ...LINES, wordsPerLine: 1 };

/** Where the generated input files go: `.cache/bench/` at the repository's root. */
export const CACHE_DIR = fileURLToPath(new URL('../../.cache/bench/', import.meta.url));

/**
 * A 32-bit generator (mulberry32): the same seed gives the same sequence on every machine.
 *
 * @example
 * const next = seededRandom(7); next(); // a number in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The word of rank `rank` (0-based): lower-case letters, base 26, at least two of them. */
export function wordOf(rank: number): string {
  let word = '';
  let n = rank + 26;
  while (n > 0) {
    word = String.fromCharCode(97 + (n % 26)) + word;
    n = Math.floor(n / 26);
  }
  return word;
}

/** Generates the lines of `spec` in memory. */
export function generateLines(spec: LinesSpec): string[] {
  if (!(spec.lines > 0 && spec.wordsPerLine > 0 && spec.vocabulary > 1)) {
    throw new RangeError(
      `lines ${spec.lines}, words per line ${spec.wordsPerLine} and vocabulary ${spec.vocabulary} must be positive (vocabulary at least 2)`,
    );
  }
  const random = seededRandom(spec.seed);
  const words = Array.from({ length: spec.vocabulary }, (_, rank) => wordOf(rank));
  const lines: string[] = [];
  const line: string[] = [];
  for (let i = 0; i < spec.lines; i++) {
    line.length = 0;
    for (let j = 0; j < spec.wordsPerLine; j++) {
      // log-uniform rank: a Zipf-like skew (a few words are common, most are rare)
      const rank = Math.min(
        spec.vocabulary - 1,
        Math.floor(Math.exp(random() * Math.log(spec.vocabulary))) - 1,
      );
      line.push(words[rank] as string);
    }
    lines.push(line.join(' '));
  }
  return lines;
}

/**
 * The input file of `spec` under `dir` (written, via a temp file and a rename, if it is not there
 * yet) and its lines.
 *
 * @example
 * const { file, lines } = inputLines(LINES); // both systems read `file`
 */
export function inputLines(
  spec: LinesSpec = LINES,
  dir: string = CACHE_DIR,
): { file: string; lines: string[] } {
  const file = join(dir, `lines-${spec.lines}x${spec.wordsPerLine}-v${spec.vocabulary}-s${spec.seed}.txt`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${generateLines(spec).join('\n')}\n`, 'ascii');
    renameSync(temp, file);
  }
  const lines = readFileSync(file, 'ascii').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length !== spec.lines) {
    throw new Error(
      `${file} has ${lines.length} lines, expected ${spec.lines}: delete it to have it written again`,
    );
  }
  return { file, lines };
}

/**
 * The lines of the `n`-th batch (0-based) of a run with `perBatch` lines a batch: `perBatch`
 * lines from line `(n · perBatch) mod size` on, wrapping around (the Spark baseline cuts the same).
 */
export function batchLines(lines: readonly string[], n: number, perBatch: number): string[] {
  const size = lines.length;
  const start = (n * perBatch) % size;
  const batch = new Array<string>(perBatch);
  for (let i = 0; i < perBatch; i++) batch[i] = lines[(start + i) % size] as string;
  return batch;
}
