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
 * Checkpoints: once the map has been saved whole, the node notes each key whose state changed or
 * went, with its new pair (or none), so that the next checkpoint saves only those (on the
 * checkpoint before), as mapWithState does; a whole one again once the changes since the last
 * whole one pass twice the keys, after {@link MAX_CHAIN} in a row, or whenever the map was
 * rebuilt. Either save is gathered and encoded in slices after the checkpoint's snapshot, while
 * later batches run: the batch's pairs and the changes noted up to the checkpoint are not changed
 * by them (the map of pairs is, so it is not read).
 */
import { decodeCheckpoint, encodeCheckpoint } from '../../checkpoint/codec.js';
import { fromColumns, toColumns } from '../../checkpoint/columns.js';
import { KindlingError } from '../../errors.js';
import { Node, type CheckpointScope, type DeferredEncoding } from '../node.js';
import type { Key } from '../operators/pairs.js';
import { mayBuildOn, unresolvedChanges } from './state-map.js';

/** Pairs gathered and encoded in one slice of a deferred save. */
const PAIRS_PER_SLICE = 1 << 15;

/** A whole state as a checkpoint saves it: parts, each two columns (keys, states) encoded on their own. */
interface SavedRows {
  readonly rows: Uint8Array[];
}

/** What changed since the checkpoint of time `base`: keys that went, then keys and their new states. */
interface SavedChanges {
  readonly changes: { readonly base: number; readonly removed: unknown[]; readonly rows: Uint8Array[] };
}

function isSaved<F extends 'rows' | 'changes'>(
  data: unknown,
  field: F,
): data is F extends 'rows' ? SavedRows : SavedChanges {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && field in data;
}

/** The pairs of a whole saved state: encoded parts, or columns (or rows) as older checkpoints held them. */
function savedPairs<K, S>(data: unknown): [K, S][] {
  if (!isSaved(data, 'rows')) return fromColumns<[K, S]>(data);
  if (!Array.isArray(data.rows)) throw badlySaved('its parts are not a list');
  const pairs: [K, S][] = [];
  for (const part of data.rows) {
    const [keys, states] = (part instanceof Uint8Array ? decodeCheckpoint(part) : undefined) as unknown[][];
    if (!Array.isArray(keys) || !Array.isArray(states) || keys.length !== states.length) {
      throw badlySaved('a part does not have two columns of one length (keys, states)');
    }
    for (let i = 0; i < keys.length; i++) pairs.push([keys[i] as K, states[i] as S]);
  }
  return pairs;
}

function badlySaved(what: string): KindlingError {
  return new KindlingError(
    `an updateStateByKey state in the checkpoint is not as Kindling saves it: ${what}; it may have been ` +
      'written by another version of Kindling: start from an empty checkpoint directory',
  );
}

/**
 * Encodes pairs a slice at a time into `rows`, each part two columns (keys, states); a pair
 * `undefined` is a key that went, listed in `removed`. The pairs must not change meanwhile.
 */
class PairsSave<K, S> implements DeferredEncoding {
  private failure: { readonly error: unknown } | undefined;
  private done = false;

  constructor(
    private readonly pairs: Iterator<readonly [K, [K, S] | undefined]>,
    private readonly rows: Uint8Array[],
    private readonly removed: K[],
  ) {}

  step(): boolean {
    if (this.failure !== undefined) throw this.failure.error;
    if (this.done) return true;
    try {
      const keys: K[] = [];
      const states: S[] = [];
      for (let n = 0; n < PAIRS_PER_SLICE; n++) {
        const next = this.pairs.next();
        if (next.done === true) {
          this.done = true;
          break;
        }
        const [key, pair] = next.value;
        if (pair === undefined) this.removed.push(key);
        else {
          keys.push(key);
          states.push(pair[1]);
        }
      }
      if (keys.length > 0) this.rows.push(encodeCheckpoint([keys, states]));
    } catch (error) {
      this.failure = { error };
      throw error;
    }
    return this.done;
  }
}

