/**
 * The plain loop on two threads: the word count written by hand for the main thread and one
 * worker thread (no Kindling, no pool): what two cores give a hand-written loop of the workload,
 * beside Spark `local[2]` and Kindling on two threads. The worker thread starts once and serves
 * every run of a {@link PlainTwoThreads} (its code stays warm, as a pool's threads do). Each
 * batch's first half of lines goes to the worker by `postMessage` (a structured clone: the way any
 * JS program hands strings to another thread; the half is gathered from the input, no batch array
 * is built first), the main thread counts the second half meanwhile where it lies in the input,
 * and the worker's counts are added to its own before the digest (which does not depend on the
 * order of the pairs; see `digest.ts`).
 */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { DigestBuilder } from './digest.js';
import type { PostedCounts } from './plain-worker.js';
import type { Measured, RunSpec } from './run-spec.js';
import { startWorker } from './ts-worker.js';
import { WordCounts } from './word-counts.js';

/** `count` lines of `lines` from line `first` on, wrapping around at the end. */
function linesFrom(lines: readonly string[], first: number, count: number): string[] {
  const out = new Array<string>(count);
  const size = lines.length;
  let at = first % size;
  for (let i = 0; i < count; i++) {
    out[i] = lines[at] as string;
    if (++at === size) at = 0;
  }
  return out;
}

/** The two-thread plain loop, its worker thread started once for every run until {@link close}. */
export class PlainTwoThreads {
  private readonly counts = new WordCounts();

  private constructor(private readonly worker: Worker) {}

  /**
   * Starts the worker thread and waits until it has loaded.
   *
   * @example
   * const loop = await PlainTwoThreads.start();
   * const measured = await loop.run(lines, spec);
   * await loop.close();
   */
  static async start(): Promise<PlainTwoThreads> {
    return new PlainTwoThreads(await startWorker(new URL('./plain-worker.ts', import.meta.url)));
  }

  /**
   * Runs `spec` over `lines`: the word count only, on the manual clock only (each batch's wall
   * time), like `plainRun`.
   */
  async run(lines: readonly string[], spec: RunSpec): Promise<Measured> {
    if (spec.clock !== 'manual') {
      throw new Error(`the two-thread plain loop runs with the manual clock only, not '${spec.clock}'`);
    }
    if (spec.workload !== 'wordcount') {
      throw new Error(
        `the two-thread plain loop counts words per batch only: its '${spec.workload}' version is not built`,
      );
    }
    const processingMs: number[] = [];
    const digests: string[] = [];
    const half = spec.linesPerBatch >> 1;
    for (let n = 0; n < spec.batches; n++) {
      const start = process.hrtime.bigint();
      const first = n * spec.linesPerBatch;
      const reply = once(this.worker, 'message');
      this.worker.postMessage(linesFrom(lines, first, half));
      const counts = this.counts;
      counts.clear();
      counts.addLinesFrom(lines, first + half, spec.linesPerBatch - half);
      const [theirs] = (await reply) as [PostedCounts];
      for (let i = 0; i < theirs.words.length; i++) {
        counts.add(theirs.words[i] as string, theirs.counts[i] as number);
      }
      const digest = new DigestBuilder();
      for (let i = 0; i < counts.words.length; i++) {
        digest.add(counts.words[i] as string, counts.counts[i] as number);
      }
      digests.push(digest.toString());
      processingMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return { processingMs, schedulingMs: processingMs.map(() => 0), totalMs: processingMs, digests };
  }

  /** Ends the worker thread. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Runs `spec` once with the plain loop on two threads over `lines`, on a worker thread of its own
 * (started before the first batch, not timed, and ended after the last).
 *
 * @example
 * const measured = await plainRun2(lines, { workload: 'wordcount', clock: 'manual', intervalMs: 1000, linesPerBatch: 10_000, batches: 5 });
 */
export async function plainRun2(lines: readonly string[], spec: RunSpec): Promise<Measured> {
  const loop = await PlainTwoThreads.start();
  try {
    return await loop.run(lines, spec);
  } finally {
    await loop.close();
  }
}
