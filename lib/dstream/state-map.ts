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
 * change the store ({@link DeferredSave}): a batch due meanwhile waits for one slice at most.
 */
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint/codec.js';
import { columnsOf, toColumns as rowsToColumns, type ColumnBatch } from '../checkpoint/columns.js';
import { IllegalStateError, KindlingError } from '../errors.js';
import type { CheckpointScope, DeferredEncoding } from './node.js';

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

/** Slots gathered and encoded in one slice of a {@link DeferredSave}: about 2 ms of work. */
const SLOTS_PER_SLICE = 1 << 15;

/**
 * A whole state made whole from a chain of checkpoints (in memory only): the slots, keys
 * (undefined in a free slot), states and update times, each slot's at the same index.
 */
interface SavedSlots {
  readonly slots: [unknown[], unknown[], Float64Array];
}

/**
 * A whole state as a checkpoint saves it: parts, each three columns (keys, states, update times)
 * encoded on their own by `encodeCheckpoint`.
 */
interface SavedRows {
  readonly rows: Uint8Array[];
}

/** What changed since the checkpoint of time `base`: keys that went, then keys put (with states and times). */
interface SavedChanges {
  readonly changes: {
    readonly base: number;
    readonly removed: unknown[];
    readonly rows: Uint8Array[];
  };
}

/** Options of a new state map. */
export interface StateMapOptions {
  /** List keys in buckets by update time, for {@link StateMap.expire}. */
  readonly expiring?: boolean;
}

/** A key's state and update time as a version held it, or `null` for "no state". */
type Held<S> = { readonly state: S; readonly time: number } | null;

/**
 * What one version held for the keys its successor changed, in the order they were changed; each
 * key once. Indexed by key only when an old version is first read.
 */
class UndoLog<K, S> {
  readonly keys: K[] = [];
  readonly states: (S | undefined)[] = [];
  readonly times: number[] = [];
  /** -1 for a key that had no state. */
  private index: Map<K, number> | undefined;

  add(key: K, state: S | undefined, time: number): void {
    this.keys.push(key);
    this.states.push(state);
    this.times.push(time);
    this.index = undefined;
  }

  /** What the version held for `key`, or `undefined` when its successor did not change it. */
  held(key: K): Held<S> | undefined {
    if (this.index === undefined) {
      this.index = new Map();
      for (let i = 0; i < this.keys.length; i++) this.index.set(this.keys[i] as K, i);
    }
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const time = this.times[i] as number;
    return time < 0 ? null : { state: this.states[i] as S, time };
  }
}

/** The store shared by every version of one state map; only its newest version changes it. */
class Store<K, S> {
  readonly slots = new Map<K, number>();
  states: (S | undefined)[] = [];
  /**
   * Each slot's update time, the version in which it was last saved to the undo log (its stamp)
   * and the checkpoint epoch in which it was last noted as changed, in 16 bytes side by side, so
   * that a batch's update of a key reads one cache line for the three rather than three: the time
   * is `times[2 * slot]`, the stamp `words[4 * slot + 2]`, the epoch `words[4 * slot + 3]`.
   */
  times = new Float64Array(2 * 16);
  words = new Int32Array(this.times.buffer);
  /** The key in each slot; undefined in a free one. */
  keys: (K | undefined)[] = [];
  /** The time of the checkpoint that saved this store last, if changes are noted since. */
  checkpointTime: number | undefined;
  /** Rows saved by incremental checkpoints since the last whole one, and how many there were. */
  rowsSinceWhole = 0;
  chain = 0;
  /** The current checkpoint epoch: slots changed since the last checkpoint are noted with it. */
  epoch = 1;
  /** The save of the last checkpoint, while it is being gathered. */
  deferred: DeferredSave<K, S> | undefined;
  /** How many slots are noted as changed in this epoch. */
  private changedSlots = 0;
  private removedKeys: K[] = [];
  /** The number of the newest version. */
  version = 0;
  /** The undo log of the version before the newest, while it may still be read. */
  log: UndoLog<K, S> | undefined;
  /** Keys the newest version removed (already saved, though they have no slot any more). */
  private removed = new Set<K>();
  private readonly free: number[] = [];
  /** Keys by the update time they were put with (a key may be listed again at a later time). */
  private readonly buckets: Map<number, K[]> | undefined;
  /** The bucket times, ascending, from `firstBucket`. */
  private bucketTimes: number[] = [];
  private firstBucket = 0;

  constructor(readonly expiring: boolean) {
    this.buckets = expiring ? new Map() : undefined;
  }