/** Each pair of `batch` by its key, for a {@link PairsSave}. */
function* byKey<K, S>(batch: readonly [K, S][]): Generator<readonly [K, [K, S]]> {
  for (const pair of batch) yield [pair[0], pair];
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
   * each with its new pair (undefined when it went), with the rows saved incrementally since the
   * last whole save; undefined when not counted.
   */
  private changed: Changes<K, S> | undefined;

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
   * A checkpoint holds each batch as two columns, keys and states (much faster to encode than a
   * pair each), or, for the newest batch on the checkpoint that saved the map last, only the keys
   * changed since. The newest batch's save is gathered in slices when the scope allows.
   */
  protected override encodeBatch(batch: [K, S][], scope?: CheckpointScope): unknown {
    const latest = this.latest;
    if (scope === undefined || latest?.batch !== batch) return toColumns(batch, 2);
    const changed = this.changed;
    const rows: Uint8Array[] = [];
    const removed: K[] = [];
    let saved: SavedRows | SavedChanges;
    let save: PairsSave<K, S>;
    if (
      changed !== undefined &&
      scope.base !== undefined &&
      changed.since === scope.base &&
      mayBuildOn(changed.chain, changed.rowsSinceWhole, changed.pairs.size, latest.pairs.size)
    ) {
      save = new PairsSave(changed.pairs.entries(), rows, removed);
      saved = { changes: { base: scope.base, removed, rows } };
      this.changed = {
        since: scope.time,
        pairs: new Map(),
        rowsSinceWhole: changed.rowsSinceWhole + changed.pairs.size,
        chain: changed.chain + 1,
      };
      scope.onBase = true;
    } else {
      save = new PairsSave(byKey(batch), rows, removed);
      saved = { rows };
      this.changed = { since: scope.time, pairs: new Map(), rowsSinceWhole: 0, chain: 0 };
    }
    if (scope.deferred !== undefined) scope.deferred.push(save);
    else while (!save.step());
    return saved;
  }

  protected override decodeBatch(data: unknown): [K, S][] {
    if (isSaved(data, 'changes')) throw unresolvedChanges();
    return savedPairs<K, S>(data);
  }

  /** A batch saved as changes is applied to the newest batch this node saved in the base checkpoint. */
  override resolveBatches(
    saved: readonly (readonly [number, unknown])[],
    base: readonly (readonly [number, unknown])[] | undefined,
  ): (readonly [number, unknown])[] {
    return saved.map(([time, data]) => {
      if (!isSaved(data, 'changes')) return [time, data] as const;
      const before = base?.at(-1)?.[1];
      if (before === undefined) {
        throw new KindlingError(
          `updateStateByKey '${this.name}': its state of time ${time} was saved as the changes since the ` +
            `checkpoint of time ${data.changes.base}, which holds no state of it`,
        );
      }
      const pairs = new Map<K, S>(savedPairs<K, S>(before));
      for (const key of data.changes.removed) pairs.delete(key as K);
      for (const [key, state] of savedPairs<K, S>({ rows: data.changes.rows })) pairs.set(key, state);
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
    const changed = reuse ? this.changed?.pairs : undefined;
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
   * `changed` each key whose state changed, with its new pair, or went (undefined).
   */
  private apply(
    pairs: Map<K, [K, S]>,
    groups: Map<K, V[]>,
    time: number,
    changed: Map<K, [K, S] | undefined> | undefined,
  ): void {
    const update = this.update;
    for (const [key, pair] of pairs) {
      const values = groups.get(key);
      if (values !== undefined) groups.delete(key);
      const next = update(values ?? [], pair[1], key, time);
      if (next === pair[1]) continue;
      if (next === undefined) {
        pairs.delete(key);
        changed?.set(key, undefined);
      } else {
        const updated: [K, S] = [key, next];
        pairs.set(key, updated);
        changed?.set(key, updated);
      }
    }
    for (const [key, values] of groups) {
      const next = update(values, undefined, key, time);
      if (next === undefined) continue;
      const added: [K, S] = [key, next];
      pairs.set(key, added);
      changed?.set(key, added);
    }
  }
}

/** The keys changed since a checkpoint of updateStateByKey; see `UpdateStateNode.changed`. */
interface Changes<K, S> {
  readonly since: number;
  readonly pairs: Map<K, [K, S] | undefined>;
  readonly rowsSinceWhole: number;
  readonly chain: number;
}
