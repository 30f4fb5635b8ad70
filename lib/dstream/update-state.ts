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
 *
 * Checkpoints: once the map has been saved whole, the node notes the keys whose state changed or
 * went, so that the next checkpoint saves only those (on the checkpoint before), as mapWithState
 * does; a whole one again once the changes since the last whole one pass twice the keys, after
 * {@link MAX_CHAIN} in a row, or whenever the map was rebuilt. Also whenever more than a quarter
 * of the keys changed: the changes are found by a lookup a key, where a whole save walks the
 * pairs in order, so past that the whole save is the cheaper (1M keys, 63 % changed: 121 ms
 * whole against 340 to 460 ms as changes, though 11 MB against 7 MB).
 */
import { columnsOf, fromColumns, toColumns } from '../checkpoint/columns.js';
import { KindlingError } from '../errors.js';
import { Node, type CheckpointScope } from './node.js';
import type { Key } from './pairs.js';
import { mayBuildOn, unresolvedChanges } from './state-map.js';

/** What changed since the checkpoint of time `base`: keys that went, then keys and their new states. */
interface SavedChanges {
  readonly changes: { readonly base: number; readonly removed: unknown[]; readonly columns: unknown[][] };
}

function isChanges(data: unknown): data is SavedChanges {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && 'changes' in data;
}

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
  private latest: { time: number; pairs: Map<K, [K, S]>; batch: [K, S][] } | undefined;
  /**
   * The keys changed or gone in `latest.pairs` since the checkpoint of time `since` saved them,
   * with the rows saved incrementally since the last whole save; undefined when not counted.
   */
  private changed: { since: number; keys: Set<K>; rowsSinceWhole: number; chain: number } | undefined;

  constructor(
    parent: Node<[K, V]>,
    private readonly update: UpdateFunction<V, S, K>,
    initialState: UpdateStateOptions<K, S>['initialState'],
  ) {
    super(parent.scope, 'updateStateByKey', [parent]);
    this.mustCheckpoint = true;
    this.initial = initialState === undefined ? [] : Array.from(initialState);
  }

  /**
   * A checkpoint holds each batch as two columns, keys and states (much faster to encode), or,
   * for the newest batch on the checkpoint that saved the map last, only the keys changed since.
   */
  protected override encodeBatch(batch: [K, S][], scope?: CheckpointScope): unknown {
    const latest = this.latest;
    if (scope === undefined || latest?.batch !== batch) return toColumns(batch, 2);
    const changed = this.changed;
    const rows = changed?.keys.size ?? 0;
    if (
      changed !== undefined &&
      scope.base !== undefined &&
      changed.since === scope.base &&
      mayBuildOn(changed.chain, changed.rowsSinceWhole, rows, latest.pairs.size) &&
      rows <= latest.pairs.size / 4
    ) {
      const keys: K[] = [];
      const states: S[] = [];
      const removed: K[] = [];
      for (const key of changed.keys) {
        const pair = latest.pairs.get(key);
        if (pair === undefined) removed.push(key);
        else {
          keys.push(key);
          states.push(pair[1]);
        }
      }
      this.changed = {
        since: scope.time,
        keys: new Set(),
        rowsSinceWhole: changed.rowsSinceWhole + rows,
        chain: changed.chain + 1,
      };
      scope.onBase = true;
      return { changes: { base: scope.base, removed, columns: [keys, states] } } satisfies SavedChanges;
    }
    this.changed = { since: scope.time, keys: new Set(), rowsSinceWhole: 0, chain: 0 };
    return toColumns(batch, 2);
  }

  protected override decodeBatch(data: unknown): [K, S][] {
    if (isChanges(data)) throw unresolvedChanges();
    return fromColumns<[K, S]>(data);
  }

  /** A batch saved as changes is applied to the newest batch this node saved in the base checkpoint. */
  override resolveBatches(
    saved: readonly (readonly [number, unknown])[],
    base: readonly (readonly [number, unknown])[] | undefined,
  ): (readonly [number, unknown])[] {
    return saved.map(([time, data]) => {
      if (!isChanges(data)) return [time, data] as const;
      const before = base?.at(-1)?.[1];
      const [keys, states] = columnsOf({ columns: data.changes.columns }, 2) ?? [];
      if (before === undefined || keys === undefined || states === undefined) {
        throw new KindlingError(
          `updateStateByKey '${this.name}': its state of time ${time} was saved as the changes since the ` +
            `checkpoint of time ${data.changes.base}, which holds no state of it`,
        );
      }
      const pairs = new Map<K, S>(fromColumns<[K, S]>(before));
      for (const key of data.changes.removed) pairs.delete(key as K);
      for (let i = 0; i < keys.length; i++) pairs.set(keys[i] as K, states[i] as S);
      return [time, toColumns(pairs, 2)] as const;
    });
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
    // Changes are counted only on the map the last checkpoint saved, updated batch after batch.
    const changed = reuse ? this.changed?.keys : undefined;
    if (!reuse) this.changed = undefined;
    this.apply(pairs, groups, time, changed);
    const batch = Array.from(pairs.values());
    if (this.latest === undefined || time > this.latest.time) this.latest = { time, pairs, batch };
    else this.changed = undefined;
    return batch;
  }

  /** The pairs of a batch by key; the initial state's pairs are the user's, so they are copied. */
  private rebuild(before: readonly (readonly [K, S])[], initial: boolean): Map<K, [K, S]> {
    const pairs = new Map<K, [K, S]>();
    for (const pair of before) pairs.set(pair[0], initial ? [pair[0], pair[1]] : (pair as [K, S]));
    return pairs;
  }

  /**
   * Updates `pairs` in place: keys with a state first, then keys new in this batch. Notes in
   * `changed` each key whose state changed or went.
   */
  private apply(pairs: Map<K, [K, S]>, groups: Map<K, V[]>, time: number, changed: Set<K> | undefined): void {
    const update = this.update;
    for (const [key, pair] of pairs) {
      const values = groups.get(key);
      if (values !== undefined) groups.delete(key);
      const next = update(values ?? [], pair[1], key, time);
      if (next === pair[1]) continue;
      if (next === undefined) pairs.delete(key);
      else pairs.set(key, [key, next]);
      changed?.add(key);
    }
    for (const [key, values] of groups) {
      const next = update(values, undefined, key, time);
      if (next === undefined) continue;
      pairs.set(key, [key, next]);
      changed?.add(key);
    }
  }
}
