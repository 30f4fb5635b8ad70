/**
 * groupByKey: per batch, the values of each key in one array. It is combineByKey with a combiner
 * that collects, so it reads its parent with `forEachRecord` like reduceByKey: a fused narrow
 * chain feeds the hash map with no array in between.
 */
import type { Combiner } from './key-table.js';

/**
 * The combiner behind groupByKey: a key's first value starts its array, later values are pushed
 * in arrival order, and arrays built over different slices are concatenated in slice order.
 *
 * @example
 * new CombineByKeyNode<K, V, V[]>(parent, 'groupByKey', grouper<V>());
 */
export function grouper<V>(): Combiner<V, V[]> {
  return {
    createCombiner: (value) => [value],
    mergeValue: (values, value) => {
      values.push(value);
      return values;
    },
    mergeCombiners: (a, b) => a.concat(b),
  };
}
