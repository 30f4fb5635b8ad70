/**
 * The hash table of the by-key operators: one value per key, entries kept in the order their
 * keys first arrived. Short string keys (the common case: words, ids, names fresh from parsing)
 * go through an open-addressing table of their own, hashed here in JavaScript; other keys go
 * through a `Map`. A `Map` needs two lookups to update a count and compares string keys in the
 * engine's slow path; the table needs one probe, usually one comparison (Spark's map-side combine
 * uses an open-addressing table of its own for the same reason). Also here: the combiners that
 * fold values into it, which worker threads use too (this module imports no engine code).
 */
import type { Key } from './pairs.js';

/** Strings longer than this go through the `Map`, which hashes a string once and caches it. */
const MAX_TABLE_KEY = 64;
/** A probe longer than this means the keys collide badly (crafted keys?): strings move to the Map. */
const MAX_PROBE = 64;
const EMPTY = -1;

/**
 * Keys with one value each, in first-arrival order. Keys compare as in a `Map` (SameValueZero).
 *
 * @example
 * const table = new KeyTable<string, number>();
 * const i = table.indexOf('a');
 * if (i < 0) table.push('a', 1); else table.values[i] += 1;
 */
export class KeyTable<K extends Key, V> {
  /** The keys, in the order they first arrived. */
  readonly keys: K[] = [];
  /** `values[i]` is the value of `keys[i]`. */
  readonly values: V[] = [];
  private readonly others = new Map<K, number>();
  /**
   * Open-addressing slots, two numbers each: an index into `keys` (or EMPTY), and that key's hash,
   * to skip most string comparisons (side by side, so that a probe reads one cache line).
   * Undefined once strings use the Map.
   */
  private slots: Int32Array | undefined = new Int32Array(2 * 256).fill(EMPTY);
  private stringCount = 0;

  /** @param seed of the string hash: random by default, so that no input collides on purpose. */
  constructor(private readonly seed: number = (Math.random() * 0x100000000) | 0) {}

  get size(): number {
    return this.keys.length;
  }

  /** @internal Whether short string keys are still in the open-addressing slots (tests). */
  get probing(): boolean {
    return this.slots !== undefined;
  }

  /** The index of `key`'s entry, or -1. */
  indexOf(key: K): number {
    const slots = this.slots;
    if (typeof key !== 'string' || key.length > MAX_TABLE_KEY || slots === undefined) {
      return this.others.get(key) ?? -1;
    }
    const mask = (slots.length >> 1) - 1;
    const hash = stringHash(key, this.seed);
    let slot = hash & mask;
    for (;;) {
      const index = slots[2 * slot] as number;
      if (index === EMPTY) return -1;
      if (slots[2 * slot + 1] === hash && this.keys[index] === key) return index;
      slot = (slot + 1) & mask;
    }
  }

  /** Adds one to `key`'s count in a table of counts (1 for a new key). */
  increment(this: KeyTable<K, number>, key: K): void {
    const slots = this.slots;
    if (typeof key !== 'string' || key.length > MAX_TABLE_KEY || slots === undefined) {
      const index = this.others.get(key);
      if (index === undefined) this.push(key, 1);
      else this.values[index] = (this.values[index] as number) + 1;
      return;
    }
    const mask = (slots.length >> 1) - 1;
    const hash = stringHash(key, this.seed);
    let slot = hash & mask;
    for (;;) {
      const index = slots[2 * slot] as number;
      if (index === EMPTY) break;
      if (slots[2 * slot + 1] === hash && this.keys[index] === key) {
        this.values[index] = (this.values[index] as number) + 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.push(key, 1);
  }

  /** Adds `key` (which must not be here yet) with `value`; returns its index. */
  push(key: K, value: V): number {
    const index = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    if (typeof key !== 'string' || key.length > MAX_TABLE_KEY || this.slots === undefined) {
      this.others.set(key, index);
    } else {
      this.stringCount++;
      if (this.stringCount * 4 > this.slots.length) this.grow();
      else this.place(key, index);
    }
    return index;
  }

  /** The entries as `[key, value]` pairs, in first-arrival order. */
  pairs(): [K, V][] {
    const { keys, values } = this;
    const out = new Array<[K, V]>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = [keys[i] as K, values[i] as V];
    return out;
  }

  /** Puts the string key at `index` into its slot; moves the strings to the Map on a long probe. */
  private place(key: string, index: number): void {
    const slots = this.slots as Int32Array;
    const mask = (slots.length >> 1) - 1;
    const hash = stringHash(key, this.seed);
    let slot = hash & mask;
    for (let probe = 0; slots[2 * slot] !== EMPTY; probe++) {
      if (probe === MAX_PROBE) return this.abandonSlots();
      slot = (slot + 1) & mask;
    }
    slots[2 * slot] = index;
    slots[2 * slot + 1] = hash;
  }

  /** Doubles the slots (and re-places every string key) so that at most half are taken. */
  private grow(): void {
    this.slots = new Int32Array((this.slots as Int32Array).length * 2).fill(EMPTY);
    const { keys } = this;
    for (let i = 0; i < keys.length && this.slots !== undefined; i++) {
      const key = keys[i] as K;
      if (typeof key === 'string' && key.length <= MAX_TABLE_KEY) this.place(key, i);
    }
  }

  /** From now on every key goes through the Map (the string keys' hashes collide too much). */
  private abandonSlots(): void {
    this.slots = undefined;
    const { keys } = this;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as K;
      if (typeof key === 'string' && key.length <= MAX_TABLE_KEY) this.others.set(key, i);
    }
  }
}

/** The hash of a short string key: FNV-1a over its UTF-16 code units, from `seed`. */
export function stringHash(key: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/** How combineByKey builds and merges per-key combiners. */
export interface Combiner<V, C> {
  readonly createCombiner: (value: V) => C;
  readonly mergeValue: (combiner: C, value: V) => C;
  /** Merges combiners built over different slices of a batch (parallel stages). */
  readonly mergeCombiners?: (a: C, b: C) => C;
}

/** reduceByKey as a combiner: the first value, then `f` of what is there and the next value. */
export function reducer<V>(f: (a: V, b: V) => V): Combiner<V, V> {
  return { createCombiner: (v) => v, mergeValue: f, mergeCombiners: f };
}

/**
 * A sink that folds `[key, value]` pairs into `table` with `combiner`: `createCombiner` for a
 * key's first value, `mergeValue` for the others.
 */
export function combineInto<K extends Key, V, C>(
  table: KeyTable<K, C>,
  { createCombiner, mergeValue }: Combiner<V, C>,
): (pair: readonly [K, V]) => void {
  const { values } = table;
  return (pair) => {
    const index = table.indexOf(pair[0]);
    if (index < 0) table.push(pair[0], createCombiner(pair[1]));
    else values[index] = mergeValue(values[index] as C, pair[1]);
  };
}

/** A sink that counts each record in `table` (countByValue without a pair per record). */
export function countInto<K extends Key>(table: KeyTable<K, number>): (record: K) => void {
  return (record) => table.increment(record);
}