  held(key: K): Held<S> {
    const slot = this.slots.get(key);
    return slot === undefined
      ? null
      : { state: this.states[slot] as S, time: this.times[2 * slot] as number };
  }

  /** A new newest version, whose changes are saved in `log` for the version before it. */
  advance(log: UndoLog<K, S>): void {
    this.version++;
    this.log = log;
    if (this.removed.size > 0) this.removed = new Set();
  }

  put(key: K, state: S, time: number): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      if (this.log !== undefined && !this.removed.has(key)) this.log.add(key, undefined, -1);
      slot = this.free.pop() ?? this.states.length;
      if (2 * slot >= this.times.length) this.grow();
      this.changed(slot);
      this.slots.set(key, slot);
      this.keys[slot] = key;
      this.words[4 * slot + 2] = this.version;
    } else {
      this.save(key, slot);
      this.changed(slot);
      if (this.times[2 * slot] === time) {
        this.states[slot] = state;
        return;
      }
    }
    this.states[slot] = state;
    this.times[2 * slot] = time;
    if (this.buckets !== undefined) this.bucket(time).push(key);
  }

  remove(key: K): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    this.save(key, slot);
    this.changed(slot); // counted as a changed slot too: an estimate, on the side of a whole save
    if (this.log !== undefined) this.removed.add(key);
    if (this.checkpointTime !== undefined) this.removedKeys.push(key);
    this.slots.delete(key);
    this.keys[slot] = undefined;
    this.states[slot] = undefined;
    this.free.push(slot);
  }

  /** Keys and slots noted since the last checkpoint: how many rows an incremental one would hold. */
  changes(): number {
    return this.changedSlots + this.removedKeys.length;
  }

  /** The slots as a chain of checkpoints is made whole in memory (a copy of three arrays). */
  wholeSlots(): SavedSlots {
    const n = this.keys.length;
    const times = new Float64Array(n);
    for (let slot = 0; slot < n; slot++) times[slot] = this.times[2 * slot] as number;
    return { slots: [this.keys.slice(), this.states.slice(), times] };
  }

  /**
   * Starts the save of this store for the checkpoint of `time`: whole, or (`incremental`) only
   * the slots changed and the keys removed since the checkpoint it last saved. Changes are
   * counted anew from here. The save is gathered later, by the returned {@link DeferredSave}.
   */
  startSave(
    time: number,
    incremental: boolean,
  ): { saved: SavedRows | SavedChanges; save: DeferredSave<K, S> } {
    this.deferred?.settle(); // the save of an earlier checkpoint, if it is still being gathered
    const rows: Uint8Array[] = [];
    const base = this.checkpointTime as number;
    const saved = incremental ? { changes: { base, removed: this.removedKeys, rows } } : { rows };
    const save = new DeferredSave(this, incremental ? this.epoch : undefined, rows);
    this.checkpointTime = time;
    this.rowsSinceWhole = incremental ? this.rowsSinceWhole + this.changes() : 0;
    this.chain = incremental ? this.chain + 1 : 0;
    this.epoch++;
    this.changedSlots = 0;
    this.removedKeys = [];
    this.deferred = save;
    return { saved, save };
  }

  /** Notes a change of `slot`, before it is made: the first since a checkpoint is counted. */
  private changed(slot: number): void {
    if (this.checkpointTime === undefined || this.words[4 * slot + 3] === this.epoch) return;
    this.deferred?.preserve(slot);
    this.words[4 * slot + 3] = this.epoch;
    this.changedSlots++;
  }

  /** Takes out the keys whose update time is before `threshold`, oldest bucket first. */
  *takeUpdatedBefore(threshold: number): Generator<K> {
    const buckets = this.buckets as Map<number, K[]>;
    while (this.firstBucket < this.bucketTimes.length) {
      const time = this.bucketTimes[this.firstBucket] as number;
      if (time >= threshold) break;
      const keys = buckets.get(time) as K[];
      buckets.delete(time);
      this.firstBucket++;
      for (const key of keys) {
        const slot = this.slots.get(key);
        // A key put again since it entered this bucket is in a later one; a removed key is gone.
        if (slot !== undefined && this.times[2 * slot] === time) yield key;
      }
    }
    if (this.firstBucket > 64 && this.firstBucket * 2 > this.bucketTimes.length) {
      this.bucketTimes = this.bucketTimes.slice(this.firstBucket);
      this.firstBucket = 0;
    }
  }

  /** Saves what the version before held for the key in `slot`, once per version. */
  private save(key: K, slot: number): void {
    if (this.log === undefined || this.words[4 * slot + 2] === this.version) return;
    this.log.add(key, this.states[slot], this.times[2 * slot] as number);
    this.words[4 * slot + 2] = this.version;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    this.words = new Int32Array(times.buffer);
  }

  private bucket(time: number): K[] {
    const buckets = this.buckets as Map<number, K[]>;
    const found = buckets.get(time);
    if (found !== undefined) return found;
    const keys: K[] = [];
    buckets.set(time, keys);
    const times = this.bucketTimes;
    if (times.length === this.firstBucket || (times.at(-1) as number) < time) {
      times.push(time);
    } else {
      // An older time (initial state, restored entries): insert it in order.
      let low = this.firstBucket;
      let high = times.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((times[mid] as number) < time) low = mid + 1;
        else high = mid;
      }
      times.splice(low, 0, time);
    }
    return keys;
  }
}

