/**
 * The incremental window reductions (Spark's ReducedWindowedDStream): reduceByKeyAndWindow and
 * reduceByWindow with an inverse function, and countByWindow and countByValueAndWindow built on
 * them. Each output starts from the previous window's value per key, takes out (with the inverse)
 * the batches that left the window and adds the batches that entered it, so its cost per batch
 * grows with the slide, not the window.
 */
import { KindlingError } from '../../errors.js';
import { TransformNode } from './batch.js';
import type { DStream } from '../dstream.js';
import type { Node } from '../node.js';
import type { Key } from './pairs.js';
import { reducer } from './key-table.js';
import { CombineByKeyNode } from './reduce-by-key.js';
import { WindowedNode } from './window.js';

/** Options of the incremental `reduceByKeyAndWindow`. */
export interface ReduceByKeyAndWindowOptions<K extends Key, V> {
  /**
   * Keeps the pairs for which it returns true. Without it a key stays (with e.g. the value 0)
   * after all its records left the window, as in Spark. Remove only keys whose batches have all
   * left the window (a count of 0): the next windows start from the filtered output.
   */
  readonly filter?: (pair: [K, V]) => boolean;
}

/** The windowed per-key reduction, kept up to date with `reduce` and `invReduce`. */
export class ReducedWindowNode<K extends Key, V> extends WindowedNode<[K, V]> {
  /** The parent reduced by key per batch, cached: the batches that enter and leave the window. */
  readonly perBatch: Node<[K, V]>;

  constructor(
    parent: Node<[K, V]>,
    kind: string,
    private readonly reduce: (a: V, b: V) => V,
    private readonly invReduce: (a: V, b: V) => V,
    windowDuration: number,
    slideDuration: number,
    private readonly filter?: (pair: [K, V]) => boolean,
  ) {
    const perBatch = new PerBatchNode<K, V>(parent, reduce, slideDuration);
    super(parent, kind, [perBatch], windowDuration, slideDuration);
    this.mustCheckpoint = true;
    this.perBatch = perBatch;
  }

  /**
   * The window's value per key at `time`: the last output, kept as a `Map` and updated in place
   * by the next one, so that a batch costs the keys that enter and leave the window rather than a
   * new `Map` of every key in it. Unset while an update runs, so that an update that throws
   * leaves nothing half done: the next window then starts from the output.
   */
  private state: { readonly time: number; readonly values: Map<K, V> } | undefined;

  protected async compute(time: number): Promise<[K, V][]> {
    const window = this.windowDuration;
    const slide = this.slideDuration;
    const step = this.perBatch.slideDuration;
    // With slide >= window the windows do not overlap: nothing carries over, reduce the window.
    const overlaps = slide < window;
    // The previous output is undefined at or before zero time: an empty previous window.
    const [previous, leaving, entering] = await Promise.all([
      overlaps ? this.getOrCompute(time - slide) : undefined,
      overlaps ? this.perBatch.slice(time - slide - window + step, time - window) : [],
      this.perBatch.slice(Math.max(time - slide, time - window) + step, time),
    ]);
    const left = reduceBatches(leaving, this.reduce);
    const added = reduceBatches(entering, this.reduce);
    const kept = overlaps && this.state?.time === time - slide ? this.state.values : undefined;
    this.state = undefined;
    const values = kept ?? new Map<K, V>(previous);
    for (const [key, value] of left) {
      if (values.has(key)) values.set(key, this.invReduce(values.get(key) as V, value));
      else if (!added.has(key)) throw missingPrevious(this.kind, key);
    }
    for (const [key, value] of added)
      values.set(key, values.has(key) ? this.reduce(values.get(key) as V, value) : value);
    const pairs: [K, V][] = [];
    for (const [key, value] of values) {
      const pair: [K, V] = [key, value];
      if (!this.filter || this.filter(pair)) pairs.push(pair);
      else values.delete(key);
    }
    this.state = { time, values };
    return pairs;
  }
}

/**
 * The parent reduced by key per batch, for a {@link ReducedWindowNode}: it keeps its batches for
 * the window (and a checkpoint saves them), so its parent need keep a batch only until it is
 * reduced, within one slide of the window. A checkpoint then holds the window's reduced batches,
 * not the raw input of the whole window (which a restart never reads again).
 */
