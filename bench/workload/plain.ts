/**
 * The plain-loop baseline: the same word counts as Kindling's pipeline, written by hand (a `Map`
 * per batch, or one running window `Map` with counts added and taken out), run batch after batch
 * as fast as they complete. It is the limit the engine is measured against.
 */
import { countWordsInto } from './count-words.js';
import { DigestBuilder } from './digest.js';
import { batchLines } from './lines.js';
import { windowBatches, type Measured, type RunSpec } from './run-spec.js';

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
  const batches = Array.from({ length: spec.batches }, (_, n) => batchLines(lines, n, spec.linesPerBatch));
  const processingMs: number[] = [];
  const digests: string[] = [];
  const running = new Map<string, number>();
  for (let n = 0; n < batches.length; n++) {
    const start = process.hrtime.bigint();
    const digest = new DigestBuilder();
    if (window === undefined) {
      const counts = new Map<string, number>();
      countWordsInto(counts, batches[n] as string[]);
      for (const [word, count] of counts) digest.add(word, count);
    } else {
      countWordsInto(running, batches[n] as string[]);
      if (n >= window) countWordsInto(running, batches[n - window] as string[], -1);
      for (const [word, count] of running) {
        if (count > 0) digest.add(word, count);
        else running.delete(word);
      }
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
