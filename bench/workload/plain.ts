/**
 * The plain-loop baseline: the same word counts as Kindling's pipeline, written by hand as well
 * as we can, run batch after batch as fast as they complete. It is the limit the engine is
 * measured against. Each batch's lines are read where they are in the input (no batch array),
 * split and counted in one pass into a {@link WordCounts} table reused from batch to batch; the
 * window keeps each batch's counts, adds the new batch's and takes out those of the batch leaving
 * it (as Kindling's and Spark's incremental windows do), and drops the words whose count fell to
 * 0 once they are half the table.
 */
import { DigestBuilder } from './digest.js';
import { windowBatches, type Measured, type RunSpec } from './run-spec.js';
import { WordCounts } from './word-counts.js';

/** The digest of the words of `counts` whose count is above 0; returns how many were not. */
function digestInto(digest: DigestBuilder, counts: WordCounts): number {
  const { words, counts: values } = counts;
  let zeros = 0;
  for (let i = 0; i < words.length; i++) {
    const count = values[i] as number;
    if (count > 0) digest.add(words[i] as string, count);
    else zeros++;
  }
  return zeros;
}

/** Adds `sign` times each count of `batch` to `window`. */
function addCounts(window: WordCounts, batch: WordCounts, sign: number): void {
  const { words, counts } = batch;
  for (let i = 0; i < words.length; i++) window.add(words[i] as string, sign * (counts[i] as number));
}

/**
 * Runs `spec` with plain loops over `lines`; only the manual-clock form (each batch's wall time).
 *
 * @example
 * const measured = await plainRun(lines, { workload: 'wordcount', clock: 'manual', intervalMs: 1000, linesPerBatch: 10_000, batches: 5 });
 */
export async function plainRun(lines: readonly string[], spec: RunSpec): Promise<Measured> {
  if (spec.clock !== 'manual') {
    throw new Error(`the plain loop runs with the manual clock only, not '${spec.clock}'`);
  }
  const window = windowBatches(spec);
  // Wordcount: one table, cleared every batch. Windowed: the counts of the window's batches and
  // the one leaving it, in a ring, and the window's.
  const batches = Array.from({ length: (window ?? 0) + 1 }, () => new WordCounts());
  const running = new WordCounts();
  const processingMs: number[] = [];
  const digests: string[] = [];
  for (let n = 0; n < spec.batches; n++) {
    const start = process.hrtime.bigint();
    const digest = new DigestBuilder();
    const batch = batches[n % batches.length] as WordCounts;
    batch.clear();
    batch.addLinesFrom(lines, n * spec.linesPerBatch, spec.linesPerBatch);
    if (window === undefined) digestInto(digest, batch);
    else {
      addCounts(running, batch, 1);
      if (n >= window) addCounts(running, batches[(n - window) % batches.length] as WordCounts, -1);
      const zeros = digestInto(digest, running);
      if (2 * zeros > running.words.length) running.dropZeros();
    }
    digests.push(digest.toString());
    processingMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return Promise.resolve({
    processingMs,
    schedulingMs: processingMs.map(() => 0),
    totalMs: processingMs,
    digests,
  });
}
