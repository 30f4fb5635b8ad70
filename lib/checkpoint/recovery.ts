/**
 * Resuming a job: the checkpoint to resume from (the newest one that reads back intact and
 * decodes; every newer one passed over is listed with its reason, so the job can say so), and
 * the batches of the batch log after it, which run again with the plans they ran with.
 */
import { ConfigurationError, describe } from '../errors.js';
import type { DStreamGraph } from '../graph.js';
import type { CheckpointStore, SkippedCheckpoint } from '../types.js';
import { readBatchPlans, restoreBatchPlans } from './batch-plans.js';
import {
  asCheckpointData,
  resolveCheckpoint,
  restoreCheckpoint,
  type CheckpointData,
  type Restored,
} from './checkpoint.js';
import { decodeCheckpointData } from './slices.js';

/** The newest usable checkpoint in `store`, if any, and the ones skipped. */
export interface FoundCheckpoint {
  readonly data: CheckpointData | undefined;
  readonly skipped: SkippedCheckpoint[];
}

/**
 * The newest checkpoint of `store` that reads back and decodes, made whole for `graph` when it is
 * incremental (its base, and the base's base, must read back and decode too), with the newer
 * ones skipped and why.
 */
export async function readNewestCheckpoint(
  store: CheckpointStore,
  graph: DStreamGraph,
): Promise<FoundCheckpoint> {
  const { checkpoints, skipped } = await store.readAll();
  const passedOver = [...skipped];
  const decoded = new Map<number, CheckpointData | Error>();
  const decode = (time: number): CheckpointData | Error | undefined => {
    if (!decoded.has(time)) {
      const stored = checkpoints.find((c) => c.time === time);
      if (stored === undefined) return undefined;
      try {
        decoded.set(time, asCheckpointData(decodeCheckpointData(stored.data)));
      } catch (error) {
        decoded.set(time, error instanceof Error ? error : new Error(String(error)));
      }
    }
    return decoded.get(time);
  };
  for (const checkpoint of checkpoints) {
    const chain: CheckpointData[] = [];
    let reason: string | undefined;
    for (let time: number | undefined = checkpoint.time; time !== undefined;) {
      const data = decode(time);
      if (data instanceof Error) {
        reason = `${time === checkpoint.time ? '' : `its base checkpoint of time ${time} `}cannot be decoded: ${describe(data)}`;
        break;
      }
      if (data === undefined) {
        reason = `it holds only the changes since the checkpoint of time ${time}, which is missing or unreadable`;
        break;
      }
      chain.push(data);
      time = data.base;
    }
    if (reason === undefined) {
      try {
        return { data: resolveCheckpoint(graph, chain), skipped: passedOver };
      } catch (error) {
        reason = `cannot be made whole from its base: ${describe(error)}`;
      }
    }
    passedOver.push({ name: checkpoint.name, reason });
  }
  return { data: undefined, skipped: passedOver };
}

/** What resuming a job from its checkpoint store did. */
export interface Recovery extends Restored {
  /** Newer checkpoints passed over as unreadable, and why. */
  readonly skipped: SkippedCheckpoint[];
  /** Batch times after the checkpoint that run again with the plans of the batch log. */
  readonly replayed: number[];
}

/** Options of `StreamingContext.getOrCreate`. */
export interface RecoveryOptions {
  /**
   * Resume from a checkpoint of a different graph: stateful operators it has no state for start
   * empty (listed in `checkpointRestored.missingState`). Default false: such a checkpoint is refused.
   */
  readonly allowMissingState?: boolean;
  /**
   * When every checkpoint is unreadable, delete them all and start afresh (sources from their
   * committed or starting offsets). Default false: the job refuses to start.
   */
  readonly discardUnreadableCheckpoints?: boolean;
}

/**
 * Puts `graph` back where the newest readable checkpoint of `store` left it, and hands its inputs
 * the plans of the batches after it from the batch log. Undefined when the store holds no
 * checkpoint (a first run). When it holds checkpoints and none can be read, it refuses, as Spark
 * does: the job's state and positions are lost, and starting afresh would read from the
 * sources' committed or latest offsets, silently. `discardUnreadableCheckpoints` clears the store
 * and starts afresh instead.
 */
export async function recoverGraph(
  store: CheckpointStore,
  graph: DStreamGraph,
  options: RecoveryOptions,
  warn: (message: string) => void,
): Promise<Recovery | undefined> {
  const found = await readNewestCheckpoint(store, graph);
  for (const skip of found.skipped) {
    warn(`skipped checkpoint ${skip.name} in ${store.description}: ${skip.reason}`);
  }
  if (!found.data) {
    if (found.skipped.length === 0) {
      const { plans } = await store.readPlans();
      if (plans.length > 0) {
        warn(
          `${store.description} holds ${plans.length} batches' plans but no checkpoint: they are from a ` +
            'run whose checkpoints were deleted, and are not replayed',
        );
      }
      return undefined;
    }
    if (!options.discardUnreadableCheckpoints) {
      throw new ConfigurationError(
        `every checkpoint in ${store.description} is unreadable (${found.skipped
          .map((s) => `${s.name}: ${s.reason}`)
          .join('; ')}), so the job's state and its sources' positions are lost. Restore a ` +
          'checkpoint from a backup, or pass { discardUnreadableCheckpoints: true } to getOrCreate to ' +
          'clear them and start afresh (sources then start from their committed or starting offsets)',
      );
    }
    warn(`every checkpoint in ${store.description} is unreadable: cleared, the job starts afresh`);
    await store.clear();
    return undefined;
  }
  const restored = restoreCheckpoint(graph, found.data, options);
  const log = await readBatchPlans(store, restored.time);
  const replayed = restoreBatchPlans(graph, log, options);
  const pending = [...new Set([...restored.pending, ...replayed])].sort((a, b) => a - b);
  return { ...restored, pending, skipped: found.skipped, replayed };
}