class PerBatchNode<K extends Key, V> extends CombineByKeyNode<K, V, V> {
  constructor(
    parent: Node<[K, V]>,
    reduce: (a: V, b: V) => V,
    private readonly windowSlide: number,
  ) {
    super(parent, 'reduceByKey', reducer(reduce));
    this.cached = true;
    this.mustCheckpoint = true;
  }

  protected override parentRememberDuration(): number {
    return this.windowSlide;
  }
}

/** Merges the values of each key over several per-batch results, oldest first. */
function reduceBatches<K, V>(batches: [K, V][][], f: (a: V, b: V) => V): Map<K, V> {
  const merged = new Map<K, V>();
  for (const batch of batches) {
    for (const [key, value] of batch)
      merged.set(key, merged.has(key) ? f(merged.get(key) as V, value) : value);
  }
  return merged;
}

function missingPrevious(kind: string, key: Key): KindlingError {
  return new KindlingError(
    `${kind}: key ${JSON.stringify(String(key))} is in a batch leaving the window, but neither the previous ` +
      "window's output nor the batches entering the window hold a value for it, so the inverse function " +
      'has nothing to subtract from. This happens when the filter removed the key while batches holding ' +
      'it were still in the window: filter out only keys whose batches have all left the window (such as ' +
      'a count of 0), or use reduceByKeyAndWindow without an inverse function',
  );
}

/** `reduceByKeyAndWindow(f, invF, window, slide, { filter })`: see {@link ReducedWindowNode}. */
export function reduceByKeyAndWindowIncremental<K extends Key, V>(
  stream: DStream<[K, V]>,
  f: (a: V, b: V) => V,
  invF: (a: V, b: V) => V,
  windowDuration: number,
  slideDuration: number,
  options: ReduceByKeyAndWindowOptions<K, V> = {},
  kind = 'reduceByKeyAndWindow',
): DStream<[K, V]> {
  return stream.derive(
    new ReducedWindowNode<K, V>(stream.node, kind, f, invF, windowDuration, slideDuration, options.filter),
  );
}

/**
 * `reduceByWindow(f, invF, window, slide)`: every record under one key, reduced incrementally.
 * Once a record has been seen, every window gives one record (its value may be the neutral one,
 * such as 0, for an empty window); before that, windows are empty.
 */
export function reduceByWindowIncremental<T>(
  stream: DStream<T>,
  f: (a: T, b: T) => T,
  invF: (a: T, b: T) => T,
  windowDuration: number,
  slideDuration: number,
): DStream<T> {
  const keyed = stream.map((record): [0, T] => [0, record]);
  return reduceByKeyAndWindowIncremental(
    keyed,
    f,
    invF,
    windowDuration,
    slideDuration,
    {},
    'reduceByWindow',
  ).map((pair) => pair[1]);
}

/** `countByWindow(window, slide)`: a one-record batch with the number of records in the window. */
export function countByWindow<T>(
  stream: DStream<T>,
  windowDuration: number,
  slideDuration: number,
): DStream<number> {
  const ones = stream.map(() => 1);
  const counts = reduceByWindowIncremental(
    ones,
    (a, b) => a + b,
    (a, b) => a - b,
    windowDuration,
    slideDuration,
  );
  return counts.derive(
    new TransformNode<number, number>(counts.node, 'countByWindow', (records) =>
      records.length === 0 ? [0] : records,
    ),
  );
}

/** `countByValueAndWindow(window, slide)`: `[value, count]` for each distinct record in the window. */
export function countByValueAndWindow<T>(
  stream: DStream<T>,
  windowDuration: number,
  slideDuration: number,
): DStream<[T & Key, number]> {
  const pairs = stream.map((record) => [record, 1] as [T & Key, number]);
  return reduceByKeyAndWindowIncremental(
    pairs,
    (a, b) => a + b,
    (a, b) => a - b,
    windowDuration,
    slideDuration,
    { filter: (pair) => pair[1] !== 0 },
    'countByValueAndWindow',
  );
}
