/**
 * What a checkpoint holds and how it is put back: the graph's operators (to refuse a checkpoint
 * from another graph), the batches of every stateful node, each input's batches still needed
 * (windows, batches not yet completed) with its source position, and the times to resume from.
 */
import { formatDuration } from '../duration.js';
import { ConfigurationError } from '../errors.js';
import { InputNode } from '../dstream/inputs/input.js';
import type { DStreamGraph } from '../graph.js';
import type { CheckpointScope, DeferredEncoding } from '../dstream/node.js';

/**
 * Checkpoint format version; bump when the shape changes. Version 2 added incremental
 * checkpoints (`base`); a version 1 checkpoint is read as a whole one. Version 3 holds each
 * saved batch as bytes of its own, encoded in slices after the snapshot (see `slices.ts`).
 */
export const CHECKPOINT_VERSION = 3;
const READABLE_VERSIONS = new Set([1, 2, 3]);

/** One operator of the graph a checkpoint was taken from. */
export interface OperatorInfo {
  readonly name: string;
  readonly kind: string;
}

/** The batches of one node, `[time, encoded batch]`, oldest first. */
export interface SavedNode {
  readonly name: string;
  readonly batches: [number, unknown][];
}

/** The batches of one input and its source position after the newest of them. */
export interface SavedInput extends SavedNode {
  readonly position: unknown;
}

/** Everything a checkpoint holds. */
export interface CheckpointData {
  readonly version: number;
  readonly context: string;
  readonly batchInterval: number;
  readonly zeroTime: number;
  /** Every batch up to this time had completed. */
  readonly time: number;
  /**
   * Set on an incremental checkpoint: the time of the checkpoint it builds on. Some of its nodes
   * saved only what changed since they saved their batches there ({@link resolveCheckpoint}).
   */
  readonly base?: number;
  readonly operators: OperatorInfo[];
  readonly nodes: SavedNode[];
  readonly inputs: SavedInput[];
}

/** What restoring a checkpoint did. */
export interface Restored {
  readonly time: number;
  readonly zeroTime: number;
  /** Batch times that were generated but had not completed: they run again. */
  readonly pending: number[];
  /** Operators whose state the checkpoint did not have (only with `allowMissingState`). */
  readonly missingState: string[];
}

/**
 * Takes a checkpoint of `graph` after the batch at `time` completed. Synchronous, so it is
 * consistent. With `base` (the checkpoint before, written or being written in this run), nodes
 * with keyed state may save only what changed since: the checkpoint then says it is on `base`.
 *
 * With `deferred`, nodes with keyed state leave their saves there, to be encoded in slices
 * (`encodeInSlices`) before the checkpoint is written; the checkpoint holds their placeholders
 * until then. The batches it holds are the graph's own: encode it, never change it.
 */
export function takeCheckpoint(
  graph: DStreamGraph,
  time: number,
  zeroTime: number,
  base?: number,
  deferred?: DeferredEncoding[],
): CheckpointData {
  const scope: CheckpointScope = { time, base, onBase: false, ...(deferred ? { deferred } : {}) };
  const nodes = graph.allNodes();
  const saved: SavedNode[] = [];
  const inputs: SavedInput[] = [];
  for (const node of nodes) {
    if (node instanceof InputNode) {
      const remembered = node.checkpointBatches();
      const newest = remembered.at(-1)?.[0];
      // A restart runs the batches after `time` again and reads completed ones only for a window
      // over the input (one that made it keep batches beyond one slide): only those are saved.
      const oldest = time + node.slideDuration - node.rememberDuration;
      inputs.push({
        name: node.name,
        batches: remembered.filter(([t]) => t > time || t > oldest),
        position: newest === undefined ? node.currentPosition() : node.positionAt(newest),
      });
    } else if (node.mustCheckpoint || node.checkpointInterval !== undefined) {
      saved.push({ name: node.name, batches: node.checkpointBatches(scope) });
    }
  }
  return {
    version: CHECKPOINT_VERSION,
    context: graph.contextName,
    batchInterval: graph.batchInterval,
    zeroTime,
    time,
    ...(scope.onBase && base !== undefined ? { base } : {}),
    operators: nodes.map((n) => ({ name: n.name, kind: n.kind })).sort((a, b) => compare(a.name, b.name)),
    nodes: saved,
    inputs,
  };
}

/**
 * Puts a checkpoint's batches back into `graph` (before start). Refuses a checkpoint from a
 * different graph, naming the operators that differ, unless `allowMissingState` is set; then
 * restores what still matches.
 */
