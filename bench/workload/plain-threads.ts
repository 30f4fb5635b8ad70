/**
 * The plain loop on two threads: the word count written by hand for the main thread and one
 * worker thread (no Kindling, no pool): what two cores give a hand-written loop of the workload,
 * beside Spark `local[2]` and Kindling on two threads. Each batch's first half of lines goes to the
 * worker by `postMessage` (a structured clone: the way any JS program hands strings to another
 * thread), the main thread counts the second half meanwhile, and the worker's counts are added to
 * its own before the digest (which does not depend on the order of the pairs; see `digest.ts`).
 */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { DigestBuilder } from './digest.js';
import { batchLines } from './lines.js';
import { countWordsInto } from './count-words.js';
import type { PostedCounts } from './plain-worker.js';
import type { Measured, RunSpec } from './run-spec.js';
import { startWorker } from './ts-worker.js';

/** The counts of `lines`: the first half counted by `worker`, the second here at the same time. */
async function countOnTwoThreads(worker: Worker, lines: string[]): Promise<Map<string, number>> {
  const half = lines.length >> 1;
  const reply = once(worker, 'message');
  worker.postMessage(lines.slice(0, half));
  const counts = new Map<string, number>();
  countWordsInto(counts, lines, 1, half, lines.length);
  const [theirs] = (await reply) as [PostedCounts];
  for (let i = 0; i < theirs.words.length; i++) {
    const word = theirs.words[i] as string;
    counts.set(word, (counts.get(word) ?? 0) + (theirs.counts[i] as number));
  }
  return counts;
}

/**
 * Runs `spec` with the plain loop on two threads over `lines`: the word count only, on the manual
 * clock only (each batch's wall time), like `plainRun`. The worker is started before the first
 * batch (not timed) and ended after the last.
 *
 * @example
 * const measured = await plainRun2(lines, { workload: 'wordcount', clock: 'manual', intervalMs: 1000, linesPerBatch: 10_000, batches: 5 });
 */
export async function plainRun2(lines: readonly string[], spec: RunSpec): Promise<Measured> {
  if (spec.clock !== 'manual') {
    throw new Error(`the two-thread plain loop runs with the manual clock only, not '${spec.clock}'`);
  }
  if (spec.workload !== 'wordcount') {
    throw new Error(
      `the two-thread plain loop counts words per batch only: its '${spec.workload}' version is not built`,
    );
  }
  const batches = Array.from({ length: spec.batches }, (_, n) => batchLines(lines, n, spec.linesPerBatch));
  const processingMs: number[] = [];
  const digests: string[] = [];
  const worker = await startWorker(new URL('./plain-worker.ts', import.meta.url));
  try {
    for (const batch of batches) {
      const start = process.hrtime.bigint();
      const digest = new DigestBuilder();
      for (const [word, count] of await countOnTwoThreads(worker, batch)) digest.add(word, count);
      digests.push(digest.toString());
      processingMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    await worker.terminate();
  }
  return { processingMs, schedulingMs: processingMs.map(() => 0), totalMs: processingMs, digests };
}
