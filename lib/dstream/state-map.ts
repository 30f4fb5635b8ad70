/**
 * The per-key state of mapWithState, with the time each key was last updated. Each batch's map is
 * a thin delta layer over the previous batch's map, so a batch that touches a few keys of a large
 * state costs only those keys (Spark's OpenHashMapBasedStateMap). Every `compactAfter` layers the
 * chain is flattened into one map, so reads and memory stay bounded.
 */
import { IllegalStateError } from '../errors.js';

/** One key's state and when it was last updated (a batch time), or a removal marker. */
interface Entry<S> {
  readonly state: S | undefined;
  readonly updateTime: number;
  readonly removed: boolean;
}

/** Default number of delta layers before a copy flattens the chain (Spark's default too). */
export const DEFAULT_COMPACT_AFTER = 20;

/**
 * @internal A key → state map made of delta layers. A layer may be changed only until a newer
 * layer is made from it with {@link StateMap.copy}; after that it is frozen, because the batch
 * that holds it may still be read (by `stateSnapshots()`, or to recompute the next batch).
 *
 * @example
 * const before = StateMap.from([['a', 1]], 1000);
 * const after = before.copy();
 * after.put('a', 2, 2000); // before.get('a') is still 1
 */
export class StateMap<K, S> {
  private readonly delta = new Map<K, Entry<S>>();
  private frozen = false;

  private constructor(
    private readonly parent: StateMap<K, S> | undefined,
    /** Layers below this one. */
    readonly depth: number,
    private readonly compactAfter: number,
  ) {}

  /** An empty map. @param compactAfter layers before a copy flattens the chain. */
  static empty<K, S>(compactAfter = DEFAULT_COMPACT_AFTER): StateMap<K, S> {
    return new StateMap<K, S>(undefined, 0, compactAfter);
  }

  /** A map holding `pairs`, each stamped with `updateTime`. */
  static from<K, S>(
    pairs: Iterable<readonly [K, S]>,
    updateTime: number,
    compactAfter?: number,
  ): StateMap<K, S> {
    const map = StateMap.empty<K, S>(compactAfter);
    for (const [key, state] of pairs) map.put(key, state, updateTime);
    return map;
  }

  /** A map holding `[key, state, updateTime]` entries (as {@link entries} gives them). */
  static fromEntries<K, S>(
    entries: Iterable<readonly [K, S, number]>,
    compactAfter?: number,
  ): StateMap<K, S> {
    const map = StateMap.empty<K, S>(compactAfter);
    for (const [key, state, updateTime] of entries) map.put(key, state, updateTime);
    return map;
  }

  /** The state of `key`, or `undefined` if it has none. */
  get(key: K): S | undefined {
    return this.entry(key)?.state;
  }

  /** True when `key` has a state. */
  has(key: K): boolean {
    return this.entry(key) !== undefined;
  }

  /** When `key` was last updated, or `undefined` if it has no state. */
  updateTime(key: K): number | undefined {
    return this.entry(key)?.updateTime;
  }

  /** Sets the state of `key`, updated at `updateTime`. */
  put(key: K, state: S, updateTime: number): void {
    this.assertWritable();
    this.delta.set(key, { state, updateTime, removed: false });
  }

  /** Removes the state of `key` (a no-op if it has none). */
  remove(key: K): void {
    this.assertWritable();
    const below = this.parent?.entry(key);
    if (below === undefined) this.delta.delete(key);
    else this.delta.set(key, { state: undefined, updateTime: below.updateTime, removed: true });
  }

  /**
   * A new writable layer over this map, which becomes read-only. After `compactAfter` layers the
   * new map is a flat copy instead (the one full copy in that many batches).
   */
  copy(): StateMap<K, S> {
    this.frozen = true;
    if (this.depth + 1 < this.compactAfter)
      return new StateMap<K, S>(this, this.depth + 1, this.compactAfter);
    const flat = new StateMap<K, S>(undefined, 0, this.compactAfter);
    for (const [key, state, time] of this.entries())
      flat.delta.set(key, { state, updateTime: time, removed: false });
    return flat;
  }

  /** Every `[key, state, updateTime]`, each key once. Do not change this map while iterating. */
  *entries(): Generator<[K, S, number]> {
    const layers: StateMap<K, S>[] = [this];
    for (let layer = this.parent; layer; layer = layer.parent) layers.push(layer);
    const seen = new Set<K>();
    const last = layers.length - 1;
    for (let i = 0; i <= last; i++) {
      for (const [key, entry] of (layers[i] as StateMap<K, S>).delta) {
        if (seen.has(key)) continue;
        if (i < last) seen.add(key);
        if (!entry.removed) yield [key, entry.state as S, entry.updateTime];
      }
    }
  }

  /** Every `[key, state]`. */
  *pairs(): Generator<[K, S]> {
    for (const [key, state] of this.entries()) yield [key, state];
  }

  /** Every `[key, state, updateTime]` last updated before `threshold` (strictly). */
  *updatedBefore(threshold: number): Generator<[K, S, number]> {
    for (const entry of this.entries()) if (entry[2] < threshold) yield entry;
  }

  private entry(key: K): Entry<S> | undefined {
    const own = this.delta.get(key);
    if (own !== undefined) return own.removed ? undefined : own;
    return this.parent?.entry(key);
  }

  private assertWritable(): void {
    if (this.frozen) {
      throw new IllegalStateError(
        'this state map is read-only: a newer batch was built on it; change the newest copy() instead',
      );
    }
  }
}