export function restoreCheckpoint(
  graph: DStreamGraph,
  data: CheckpointData,
  options: { readonly allowMissingState?: boolean } = {},
): Restored {
  if (data.batchInterval !== graph.batchInterval) {
    throw new ConfigurationError(
      `the checkpoint was written with batch interval ${formatDuration(data.batchInterval)}, this job uses ` +
        `${formatDuration(graph.batchInterval)}; use the same interval, or start from an empty checkpoint directory`,
    );
  }
  const current = new Map(graph.allNodes().map((n) => [n.name, n]));
  const before = new Map(data.operators.map((o) => [o.name, o.kind]));
  const differences: string[] = [];
  for (const [name, kind] of before) {
    const node = current.get(name);
    if (!node) differences.push(`'${name}' (${kind}) is in the checkpoint but not in this job`);
    else if (node.kind !== kind) differences.push(`'${name}' was a ${kind}, is now a ${node.kind}`);
  }
  for (const [name, node] of current) {
    if (!before.has(name)) differences.push(`'${name}' (${node.kind}) is new in this job`);
  }
  if (differences.length > 0 && !options.allowMissingState) {
    throw new ConfigurationError(
      `the checkpoint of time ${data.time} is from a different graph: ${differences.join('; ')}. ` +
        'Name operators with .name() so they match, pass { allowMissingState: true } to start with the ' +
        'state that still matches, or start from an empty checkpoint directory',
    );
  }
  const matches = (name: string): boolean => current.get(name)?.kind === before.get(name);
  const missingState: string[] = [];
  for (const node of current.values()) {
    const stateful = node.mustCheckpoint && !(node instanceof InputNode);
    if (stateful && !data.nodes.some((n) => n.name === node.name && matches(n.name)))
      missingState.push(node.name);
  }
  // Inputs and stateful nodes cannot recompute a batch the checkpoint does not hold; the others
  // (a map, a plain window) recompute theirs from the restored input batches when asked.
  for (const node of current.values())
    if (node instanceof InputNode || node.mustCheckpoint) node.restoredTime = data.time;
  for (const saved of data.nodes)
    if (matches(saved.name)) current.get(saved.name)?.restoreBatches(saved.batches);
  const pending = new Set<number>();
  for (const saved of data.inputs) {
    const input = current.get(saved.name);
    if (!(input instanceof InputNode) || !matches(saved.name)) continue;
    input.restoreInput(saved.batches, saved.position);
    for (const [t] of saved.batches) if (t > data.time) pending.add(t);
  }
  return {
    time: data.time,
    zeroTime: data.zeroTime,
    pending: [...pending].sort((a, b) => a - b),
    missingState,
  };
}

/**
 * An incremental checkpoint made whole: `chain` is the checkpoint, then its base, its base's
 * base, and so on to a whole checkpoint (newest first). Each node that saved only its changes
 * applies them to what it saved in the base, made whole first. Nodes the graph does not have
 * keep what they saved (restoring refuses or skips them as for any checkpoint).
 *
 * @throws Error when the chain is broken (a base is not the next checkpoint of the chain).
 */
export function resolveCheckpoint(graph: DStreamGraph, chain: readonly CheckpointData[]): CheckpointData {
  const [newest, ...older] = chain;
  if (newest === undefined) throw new Error('no checkpoint to resolve');
  if (newest.base === undefined) return newest;
  const base = older[0];
  if (base?.time !== newest.base) {
    throw new Error(`checkpoint ${newest.time} builds on checkpoint ${newest.base}, which is not there`);
  }
  const resolvedBase = resolveCheckpoint(graph, older);
  const current = new Map(graph.allNodes().map((n) => [n.name, n]));
  const nodes = newest.nodes.map((saved) => {
    const node = current.get(saved.name);
    if (node === undefined) return saved;
    const inBase = resolvedBase.nodes.find((n) => n.name === saved.name)?.batches;
    return { name: saved.name, batches: node.resolveBatches(saved.batches, inBase) as [number, unknown][] };
  });
  const { base: _base, ...whole } = newest;
  return { ...whole, nodes };
}

/** Checks that decoded bytes (`decodeCheckpointData`) have a checkpoint's shape; throws with what is wrong. */
export function asCheckpointData(value: unknown): CheckpointData {
  const data = value as Partial<CheckpointData> | null;
  if (data === null || typeof data !== 'object') throw new Error('not a checkpoint object');
  if (!READABLE_VERSIONS.has(data.version as number)) {
    throw new Error(`checkpoint format version ${String(data.version)}, expected ${CHECKPOINT_VERSION}`);
  }
  if (data.base !== undefined && (typeof data.base !== 'number' || !(data.base < (data.time as number)))) {
    throw new Error(`checkpoint base ${String(data.base)} is not a time before the checkpoint's`);
  }
  for (const key of ['batchInterval', 'zeroTime', 'time'] as const) {
    if (typeof data[key] !== 'number') throw new Error(`checkpoint field '${key}' is missing`);
  }
  if (!Array.isArray(data.operators) || !Array.isArray(data.nodes) || !Array.isArray(data.inputs)) {
    throw new Error('checkpoint lists operators, nodes or inputs wrongly');
  }
  return data as CheckpointData;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
