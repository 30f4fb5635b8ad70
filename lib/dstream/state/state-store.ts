/**
 * @internal The store behind every version of one {@link StateMap}: one hash map from key to a
 * slot, the slots' keys, states and update times in flat arrays, and what keeps older versions
 * and checkpoints right while the newest version changes it: each version's undo log, and the
 * save of a checkpoint being gathered in slices ({@link DeferredSave}). See `state-map.ts`.
 */
import { encodeCheckpoint } from '../../checkpoint/codec.js';
import type { DeferredEncoding } from '../node.js';

/** Slots gathered and encoded in one slice of a {@link DeferredSave}: about 2 ms of work. */
const SLOTS_PER_SLICE = 1 << 15;

/**
 * A whole state made whole from a chain of checkpoints (in memory only): the slots, keys
 * (undefined in a free slot), states and update times, each slot's at the same index.
 */
export interface SavedSlots {
  readonly slots: [unknown[], unknown[], Float64Array];
}

/**
 * A whole state as a checkpoint saves it: parts, each three columns (keys, states, update times)
 * encoded on their own by `encodeCheckpoint`.
 */
export interface SavedRows {
  readonly rows: Uint8Array[];
}

/** What changed since the checkpoint of time `base`: keys that went, then keys put (with states and times). */
export interface SavedChanges {
  readonly changes: {
    readonly base: number;
    readonly removed: unknown[];
    readonly rows: Uint8Array[];
  };
}

/** A key's state and update time as a version held it, or `null` for "no state". */
export type Held<S> = { readonly state: S; readonly time: number } | null;

/**
 * What one version held for the keys its successor changed, in the order they were changed; each
 * key once. Indexed by key only when an old version is first read.
 */
export class UndoLog<K, S> {
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
export class Store<K, S> {
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
export class DeferredSave<K, S> implements DeferredEncoding {
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