/**
 * The save of a store for one checkpoint, gathered and encoded a slice of slots at a time while
 * later batches change the store. It holds each slot as the store held it when the save began:
 * before the store first changes a slot after that (see `Store.changed`), it hands the save that
 * slot's key, state and time if the save holds the slot and has not gathered it yet; the slice
 * that reaches the slot then skips it, as the slot is noted with the store's newer epoch.
 *
 * States are saved as references, as every version of the store holds them: a state object
 * changed in place by a later batch is saved as changed (keep states immutable, as in Spark).
 */
class DeferredSave<K, S> implements DeferredEncoding {
  /** The slots before `cursor` are gathered; the store had `end` slots when the save began. */
  private cursor = 0;
  private readonly end: number;
  /** Slots handed over before the slice that would have gathered them. */
  private readonly early: [K[], S[], number[]] = [[], [], []];
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly store: Store<K, S>,
    /** Save only the slots changed in this epoch; undefined: save every slot. */
    private readonly epoch: number | undefined,
    /** Where the encoded parts go. */
    private readonly rows: Uint8Array[],
  ) {
    this.end = store.keys.length;
  }

  /** Called by the store before it first changes `slot` after the save began. */
  preserve(slot: number): void {
    if (slot < this.cursor || slot >= this.end || !this.holds(slot)) return;
    const store = this.store;
    this.early[0].push(store.keys[slot] as K);
    this.early[1].push(store.states[slot] as S);
    this.early[2].push(store.times[2 * slot] as number);
  }

  step(): boolean {
    if (this.failure !== undefined) throw this.failure.error;
    if (this.cursor === this.end && this.store.deferred !== this) return true;
    const store = this.store;
    try {
      const stop = Math.min(this.end, this.cursor + SLOTS_PER_SLICE);
      const keys: K[] = [];
      const states: S[] = [];
      const times = new Float64Array(stop - this.cursor);
      // A slot changed since the save began was handed over before its change, if held.
      const since = store.epoch;
      const { words, keys: slotKeys, states: slotStates, times: slotTimes } = store;
      for (let slot = this.cursor; slot < stop; slot++) {
        if (words[4 * slot + 3] === since || !this.holds(slot)) continue;
        times[keys.length] = slotTimes[2 * slot] as number;
        keys.push(slotKeys[slot] as K);
        states.push(slotStates[slot] as S);
      }
      this.cursor = stop;
      if (keys.length > 0) this.rows.push(encodeCheckpoint([keys, states, times.slice(0, keys.length)]));
      if (stop < this.end) return false;
      const [earlyKeys, earlyStates, earlyTimes] = this.early;
      if (earlyKeys.length > 0) {
        this.rows.push(encodeCheckpoint([earlyKeys, earlyStates, Float64Array.from(earlyTimes)]));
      }
    } catch (error) {
      this.failure = { error };
      this.cursor = this.end;
      throw error;
    } finally {
      if (this.cursor === this.end && store.deferred === this) store.deferred = undefined;
    }
    return true;
  }

  /**
   * Gathers the rest at once (a newer checkpoint of the store is being taken). A failure is kept
   * for the checkpoint this save belongs to, whose encoding reports it.
   */
  settle(): void {
    try {
      while (!this.step());
    } catch {
      // kept in `failure`: step() throws it again for its own checkpoint
    }
  }

  /** Whether the save holds `slot` as it is now; true until the slot's first change since. */
  private holds(slot: number): boolean {
    const store = this.store;
    return (
      store.keys[slot] !== undefined && (this.epoch === undefined || store.words[4 * slot + 3] === this.epoch)
    );
  }
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
