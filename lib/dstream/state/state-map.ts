/**
 * The per-key state of mapWithState, with the time each key was last updated.
 *
 * Every batch's map is a version of one shared store. The newest version (the head) is the store
 * itself: one hash map from key to a slot, and the slots' states and update times in flat arrays,
 * so a lookup or an update is one hash probe and no allocation. When the head changes a key for
 * the first time, what the version before it held is appended to that version's undo log (a slot
 * stamp says whether the key was already saved). An older version reads through the undo logs of
 * the versions after it, then the store. A batch therefore costs what it touches however large
 * the state is, and an older version (read by a window over `stateSnapshots()`, or to recompute a
 * batch after a failure) still reads what it held.
 *
 * With `expiring`, the store also lists keys in buckets by update time, so finding the keys idle
 * since a time costs the keys found (plus the keys updated since they entered a bucket), not a
 * scan of every key.
 *
 * Checkpoints: once the newest version has been saved whole in a checkpoint, the store notes
 * which slots change and which keys go, so that the next checkpoint can save only those (an
 * incremental checkpoint on the last). A whole one is saved again once the incremental ones since
 * the last whole one hold more rows than twice the keys, or after {@link MAX_CHAIN} of them, so
 * that a restart reads at most about three times the state. A save is gathered and encoded a
 * slice of slots at a time, in slot order, after the checkpoint's snapshot, while later batches
 * change the store (`DeferredSave`, in `state-store.ts`): a batch due meanwhile waits for one
 * slice at most.
 */
import { decodeCheckpoint } from '../../checkpoint/codec.js';
import { columnsOf, toColumns as rowsToColumns, type ColumnBatch } from '../../checkpoint/columns.js';
import { IllegalStateError, KindlingError } from '../../errors.js';
import type { CheckpointScope } from '../node.js';
import {
  Store,
  UndoLog,
  type Held,
  type SavedChanges,
  type SavedRows,
  type SavedSlots,
} from './state-store.js';

/** Incremental checkpoints in a row before a whole one. */
export const MAX_CHAIN = 10;

/**
 * @internal Whether keyed state may save only its `changes` (rows) since the checkpoint before:
 * after fewer than {@link MAX_CHAIN} incremental saves in a row, and while the rows saved
 * incrementally since the last whole save stay within twice the `keys`.
 */
export function mayBuildOn(chain: number, rowsSinceWhole: number, changes: number, keys: number): boolean {
  return chain < MAX_CHAIN && rowsSinceWhole + changes <= 2 * keys;
}

/** @internal The error for a state saved as changes that reached decoding without its base. */
export function unresolvedChanges(): KindlingError {
  return new KindlingError(
    'a state saved as changes since an earlier checkpoint was read without that checkpoint; ' +
      'this is a bug in Kindling: please report it with the checkpoint directory',
  );
}

/** Options of a new state map. */
export interface StateMapOptions {
  /** List keys in buckets by update time, for {@link StateMap.expire}. */
  readonly expiring?: boolean;
}

/**
 * @internal A key → state map with versions. Only the newest version of a store may be changed;
 * {@link StateMap.copy} makes a new newest version, and the one it was made from keeps reading
 * what it held, because the batch that holds it may still be read (by `stateSnapshots()`, or to
 * recompute the next batch).
 *
 * Iterate a version synchronously: do not change the store while {@link entries} is running.
 *
 * @example
 * const before = StateMap.from([['a', 1]], 1000);
 * const after = before.copy();
 * after.put('a', 2, 2000); // before.get('a') is still 1
 */
export class StateMap<K, S> {
  /** The version made from this one by copy(); `undefined` while this is the newest. */
  private next: StateMap<K, S> | undefined;
  /** What this version held for the keys changed after it (set by copy()). */
  private undo: UndoLog<K, S> | undefined;

  private constructor(private readonly store: Store<K, S>) {}

  /** An empty map. */
  static empty<K, S>(options: StateMapOptions = {}): StateMap<K, S> {
    return new StateMap<K, S>(new Store<K, S>(options.expiring === true));
  }

  /** A map holding `pairs`, each stamped with `updateTime`. */
  static from<K, S>(
    pairs: Iterable<readonly [K, S]>,
    updateTime: number,
    options?: StateMapOptions,
  ): StateMap<K, S> {
    const map = StateMap.empty<K, S>(options);
    for (const [key, state] of pairs) map.put(key, state, updateTime);
    return map;
  }

