/**
 * The two word counts the wordcount benchmark compares, over the same batches of lines split into
 * the same words: Kindling's `flatMap(split) -> map -> reduceByKey` on a ManualClock, and a loop
 * written by hand as well as we can (each line split at its spaces without an array, the words
 * counted in a hash table written for the job: `bench/workload/word-counts.ts`). Both fold each
 * batch's counts into running totals, so they do the same work.
 */
import { ManualClock, StreamingContext } from '../../lib/index.js';
import { WordCounts } from '../workload/word-counts.js';

/** Word -> count over every batch. */
export type Totals = Map<string, number>;

/** The split both counts use: the benchmark's lines are lower-case words joined by one space. */
export function split(line: string): string[] {
  return line.split(' ');
}

/**
 * Counts with Kindling: one queued batch per batch time, the ManualClock advanced batch by
 * batch, as fast as the engine goes.
 */
export async function kindlingCount(batches: readonly string[][]): Promise<Totals> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'bench-wordcount' });
  const totals: Totals = new Map();
  ssc
    .queueStream(batches.slice())
    .flatMap(split)
    .map((word): [string, number] => [word, 1])
    .reduceByKey((a, b) => a + b)
    .foreachBatch((pairs) => {
      for (const [word, n] of pairs) totals.set(word, (totals.get(word) ?? 0) + n);
    });
  await ssc.start();
  for (let i = 0; i < batches.length; i++) await clock.advance(1000);
  await ssc.stop();
  await ssc.awaitTermination();
  return totals;
}

/**
 * Counts with a plain loop: per batch the words of its lines (those of {@link split}) counted in
 * one table, reused from batch to batch, and folded into the totals.
 */
export function plainCount(batches: readonly string[][]): Totals {
  const totals: Totals = new Map();
  const counts = new WordCounts();
  for (const batch of batches) {
    counts.clear();
    counts.addLines(batch, 0, batch.length);
    const { words, counts: values } = counts;
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      totals.set(word, (totals.get(word) ?? 0) + (values[i] as number));
    }
  }
  return totals;
}

/**
 * Runs `batchCount` empty batches through a context with one output operation, for the engine's
 * fixed cost per batch. Returns the number of batches whose output ran.
 */
export async function emptyBatches(batchCount: number): Promise<number> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'bench-empty' });
  let ran = 0;
  ssc.queueStream<string>([]).foreachBatch(() => {
    ran++;
  });
  await ssc.start();
  for (let i = 0; i < batchCount; i++) await clock.advance(1000);
  await ssc.stop();
  await ssc.awaitTermination();
  return ran;
}

/** What is wrong when two totals differ (at most a few words named), or `undefined` if they agree. */
export function compareTotals(actual: Totals, expected: Totals, expectedWords: number): string | undefined {
  const problems: string[] = [];
  let sum = 0;
  for (const n of actual.values()) sum += n;
  if (sum !== expectedWords) problems.push(`counted ${sum} words, expected ${expectedWords}`);
  if (actual.size !== expected.size)
    problems.push(`${actual.size} distinct words, expected ${expected.size}`);
  for (const [word, n] of expected) {
    if (problems.length >= 5) break;
    const got = actual.get(word);
    if (got !== n) problems.push(`'${word}': ${String(got)}, expected ${n}`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}
