/**
 * The batch log: what each batch read from each replayable input (its plan: offset ranges, file
 * names), written to the checkpoint store before the batch's outputs run. A batch's records are
 * so decided once: after a crash, the batches the log holds past the checkpoint run again with
 * the plans they ran with, and are never planned afresh (Spark's direct Kafka stream keeps its
 * offset ranges in the checkpoint for the same reason).
 */
import { ConfigurationError, KindlingError, describe } from '../errors.js';
import type { DStreamGraph } from '../graph.js';
import { PlannedInputNode } from '../dstream/inputs/planned-input.js';
import type { CheckpointStore } from '../types.js';
import { decodeCheckpoint, encodeCheckpoint } from './codec.js';

/** Version of a batch's plans as written; bump when the shape changes. */
const PLANS_VERSION = 1;

/** The plans of one batch: `[input name, plan]` for every input that planned it. */
export interface BatchPlans {
  readonly version: number;
  readonly time: number;
  readonly inputs: [string, unknown][];
}

/** Writes each batch's plans to a checkpoint store; the graph calls it before a batch's outputs run. */
export class BatchLog {
  constructor(private readonly store: CheckpointStore) {}

  /** Writes the plans of the batch at `time` durably; resolves once they are. */
  async write(time: number, inputs: [string, unknown][]): Promise<void> {
    const plans: BatchPlans = { version: PLANS_VERSION, time, inputs };
    try {
      await this.store.writePlans(time, encodeCheckpoint(plans));
    } catch (error) {
      throw new KindlingError(
        `could not write the plans of the batch of time ${time} to the batch log in ${this.store.description}: ` +
          `${describe(error)}; the batch did not run (a batch runs only once its plans are durable)`,
        { cause: error, retriable: error instanceof KindlingError ? error.retriable : true },
      );
    }
  }
}

/**
 * The plans `store` holds for batches after `after` (every batch when undefined), oldest first.
 * Throws a {@link ConfigurationError} when one of them cannot be read back: the batch it
 * describes may have written its outputs, and it cannot be replayed as it ran.
 */
export async function readBatchPlans(
  store: CheckpointStore,
  after: number | undefined,
): Promise<BatchPlans[]> {
  const { plans, skipped } = await store.readPlans();
  const unreadable = skipped.filter((s) => after === undefined || timeOf(s.name) > after);
  const found: BatchPlans[] = [];
  for (const stored of plans) {
    if (after !== undefined && stored.time <= after) continue;
    try {
      found.push(asBatchPlans(decodeCheckpoint(stored.data), stored.time));
    } catch (error) {
      unreadable.push({ name: stored.name, reason: (error as Error).message });
    }
  }
  if (unreadable.length > 0) {
    const which = unreadable.map((s) => `${s.name} (${s.reason})`).join('; ');
    throw new ConfigurationError(
      `the batch log in ${store.description} is damaged: ${which}. The batches it describes may have ` +
        'written their outputs and cannot be read again as they ran. Delete those files to read the ' +
        'batches afresh (their outputs may then hold some records twice or miss some), or restore them',
    );
  }
  return found.sort((a, b) => a.time - b.time);
}

/**
 * Hands each input of `graph` its plans from `log`, to replay; returns the batch times replayed.
 * A plan for an input the graph does not have is refused, as a checkpoint from another graph is,
 * unless `allowMissingState`.
 */
export function restoreBatchPlans(
  graph: DStreamGraph,
  log: readonly BatchPlans[],
  options: { readonly allowMissingState?: boolean } = {},
): number[] {
  const inputs = new Map<string, PlannedInputNode<unknown>>();
  for (const input of graph.inputs) if (input instanceof PlannedInputNode) inputs.set(input.name, input);
  const times: number[] = [];
  for (const { time, inputs: plans } of log) {
    for (const [name, plan] of plans) {
      const input = inputs.get(name);
      if (input) input.restorePlan(time, plan);
      else if (!options.allowMissingState) {
        throw new ConfigurationError(
          `the batch log holds a plan of the batch of time ${time} for input '${name}', which this job ` +
            'does not have: it is from a different graph. Name inputs with .name() so they match, pass ' +
            '{ allowMissingState: true }, or start from an empty checkpoint directory',
        );
      }
    }
    times.push(time);
  }
  return times;
}

function asBatchPlans(value: unknown, time: number): BatchPlans {
  const plans = value as Partial<BatchPlans> | null;
  if (plans === null || typeof plans !== 'object' || plans.version !== PLANS_VERSION) {
    throw new Error(`not a batch's plans of format version ${PLANS_VERSION}`);
  }
  if (plans.time !== time || !Array.isArray(plans.inputs)) {
    throw new Error(`the plans of batch ${time} hold time ${String(plans.time)} or no inputs`);
  }
  return plans as BatchPlans;
}

/** The batch time in a stored name such as `plans-0000000000001000`, or +Infinity. */
function timeOf(name: string): number {
  const digits = /(\d+)$/.exec(name)?.[1];
  return digits === undefined ? Infinity : Number(digits);
}