  /** A map holding `[key, state, updateTime]` entries (as {@link entries} gives them). */
  static fromEntries<K, S>(
    entries: Iterable<readonly [K, S, number]>,
    options?: StateMapOptions,
  ): StateMap<K, S> {
    const map = StateMap.empty<K, S>(options);
    for (const [key, state, updateTime] of entries) map.put(key, state, updateTime);
    return map;
  }

  /**
   * A map holding the entries of {@link toColumns}'s columns (keys, states, update times), or of
   * `[key, state, updateTime]` rows, as checkpoints written before columns held them.
   */
  static fromColumns<K, S>(data: unknown, options?: StateMapOptions): StateMap<K, S> {
    if (isSaved(data, 'slots') || isSaved(data, 'rows')) {
      const map = StateMap.empty<K, S>(options);
      map.putSaved('slots' in data ? [data.slots] : data.rows);
      return map;
    }
    if (isSaved(data, 'changes')) throw unresolvedChanges();
    const columns = columnsOf(data, 3);
    if (columns === undefined) return StateMap.fromEntries(data as [K, S, number][], options);
    const [keys, states, times] = columns as [K[], S[], number[]];
    const map = StateMap.empty<K, S>(options);
    for (let i = 0; i < keys.length; i++) map.put(keys[i] as K, states[i] as S, times[i] as number);
    return map;
  }

  /** The state of `key`, or `undefined` if it has none. */
  get(key: K): S | undefined {
    if (this.next === undefined) {
      const slot = this.store.slots.get(key);
      return slot === undefined ? undefined : this.store.states[slot];
    }
    return this.held(key)?.state;
  }

  /** True when `key` has a state. */
  has(key: K): boolean {
    if (this.next === undefined) return this.store.slots.has(key);
    return this.held(key) !== null;
  }

  /** When `key` was last updated, or `undefined` if it has no state. */
  updateTime(key: K): number | undefined {
    return this.held(key)?.time;
  }

  /** Sets the state of `key`, updated at `updateTime`. */
  put(key: K, state: S, updateTime: number): void {
    this.assertWritable();
    this.store.put(key, state, updateTime);
  }

  /** Removes the state of `key` (a no-op if it has none). */
  remove(key: K): void {
    this.assertWritable();
    this.store.remove(key);
  }

  /**
   * Removes every key last updated before `threshold` (strictly), oldest first, calling
   * `expired` with each key and the state it had. Needs a map made with `expiring`; costs the
   * keys removed, not a scan of the map.
   */
  expire(threshold: number, expired: (key: K, state: S, updateTime: number) => void): void {
    this.assertWritable();
    const store = this.store;
    if (!store.expiring) {
      throw new IllegalStateError('expire() needs a state map made with { expiring: true }');
    }
    for (const key of store.takeUpdatedBefore(threshold)) {
      const held = store.held(key) as NonNullable<Held<S>>;
      store.remove(key);
      expired(key, held.state, held.time);
    }
  }

  /**
   * A new version to change, after which this one is read-only and keeps what it holds now. A
   * copy of an older version (a batch computed again) is a fresh store holding that version's
   * entries, which costs a pass over them.
   */
  copy(): StateMap<K, S> {
    if (this.next !== undefined) {
      return StateMap.fromEntries(this.entries(), { expiring: this.store.expiring });
    }
    const next = new StateMap<K, S>(this.store);
    this.undo = new UndoLog();
    this.next = next;
    this.store.advance(this.undo);
    return next;
  }

