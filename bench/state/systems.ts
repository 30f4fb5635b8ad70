/**
 * The systems the state benchmark compares, each as a runner of a {@link StateRunSpec}: the
 * plain loop, Kindling's `mapWithState` and `updateStateByKey`, and (when it can run) Spark's
 * `mapWithState` on the Spark baseline, reported as skipped with its reason otherwise.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkBaseline } from '../baselines/spark.js';
import type { BenchOptions, SkippedSystem } from '../result.js';
import { CACHE_DIR } from '../workload/lines.js';
import { kindlingStateRun } from './kindling.js';
import { plainRun, type Expiry } from './plain.js';
import type { StateMeasured, StateRunSpec } from './workload.js';

/** Who is measured. */
export type StateSystemName =
  'plain-js' | 'kindling mapWithState' | 'kindling updateStateByKey' | 'spark mapWithState';

/** A system under comparison. */
export interface StateSystem {
  readonly name: StateSystemName;
  /** When a timeout removes idle keys in this system (what its outputs are checked against). */
  readonly expiry: Expiry;
  /** Why the system cannot run `spec`, or undefined when it can. */
  unsupported(spec: StateRunSpec): string | undefined;
  run(spec: StateRunSpec, initial: readonly (readonly [string, number])[]): Promise<StateMeasured>;
}

/** The systems, the ones skipped, and a `close` that ends what was started. */
export interface StateSystems {
  readonly systems: readonly StateSystem[];
  readonly skipped: SkippedSystem[];
  close(): Promise<void>;
}

/** Runs `work` with a new temp directory, removed afterwards. */
async function withDir<T>(parent: string, prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, prefix));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Spark baseline of `options` (or one started here, closed by `close`), or why there is none. */
async function sparkBaseline(
  options: BenchOptions,
): Promise<{ baseline?: SparkBaseline; own?: SparkBaseline; skipped?: string }> {
  try {
    if (!options.spark) {
      const own = await SparkBaseline.start(options.log);
      return { baseline: own, own };
    }
    const provided = await options.spark();
    return 'skipped' in provided ? { skipped: provided.skipped } : { baseline: provided };
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
}

/** The benchmark's systems, in the order they run. */
export async function stateSystems(options: BenchOptions): Promise<StateSystems> {
  const skipped: SkippedSystem[] = [];
  const spark = await sparkBaseline(options);
  if (spark.skipped !== undefined) skipped.push({ system: 'spark mapWithState', reason: spark.skipped });
  const none = (): undefined => undefined;
  const systems: StateSystem[] = [
    {
      name: 'plain-js',
      expiry: 'every batch',
      unsupported: none,
      run: (spec, initial) =>
        spec.checkpointMs === undefined
          ? plainRun(spec, initial)
          : withDir(tmpdir(), 'kindling-bench-state-plain-', (checkpointDir) =>
              plainRun(spec, initial, { checkpointDir }),
            ),
    },
    {
      name: 'kindling mapWithState',
      expiry: 'every batch',
      unsupported: none,
      run: (spec, initial) => kindlingStateRun('mapWithState', spec, initial),
    },
    {
      name: 'kindling updateStateByKey',
      expiry: 'every batch',
      unsupported: (spec) =>
        spec.timeoutMs === undefined
          ? undefined
          : 'updateStateByKey has no timeout (as in Spark): its runs are the ones without',
      run: (spec, initial) => kindlingStateRun('updateStateByKey', spec, initial),
    },
  ];
  const baseline = spark.baseline;
  if (baseline) {
    systems.push({
      name: 'spark mapWithState',
      expiry: 'checkpoint batches',
      unsupported: (spec) =>
        spec.checkpointMs === undefined
          ? "Spark's mapWithState always checkpoints its state (a checkpoint directory is required; every 10 batch intervals by default): it has no run without checkpointing"
          : undefined,
      run: (spec) => withDir(CACHE_DIR, 'spark-state-checkpoint-', (dir) => baseline.runState(spec, dir)),
    });
  }
  return {
    systems,
    skipped,
    close: async () => {
      await spark.own?.close();
    },
  };
}
