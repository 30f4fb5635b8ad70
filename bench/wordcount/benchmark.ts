/**
 * The wordcount benchmark: the demo's text repeated to at least 5 million words, cut into
 * batches, counted by Kindling (`flatMap(split) -> map([w, 1]) -> reduceByKey(+)`) and by a
 * loop written by hand in the same process (the same words, split without an array a line and
 * counted in a hash table written for the job). Reports words per second of each
 * (median of several runs after a warm-up), their ratio, and the engine's fixed cost of an empty
 * batch. Both counts must agree, total and per word.
 */
import { loadLines, words } from '../../examples/wordcount/text.js';
import { median, type BenchOptions, type BenchResult } from '../result.js';
import { compareTotals, emptyBatches, kindlingCount, plainCount, split } from './count.js';

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface WordcountSettings {
  /** At least this many words in all. */
  readonly words: number;
  /** How many batches the words are cut into. */
  readonly batches: number;
  /** Measured runs of each count (after one warm-up run each); the median is reported. */
  readonly runs: number;
  /** How many empty batches the fixed-cost measurement runs (after a warm-up of a quarter as many). */
  readonly emptyBatches: number;
}

export const FULL: WordcountSettings = { words: 5_000_000, batches: 50, runs: 7, emptyBatches: 2000 };
export const QUICK: WordcountSettings = { words: 2_000_000, batches: 20, runs: 2, emptyBatches: 500 };

/** The benchmark's input: batches of lines of lower-case words joined by single spaces. */
export function buildBatches(settings: Pick<WordcountSettings, 'words' | 'batches'>): {
  batches: string[][];
  words: number;
} {
  const text = loadLines()
    .map((line) => words(line).join(' '))
    .filter((line) => line.length > 0);
  const perCopy = text.reduce((sum, line) => sum + split(line).length, 0);
  const copies = Math.ceil(settings.words / perCopy);
  const lines: string[] = [];
  for (let c = 0; c < copies; c++) for (const line of text) lines.push(line);
  const perBatch = Math.ceil(lines.length / settings.batches);
  const batches: string[][] = [];
  for (let i = 0; i < lines.length; i += perBatch) batches.push(lines.slice(i, i + perBatch));
  return { batches, words: copies * perCopy };
}

async function seconds(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runWordcount(
  options: BenchOptions,
  settings?: WordcountSettings,
): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const { batches, words: total } = buildBatches(s);
  log(`wordcount: ${total.toLocaleString('en-US')} words in ${batches.length} batches, ${s.runs} runs`);

  const expected = plainCount(batches);
  const problems: string[] = [];
  const check = (who: string, totals: Map<string, number>): void => {
    const problem = compareTotals(totals, expected, total);
    if (problem) problems.push(`${who}: ${problem}`);
  };

  // Warm-up: one full run of each, checked like the rest.
  check('kindling (warm-up)', await kindlingCount(batches));
  check('plain-js (warm-up)', plainCount(batches));

  const kindlingTimes: number[] = [];
  const plainTimes: number[] = [];
  for (let run = 0; run < s.runs; run++) {
    let k = new Map<string, number>();
    let p = new Map<string, number>();
    kindlingTimes.push(await seconds(async () => (k = await kindlingCount(batches))));
    plainTimes.push(await seconds(() => (p = plainCount(batches))));
    check(`kindling run ${run + 1}`, k);
    check(`plain-js run ${run + 1}`, p);
    log(
      `  run ${run + 1}: kindling ${kindlingTimes.at(-1)?.toFixed(3)} s, plain-js ${plainTimes.at(-1)?.toFixed(3)} s`,
    );
  }

  await emptyBatches(Math.max(1, s.emptyBatches >> 2));
  let ran = 0;
  const emptyTime = await seconds(async () => (ran = await emptyBatches(s.emptyBatches)));
  if (ran !== s.emptyBatches) problems.push(`empty batches: ${ran} outputs ran, expected ${s.emptyBatches}`);

  for (const problem of problems) log(`  MISMATCH ${problem}`);
  const kindlingRate = total / median(kindlingTimes);
  const plainRate = total / median(plainTimes);
  return {
    name: 'wordcount',
    rows: [
      { system: 'kindling', metric: 'words/s', value: kindlingRate },
      { system: 'plain-js', metric: 'words/s', value: plainRate },
      { system: 'kindling', metric: 'empty batch (µs)', value: (emptyTime / s.emptyBatches) * 1e6 },
      { system: 'input', metric: 'words', value: total },
      { system: 'input', metric: 'distinct words', value: expected.size },
      { system: 'input', metric: 'batches', value: batches.length },
    ],
    ratios: { 'kindling / plain-js (words/s)': kindlingRate / plainRate },
    correct: problems.length === 0,
  };
}

/** The entry point `bench/run.ts` calls. */
export default function wordcount(options: BenchOptions): Promise<BenchResult> {
  return runWordcount(options);
}
