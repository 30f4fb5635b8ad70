/**
 * Kindling's side of the streaming benchmarks: a real `StreamingContext` per run, fed by
 * `queueStream` with the run's batches queued before the start (as the Spark baseline queues its
 * RDDs), counting words per batch or over a window with the inverse function, each batch's output
 * reduced to its digest in a `foreachBatch`. On one thread the pipeline is Spark's word count
 * (`flatMap(words) -> map([w, 1]) -> reduceByKey(+)`, with the tokeniser of `words.ts`); with
 * worker threads, the tokeniser runs on the pool and `countByValue` fuses with it (each slice
 * counted on its thread, the counts merged on the main thread), as Spark's `reduceByKey` combines
 * each partition before its shuffle. With `spec.checkpointMs` the context checkpoints at that
 * interval into a fresh directory under the system's temp directory, removed after the run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ManualClock,
  StreamingContext,
  SystemClock,
  workerTask,
  type DStream,
  type EventOf,
} from '../../lib/index.js';
import { DigestBuilder } from './digest.js';
import { batchLines } from './lines.js';
import { windowBatches, type Measured, type RunSpec } from './run-spec.js';
import { words } from './words.js';

const WORDS = workerTask<string, string>(new URL('./words.ts', import.meta.url), 'words', {
  kind: 'flatMap',
});

function pipeline(
  ssc: StreamingContext,
  queue: string[][],
  spec: RunSpec,
  threads: number,
): DStream<[string, number]> {
  if (threads > 0) {
    if (windowBatches(spec) !== undefined)
      throw new Error('the windowed workload runs on one thread only: its two-thread version is not built');
    return ssc.queueStream(queue).parallel(WORDS).countByValue();
  }
  const pairs = ssc
    .queueStream(queue)
    .flatMap(words)
    .map((word): [string, number] => [word, 1]);
  if (windowBatches(spec) === undefined) return pairs.reduceByKey((a, b) => a + b);
  return pairs.reduceByKeyAndWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    spec.windowMs ?? 0,
    spec.intervalMs,
    { filter: ([, n]) => n > 0 },
  );
}

/**
 * Runs `spec` on Kindling over `lines`, with `threads` worker threads besides the main thread
 * (0: all on the main thread). With the manual clock each batch's figure is the wall time of
 * `clock.advance(interval)` (which resolves once the batch's output completed); with the system
 * clock, the delays of the `batchCompleted` events. A manual-clock batch's time includes its
 * checkpoint (the advance waits for the write); a real-time batch's processing delay does not:
 * the context takes and encodes the checkpoint on the main thread once the batch has completed
 * (a batch due meanwhile waits, which its scheduling delay shows) and writes it in the background.
 *
 * @example
 * const measured = await kindlingRun(lines, { workload: 'wordcount', clock: 'system', intervalMs: 100, linesPerBatch: 5000, batches: 50 });
 */
export async function kindlingRun(lines: readonly string[], spec: RunSpec, threads = 0): Promise<Measured> {
  const checkpointDir =
    spec.checkpointMs === undefined ? undefined : await mkdtemp(join(tmpdir(), 'kindling-bench-checkpoint-'));
  try {
    return await run(lines, spec, threads, checkpointDir);
  } finally {
    if (checkpointDir !== undefined) await rm(checkpointDir, { recursive: true, force: true });
  }
}

async function run(
  lines: readonly string[],
  spec: RunSpec,
  threads: number,
  checkpointDir: string | undefined,
): Promise<Measured> {
  const queue = Array.from({ length: spec.batches }, (_, n) => batchLines(lines, n, spec.linesPerBatch));
  const manual = spec.clock === 'manual' ? new ManualClock() : undefined;
  const ssc = new StreamingContext({
    batchInterval: spec.intervalMs,
    clock: manual ?? new SystemClock(),
    name: `bench-${spec.workload}`,
    ...(threads > 0 ? { workers: threads } : {}),
    ...(checkpointDir === undefined
      ? {}
      : { checkpointDir, checkpointInterval: spec.checkpointMs ?? spec.intervalMs }),
  });
  const digests = new Map<number, string>();
  pipeline(ssc, queue, spec, threads).foreachBatch((pairs, time) => {
    const digest = new DigestBuilder();
    for (let i = 0; i < pairs.length; i++) {
      const [word, count] = pairs[i] as [string, number];
      digest.add(word, count);
    }
    digests.set(time, digest.toString());
  });
  const completed: EventOf<'batchCompleted'>[] = [];
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const subscription = ssc.events.subscribe((event) => {
    if (event.type !== 'batchCompleted') return;
    completed.push(event);
    if (completed.length === spec.batches) allDone();
  });
  const processingMs: number[] = [];
  try {
    await ssc.start();
    if (manual) {
      for (let n = 0; n < spec.batches; n++) {
        const start = process.hrtime.bigint();
        await manual.advance(spec.intervalMs);
        processingMs.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    } else {
      // A run that falls behind is cut off: then only the batches completed by then count.
      const limitMs = 30_000 + 3 * spec.batches * spec.intervalMs;
      let timer: NodeJS.Timeout | undefined;
      const cutOff = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
      try {
        await Promise.race([done, cutOff]);
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    subscription.unsubscribe();
    await ssc.stop();
    await ssc.awaitTermination();
  }
  const batches = completed.slice(0, spec.batches);
  const failed = batches.find((event) => event.error);
  if (failed?.error) throw failed.error;
  const order = batches.map((event) => {
    const digest = digests.get(event.batchTime);
    if (digest === undefined) throw new Error(`no output for batch ${event.batchTime}`);
    return digest;
  });
  if (manual)
    return { processingMs, schedulingMs: processingMs.map(() => 0), totalMs: processingMs, digests: order };
  return {
    processingMs: batches.map((event) => event.processingDelay),
    schedulingMs: batches.map((event) => event.schedulingDelay),
    totalMs: batches.map((event) => event.totalDelay),
    digests: order,
  };
}
