/**
 * Finding the checkpoint to resume from: the newest one that reads back intact and decodes.
 * Every newer one passed over is listed with its reason, so the job can say so.
 */
import { describe } from '../errors.js';
import type { CheckpointStore, SkippedCheckpoint } from '../types.js';
import { asCheckpointData, type CheckpointData } from './checkpoint.js';
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
