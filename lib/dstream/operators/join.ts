/**
 * cogroup and the joins (inner, left outer, right outer, full outer) of two pair streams, batch by
 * batch: the batch at time t of the result combines both streams' batches at t. Each parent is
 * read with `forEachRecord` into a map of key to values (a fused narrow chain builds no array of
 * its own); both are read at once, and the output order is fixed by the keys' first appearance,
 * the left stream's keys first, then the keys only the right stream holds.
 */
import { formatDuration } from '../../duration.js';
import { ConfigurationError } from '../../errors.js';
import { Node, type Sink } from '../node.js';
import type { Key } from './pairs.js';

/** The operators this file builds; each is also the node's kind. */
export type CoGroupKind = 'cogroup' | 'join' | 'leftOuterJoin' | 'rightOuterJoin' | 'fullOuterJoin';

/**
 * Turns one key's values from both sides into output records, appended to `out`. Called once per
 * key present in either batch; `left` or `right` is empty when that side has no value for the key.
 */
export type CoGroupEmitter<K, V, W, R> = (key: K, left: V[], right: W[], out: R[]) => void;

/** A node that groups two pair streams' batches by key and emits records per key. */
export class CoGroupNode<K extends Key, V, W, R> extends Node<R> {
  constructor(
    left: Node<[K, V]>,
    right: Node<[K, W]>,
    kind: CoGroupKind,
    private readonly emit: CoGroupEmitter<K, V, W, R>,
  ) {
    super(left.scope, kind, [left as Node<unknown>, right as Node<unknown>]);
  }

  /** Both streams must slide alike: a batch of one is matched with the batch of the other at the same time. */
  override validate(): void {
    super.validate();
    const [left, right] = this.dependencies as [Node<unknown>, Node<unknown>];
    if (left.slideDuration !== right.slideDuration) {
      throw new ConfigurationError(
        `${this.kind} '${this.name}': its streams slide at different intervals ('${left.name}' every ` +
          `${formatDuration(left.slideDuration)}, '${right.name}' every ${formatDuration(right.slideDuration)}); ` +
          'window both streams with the same slide first',
      );
    }
  }

  protected async compute(time: number): Promise<R[]> {
    const [left, right] = this.dependencies as [Node<[K, V]>, Node<[K, W]>];
    const lefts = new Map<K, V[]>();
    const rights = new Map<K, W[]>();
    await Promise.all([left.forEachRecord(time, collect(lefts)), right.forEachRecord(time, collect(rights))]);
    const out: R[] = [];
    for (const [key, values] of lefts) this.emit(key, values, rights.get(key) ?? [], out);
    for (const [key, values] of rights) if (!lefts.has(key)) this.emit(key, [], values, out);
    return out;
  }
}

/** A sink that appends each pair's value to its key's array in `groups`, in arrival order. */
function collect<K extends Key, V>(groups: Map<K, V[]>): Sink<[K, V]> {
  return (pair) => {
    const values = groups.get(pair[0]);
    if (values) values.push(pair[1]);
    else groups.set(pair[0], [pair[1]]);
  };
}

/** cogroup: one record per key, with both sides' values (either may be empty). */
export function cogroupEmitter<K, V, W>(): CoGroupEmitter<K, V, W, [K, [V[], W[]]]> {
  return (key, left, right, out) => {
    out.push([key, [left, right]]);
  };
}

/** join: one record per pair of a left and a right value of the same key. */
export function joinEmitter<K, V, W>(): CoGroupEmitter<K, V, W, [K, [V, W]]> {
  return (key, left, right, out) => {
    for (const v of left) for (const w of right) out.push([key, [v, w]]);
  };
}

/** leftOuterJoin: as join, and a left value with no right value is paired with `undefined`. */
export function leftOuterJoinEmitter<K, V, W>(): CoGroupEmitter<K, V, W, [K, [V, W | undefined]]> {
  return (key, left, right, out) => {
    if (right.length === 0) for (const v of left) out.push([key, [v, undefined]]);
    else for (const v of left) for (const w of right) out.push([key, [v, w]]);
  };
}

/** rightOuterJoin: as join, and a right value with no left value is paired with `undefined`. */
export function rightOuterJoinEmitter<K, V, W>(): CoGroupEmitter<K, V, W, [K, [V | undefined, W]]> {
  return (key, left, right, out) => {
    if (left.length === 0) for (const w of right) out.push([key, [undefined, w]]);
    else for (const v of left) for (const w of right) out.push([key, [v, w]]);
  };
}

/** fullOuterJoin: as join, and a value with nothing on the other side is paired with `undefined`. */
export function fullOuterJoinEmitter<K, V, W>(): CoGroupEmitter<
  K,
  V,
  W,
  [K, [V | undefined, W | undefined]]
> {
  return (key, left, right, out) => {
    if (right.length === 0) for (const v of left) out.push([key, [v, undefined]]);
    else if (left.length === 0) for (const w of right) out.push([key, [undefined, w]]);
    else for (const v of left) for (const w of right) out.push([key, [v, w]]);
  };
}
