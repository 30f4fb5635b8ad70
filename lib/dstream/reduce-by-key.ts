/**
 * reduceByKey and combineByKey: per batch, merge the values of each key. Reads its parent with
 * `forEachRecord`, so a fused narrow chain feeds the hash map with no array in between.
 */
import { Node } from './node.js';
import type { Key } from './pairs.js';

/** How combineByKey builds and merges per-key combiners. */
export interface Combiner<V, C> {
  readonly createCombiner: (value: V) => C;
  readonly mergeValue: (combiner: C, value: V) => C;
  /** Merges combiners built over different slices of a batch (parallel stages). */
  readonly mergeCombiners?: (a: C, b: C) => C;
}

/** reduceByKey, combineByKey, countByValue, groupByKey: one combiner per key per batch. */
export class CombineByKeyNode<K extends Key, V, C> extends Node<[K, C]> {
  constructor(
    parent: Node<[K, V]>,
    kind: string,
    private readonly combiner: Combiner<V, C>,
  ) {
    super(parent.scope, kind, [parent]);
  }

  protected async compute(time: number): Promise<[K, C][]> {
    const parent = this.dependencies[0] as Node<[K, V]>;
    const { createCombiner, mergeValue } = this.combiner;
    const combined = new Map<K, C>();
    await parent.forEachRecord(time, (pair) => {
      const key = pair[0];
      const current = combined.get(key);
      combined.set(
        key,
        current === undefined && !combined.has(key)
          ? createCombiner(pair[1])
          : mergeValue(current as C, pair[1]),
      );
    });
    return Array.from(combined);
  }
}

/** reduceByKey as a combiner: the first value, then `f` of what is there and the next value. */
export function reducer<V>(f: (a: V, b: V) => V): Combiner<V, V> {
  return { createCombiner: (v) => v, mergeValue: f, mergeCombiners: f };
}
