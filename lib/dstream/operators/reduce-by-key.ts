/**
 * reduceByKey and combineByKey: per batch, merge the values of each key. Reads its parent with
 * `forEachRecord`, so a fused narrow chain feeds the hash map with no array in between.
 */
import { KeyTable, combineInto, type Combiner } from './key-table.js';
import { Node } from '../node.js';
import type { Key } from './pairs.js';

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
    const combined = new KeyTable<K, C>();
    const add = combineInto(combined, this.combiner);
    await parent.forEachRecord(time, add);
    return combined.pairs();
  }
}
