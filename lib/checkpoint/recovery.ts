/**
 * Resuming a job: the checkpoint to resume from (the newest one that reads back intact and
 * decodes; every newer one passed over is listed with its reason, so the job can say so), and
 * the batches of the batch log after it, which run again with the plans they ran with.
 */
import { ConfigurationError, describe } from '../errors.js';
import type { DStreamGraph } from '../graph.js';
import type { CheckpointStore, SkippedCheckpoint } from '../types.js';
import { readBatchPlans, restoreBatchPlans } from './batch-plans.js';
import { asCheckpointData, restoreCheckpoint, type CheckpointData, type Restored } from './checkpoint.js';
import { decodeCheckpoint } from './codec.js';

/** The newest usable checkpoint in `store`, if any, and the ones skipped. */
export interface FoundCheckpoint {
  readonly data: CheckpointData | undefined;
  readonly skipped: SkippedCheckpoint[];
}

/** The newest checkpoint of `store` that reads back and decodes, with the newer ones skipped and why. */
export async function readNewestCheckpoint(store: CheckpointStore): Promise<FoundCheckpoint> {
  const { checkpoints, skipped } = await store.readAll();
  const passedOver = [...skipped];
  for (const checkpoint of checkpoints) {
    try {
      return { data: asCheckpointData(decodeCheckpoint(checkpoint.data)), skipped: passedOver };
    } catch (error) {
      passedOver.push({ name: checkpoint.name, reason: `cannot be decoded: ${describe(error)}` });
    }
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

/** Options of {@link recoverGraph}: those of `StreamingContext.getOrCreate`. */
export interface RecoveryOptions {
  readonly allowMissingState?: boolean;
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
  const found = await readNewestCheckpoint(store);
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
