/**
 * updateStateByKey (Spark's StateDStream): each batch, every key that has a state or data is
 * passed to the update function with its values of the batch; the batch holds the new state.
 *
 * The state lives in one private Map from key to its `[key, state]` pair, which each batch updates
 * in place; the batch it outputs is a fresh array of those pairs. A key whose state changed gets a
 * new pair and an unchanged key keeps its pair, so an earlier batch (still read by a window, say)
 * never changes, and a batch allocates a pair only per changed key. The map is reused only when it
 * holds exactly the state of time − slide; otherwise (a batch recomputed out of order, or after a
 * failed batch) it is rebuilt from that batch's pairs. The states themselves are shared: an update
 * function that mutates a state object in place also changes what earlier batches hold, as in
 * Spark; treat the pairs of a batch as read-only.
 */
import { fromColumns, toColumns } from '../checkpoint/columns.js';
import { Node } from './node.js';
import type { Key } from './pairs.js';

/**
 * The update function of updateStateByKey: the key's values of this batch and its state, then
 * the key and the batch time for a function that needs them (Spark's `(time, key, values, state)`
 * form, with the arguments in this order so that the short form stays `(values, state)`).
 *
 * @example
 * const total: UpdateFunction<number, number> = (values, state) => (state ?? 0) + values.length;
 * // the time of the last batch that brought data, per key
 * const lastSeen = (values: number[], state: number | undefined, _key: string, time: number) =>
 *   values.length > 0 ? time : state;
 */
export type UpdateFunction<V, S, K = unknown> = (
  values: V[],
  state: S | undefined,
  key: K,
  time: number,
) => S | undefined;

/** Options of `updateStateByKey`. */
export interface UpdateStateOptions<K, S> {
  /** The state before the first batch (read once, when the operator is built). */
  readonly initialState?: Iterable<readonly [K, S]> | ReadonlyMap<K, S>;
}

/** updateStateByKey: every key with a state or data is updated each batch; see the file summary. */
export class UpdateStateNode<K extends Key, V, S> extends Node<[K, S]> {
  private readonly initial: readonly (readonly [K, S])[];
  /** The pairs as of `time` by key, owned by this node; `undefined` when they must be rebuilt. */
  private latest: { time: number; pairs: Map<K, [K, S]> } | undefined;

  constructor(
    parent: Node<[K, V]>,
    private readonly update: UpdateFunction<V, S, K>,
    initialState: UpdateStateOptions<K, S>['initialState'],
  ) {
    super(parent.scope, 'updateStateByKey', [parent]);
    this.mustCheckpoint = true;
    this.initial = initialState === undefined ? [] : Array.from(initialState);
  }

  /** A checkpoint holds each batch as two columns, keys and states: much faster to encode. */
  protected override encodeBatch(batch: [K, S][]): unknown {
    return toColumns(batch, 2);
  }

  protected override decodeBatch(data: unknown): [K, S][] {
    return fromColumns<[K, S]>(data);
  }

  protected async compute(time: number): Promise<[K, S][]> {
    const parent = this.dependencies[0] as Node<[K, V]>;
    const previousTime = time - this.slideDuration;
    const previous = this.getOrCompute(previousTime);
    const before = previous === undefined ? this.initial : await previous;
    const groups = new Map<K, V[]>();
    await parent.forEachRecord(time, (pair) => {
      const values = groups.get(pair[0]);
      if (values === undefined) groups.set(pair[0], [pair[1]]);
      else values.push(pair[1]);
    });
    const latest = this.latest;
    const reuse = latest !== undefined && latest.time === previousTime;
    const pairs = reuse ? latest.pairs : this.rebuild(before, previous === undefined);
    if (reuse) this.latest = undefined; // half-updated if the update function throws
    this.apply(pairs, groups, time);
    if (this.latest === undefined || time > this.latest.time) this.latest = { time, pairs };
    return Array.from(pairs.values());
  }

  /** The pairs of a batch by key; the initial state's pairs are the user's, so they are copied. */
  private rebuild(before: readonly (readonly [K, S])[], initial: boolean): Map<K, [K, S]> {
    const pairs = new Map<K, [K, S]>();
    for (const pair of before) pairs.set(pair[0], initial ? [pair[0], pair[1]] : (pair as [K, S]));
    return pairs;
  }

  /** Updates `pairs` in place: keys with a state first, then keys new in this batch. */
  private apply(pairs: Map<K, [K, S]>, groups: Map<K, V[]>, time: number): void {
    const update = this.update;
    for (const [key, pair] of pairs) {
      const values = groups.get(key);
      if (values !== undefined) groups.delete(key);
      const next = update(values ?? [], pair[1], key, time);
      if (next === undefined) pairs.delete(key);
      else if (next !== pair[1]) pairs.set(key, [key, next]);
    }
    for (const [key, values] of groups) {
      const next = update(values, undefined, key, time);
      if (next !== undefined) pairs.set(key, [key, next]);
    }
  }
}
