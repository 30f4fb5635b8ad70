/**
 * The systems a streaming benchmark compares, each as a {@link Runner} over the shared input:
 * Kindling (on the main thread, and with one worker thread besides it, each checkpointing as the
 * run's spec says; and on the main thread with checkpoints off whatever the spec says), the plain
 * loop (on one thread, and on two for the word count), and (when it can run) the Spark Streaming
 * baseline, which is reported as skipped with its reason otherwise.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkBaseline } from '../baselines/spark.js';
import type { BenchOptions, SkippedSystem } from '../result.js';
import { kindlingRun } from './kindling.js';
import { plainRun } from './plain.js';
import { PlainTwoThreads } from './plain-threads.js';
import { withoutCheckpoints, type Runner } from './run-spec.js';

/** The name of Kindling's row with checkpoints off. */
export const KINDLING_NO_CHECKPOINT = 'kindling (no checkpoint)';

/** A system under comparison. */
export interface System {
  readonly name:
    | 'kindling'
    | typeof KINDLING_NO_CHECKPOINT
    | 'kindling-2-threads'
    | 'plain-js'
    | 'plain-js-2-threads'
    | 'spark';
  readonly run: Runner;
}

/** The systems of a benchmark, and a `close` that ends what they started. */
export interface Systems {
  /** Kindling on the main thread, checkpointing at the spec's `checkpointMs`. */
  readonly kindling: System;
  /** Kindling on the main thread without checkpoints, whatever the spec says. */
  readonly kindlingNoCheckpoint: System;
  /** Kindling on two threads (one worker thread and the main thread), as Spark `local[2]` runs on two. */
  readonly kindling2: System;
  readonly plain: System;
  /**
   * The plain loop written by hand for two threads (the main thread and one worker thread): what
   * two cores give a hand-written word count. The word count on the manual clock only; its worker
   * thread starts with its first run and serves every run until `close`.
   */
  readonly plain2: System;
  readonly spark: System | undefined;
  readonly skipped: SkippedSystem[];
  close(): Promise<void>;
}

/**
 * Kindling and the plain loop over `lines`, and Spark over `file` (the same lines) from
 * `options.spark`, or started here when the run has none (and closed by `close`).
 */
export async function compareSystems(
  options: BenchOptions,
  file: string,
  lines: readonly string[],
): Promise<Systems> {
  const log = options.log ?? (() => undefined);
  const skipped: SkippedSystem[] = [];
  let own: SparkBaseline | undefined;
  let baseline: SparkBaseline | undefined;
  try {
    if (options.spark) {
      const provided = await options.spark();
      if ('skipped' in provided) skipped.push({ system: 'spark', reason: provided.skipped });
      else baseline = provided;
    } else {
      baseline = own = await SparkBaseline.start(log);
    }
  } catch (error) {
    skipped.push({ system: 'spark', reason: error instanceof Error ? error.message : String(error) });
  }
  const spark = baseline;
  let plainTwoThreads: Promise<PlainTwoThreads> | undefined;
  return {
    kindling: { name: 'kindling', run: (spec) => kindlingRun(lines, spec) },
    kindlingNoCheckpoint: {
      name: KINDLING_NO_CHECKPOINT,
      run: (spec) => kindlingRun(lines, withoutCheckpoints(spec)),
    },
    kindling2: { name: 'kindling-2-threads', run: (spec) => kindlingRun(lines, spec, 1) },
    plain: { name: 'plain-js', run: (spec) => plainRun(lines, spec) },
    plain2: {
      name: 'plain-js-2-threads',
      run: async (spec) => (await (plainTwoThreads ??= PlainTwoThreads.start())).run(lines, spec),
    },
    spark: spark && {
      name: 'spark',
      run: async (spec) => {
        if (spec.checkpointMs === undefined) return spark.run(file, spec);
        // Under the temp directory, as Kindling's: both sides write to the same file system.
        const checkpointDir = await mkdtemp(join(tmpdir(), 'spark-bench-checkpoint-'));
        try {
          return await spark.run(file, spec, checkpointDir);
        } finally {
          await rm(checkpointDir, { recursive: true, force: true });
        }
      },
    },
    skipped,
    close: async () => {
      // A loop that failed to start failed its runs already.
      await (await plainTwoThreads?.catch(() => undefined))?.close();
      await own?.close();
    },
  };
}