  /** Every `[key, state, updateTime]`, each key once. */
  *entries(): Generator<[K, S, number]> {
    const { slots, states, times } = this.store;
    if (this.next === undefined) {
      for (const [key, slot] of slots) yield [key, states[slot] as S, times[2 * slot] as number];
      return;
    }
    // What changed after this version, as this version held it (the earliest save wins).
    const held = new Map<K, Held<S>>();
    for (const { keys, states: saved, times: when } of this.laterLogs()) {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as K;
        const time = when[i] as number;
        if (!held.has(key)) held.set(key, time < 0 ? null : { state: saved[i] as S, time });
      }
    }
    for (const [key, slot] of slots) {
      if (!held.has(key)) yield [key, states[slot] as S, times[2 * slot] as number];
    }
    for (const [key, value] of held) if (value !== null) yield [key, value.state, value.time];
  }

  /**
   * The entries as three columns (keys, states, update times), as a checkpoint holds them: for
   * the newest version, straight from the store's slots, without a row per key (about half the
   * time of going through rows, with `v8.serialize`, at 1M keys).
   */
  toColumns(): ColumnBatch {
    if (this.next !== undefined) return rowsToColumns(this.entries(), 3);
    // Filled with push, not `new Array(n)`: v8.serialize writes a holey array as a sparse one.
    const keys: K[] = [];
    const states: S[] = [];
    const times: number[] = [];
    const { slots, states: slotStates, times: slotTimes } = this.store;
    for (const [key, slot] of slots) {
      keys.push(key);
      states.push(slotStates[slot] as S);
      times.push(slotTimes[2 * slot] as number);
    }
    return { columns: [keys, states, times] };
  }

  /**
   * This version as the checkpoint `scope` saves it: only what changed since the checkpoint's
   * base when this is the newest version, the store's last checkpoint was that base, and the
   * chain of incremental checkpoints is short enough (see the file summary); else whole. Saving
   * the newest version starts counting changes anew.
   */
  encodeFor(scope: CheckpointScope | undefined): unknown {
    const store = this.store;
    if (this.next !== undefined || scope === undefined) return this.toColumns();
    const incremental =
      scope.base !== undefined &&
      store.checkpointTime === scope.base &&
      mayBuildOn(store.chain, store.rowsSinceWhole, store.changes(), store.slots.size);
    const { saved, save } = store.startSave(scope.time, incremental);
    if (incremental) scope.onBase = true;
    if (scope.deferred !== undefined) scope.deferred.push(save);
    else while (!save.step());
    return saved;
  }

  /**
   * Applies what {@link encodeFor} saved to what was saved in its base checkpoint (whole, or made
   * whole by this function), and returns the state as a whole save. A whole `saved` is returned
   * as it is.
   */
  static resolveSaved(saved: unknown, base: unknown, options?: StateMapOptions): unknown {
    if (!isSaved(saved, 'changes')) return saved;
    const map = StateMap.fromColumns<unknown, unknown>(base, options);
    for (const key of saved.changes.removed) map.remove(key);
    map.putSaved(saved.changes.rows);
    return map.store.wholeSlots();
  }

  /** True when `saved` holds only the changes since the checkpoint of its `base` time. */
  static savedBase(saved: unknown): number | undefined {
    return isSaved(saved, 'changes') ? saved.changes.base : undefined;
  }

  /** Every `[key, state]`. */
  *pairs(): Generator<[K, S]> {
    for (const [key, state] of this.entries()) yield [key, state];
  }

  /** Puts every entry of saved parts: encoded ones (a checkpoint's), or columns (made whole in memory). */
  private putSaved(parts: readonly unknown[]): void {
    if (!Array.isArray(parts)) throw badlySaved('its parts are not a list');
    for (const part of parts) {
      const [keys, states, times] = savedColumns(part instanceof Uint8Array ? decodeCheckpoint(part) : part);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as K | undefined;
        if (key !== undefined) this.put(key, states[i] as S, times[i] as number);
      }
    }
  }

  /** What this version holds for `key`: the first save after it, else the store's. */
  private held(key: K): Held<S> {
    for (const log of this.laterLogs()) {
      const held = log.held(key);
      if (held !== undefined) return held;
    }
    return this.store.held(key);
  }

  /** The undo logs of this version and every later one but the newest, oldest first. */
  private *laterLogs(): Generator<UndoLog<K, S>> {
    let version = this.next;
    for (let log = this.undo; log !== undefined; log = version?.undo, version = version?.next) {
      yield log;
    }
  }

  private assertWritable(): void {
    if (this.next !== undefined) {
      throw new IllegalStateError(
        'this state map is read-only: a newer batch was built on it; change the newest copy() instead',
      );
    }
  }
}

interface Saved {
  readonly slots: SavedSlots;
  readonly rows: SavedRows;
  readonly changes: SavedChanges;
}

function isSaved<F extends keyof Saved>(data: unknown, field: F): data is Saved[F] {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && field in data;
}

/** The three columns of a part of a saved state, checked: two arrays and the update times, of one length. */
function savedColumns(columns: unknown): [unknown[], unknown[], Float64Array] {
  const [keys, states, times] = Array.isArray(columns) ? (columns as unknown[]) : [];
  if (
    !Array.isArray(keys) ||
    !Array.isArray(states) ||
    !(times instanceof Float64Array) ||
    states.length !== keys.length ||
    times.length !== keys.length
  ) {
    throw badlySaved('a part does not have three columns of one length (keys, states, update times)');
  }
  return [keys, states, times];
}

function badlySaved(what: string): KindlingError {
  return new KindlingError(
    `a keyed state in the checkpoint is not as Kindling saves it: ${what}; it may have been written ` +
      'by another version of Kindling: start from an empty checkpoint directory',
  );
}
