/**
 * @internal The key-value operations of {@link DStream} (see `dstream.ts`), on streams of
 * `[key, value]` pairs: per-key transformations and reductions, grouping, the joins, and the
 * state kept per key across batches (updateStateByKey, mapWithState).
 */
import { ConfigurationError } from '../errors.js';
import type { RecordErrorOptions } from './dead-letters/dead-letter-log.js';
import { DStreamTransforms } from './dstream-transforms.js';
import type { DStream } from './dstream.js';
import type { Node } from './node.js';
import { grouper } from './operators/group-by-key.js';
import {
  CoGroupNode,
  cogroupEmitter,
  fullOuterJoinEmitter,
  joinEmitter,
  leftOuterJoinEmitter,
  rightOuterJoinEmitter,
  type CoGroupEmitter,
  type CoGroupKind,
} from './operators/join.js';
import { reducer, type Combiner } from './operators/key-table.js';
import type { Key } from './operators/pairs.js';
import { CombineByKeyNode } from './operators/reduce-by-key.js';
import type { WorkerTask } from './parallel/parallel-task.js';
import { mapWithState, type MapWithStateDStream } from './state/map-with-state.js';
import type { StateSpec } from './state/state-spec.js';
import { UpdateStateNode, type UpdateFunction, type UpdateStateOptions } from './state/update-state.js';

/** @internal The key-value operations of {@link DStream}; see the file summary. */
export abstract class DStreamPairs<T> extends DStreamTransforms<T> {
  // ---- key-value operators (this: DStream<[K, V]>) -------------------------------------------

  /**
   * Applies `f` to every value, keeping keys. Fused with neighbouring narrow operators.
   * @param options `onRecordError: 'deadLetter'`: a pair on which `f` throws is skipped and
   *   becomes a dead letter (the whole pair) instead of failing the batch.
   *
   * @example
   * counts.mapValues((n) => n * 100) // ['a', 2] -> ['a', 200]
   */
  mapValues<K extends Key, V, W>(
    this: DStream<[K, V]>,
    f: (value: V) => W,
    options: RecordErrorOptions = {},
  ): DStream<[K, W]> {
    const fn = (pair: [K, V]): [K, W] => [pair[0], f(pair[1])];
    return this.narrow<[K, W]>({
      kind: 'map',
      label: 'mapValues',
      name: '',
      fn: fn as (record: never) => unknown,
      ...options,
    });
  }

  /**
   * Applies `f` to every value and pairs the key with each result.
   * @param options `onRecordError: 'deadLetter'`: a pair on which `f` (or iterating what it
   *   returns) throws is skipped and becomes a dead letter instead of failing the batch.
   *
   * @example
   * tweets.flatMapValues((text) => text.split(' ')) // ['u1', 'hi there'] -> ['u1', 'hi'], ['u1', 'there']
   */
  flatMapValues<K extends Key, V, W>(
    this: DStream<[K, V]>,
    f: (value: V) => Iterable<W>,
    options: RecordErrorOptions = {},
  ): DStream<[K, W]> {
    const fn = (pair: [K, V]): [K, W][] => {
      const out: [K, W][] = [];
      for (const w of f(pair[1])) out.push([pair[0], w]);
      return out;
    };
    return this.narrow<[K, W]>({
      kind: 'flatMap',
      label: 'flatMapValues',
      name: '',
      fn: fn as (record: never) => Iterable<unknown>,
      ...options,
    });
  }

  /**
   * Merges the values of each key within each batch with `f` (associative and commutative).
   * Keys come in the order they first appear in the batch.
   * @param f the function, or right after a {@link parallel} stage a worker task naming it
   *   (`workerTask(module, 'add')`, kind `map`): then each slice's pairs are merged on the thread
   *   that made them and only one pair per key and slice comes back (Spark's map-side combine).
   * @param numPartitions slices for parallel stages; on one thread it changes nothing.
   *
   * @example
   * words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b)
   * // on the worker threads: words.ts exports pairs(line) and add(a, b)
   * lines
   *   .parallel(workerTask<string, [string, number]>(words, 'pairs', { kind: 'flatMap' }))
   *   .reduceByKey(workerTask<[number, number], number>(words, 'add'))
   */
  reduceByKey<K extends Key, V>(
    this: DStream<[K, V]>,
    f: ((a: V, b: V) => V) | WorkerTask<[V, V], V>,
    numPartitions?: number,
  ): DStream<[K, V]> {
    const reduced =
      typeof f === 'function'
        ? this.derive(new CombineByKeyNode<K, V, V>(this.node, 'reduceByKey', reducer(f)))
        : this.derive(
            this.fusedWithParallel<K, V>(`reduceByKey(workerTask(${f.module}, '${f.exportName}'))`, f),
          );
    return numPartitions === undefined ? reduced : reduced.repartition(numPartitions);
  }

  /** This parallel stage fused with `reduceByKey(task)`; see {@link reduceByKey}. */
  private fusedWithParallel<K extends Key, V>(call: string, task: WorkerTask<[V, V], V>): Node<[K, V]> {
    const stage = this.fusableStage();
    if (!stage) {
      const node = this.node;
      throw new ConfigurationError(
        `${call}: a reduce function on worker threads merges the output of a parallel stage, so it ` +
          `must come right after .parallel(...), not after ${node.kind} '${node.name}'` +
          `${node.cached ? ' (cached)' : ''}; or pass the function itself to reduce on the main thread`,
      );
    }
    if (task.kind !== 'map') {
      throw new ConfigurationError(
        `${call}: the reduce function's task has kind '${task.kind}'; name it with workerTask(module, export) and no kind`,
      );
    }
    return stage.withCombine<K, V>({ by: 'reduceByKey', task: task as WorkerTask<unknown, unknown> });
  }

  /**
   * Builds one combiner per key per batch: `createCombiner` for a key's first value, `mergeValue`
   * for the rest (`mergeCombiners` merges slices built in parallel).
   *
   * @example
   * // the mean of each key's values in each batch
   * readings
   *   .combineByKey(
   *     (v) => ({ sum: v, n: 1 }),
   *     (c, v) => ({ sum: c.sum + v, n: c.n + 1 }),
   *     (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
   *   )
   *   .mapValues((c) => c.sum / c.n)
   */
  combineByKey<K extends Key, V, C>(
    this: DStream<[K, V]>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
  ): DStream<[K, C]> {
    const combiner: Combiner<V, C> = { createCombiner, mergeValue, mergeCombiners };
    return this.derive(new CombineByKeyNode<K, V, C>(this.node, 'combineByKey', combiner));
  }

  // ---- joins and grouping (see operators/join.ts) ------------------------------------------

  /**
   * The values of each key within each batch, in arrival order: one `[key, values]` per key.
   * To aggregate, prefer reduceByKey or combineByKey, which keep one value per key instead of all.
   * @param numPartitions slices for parallel stages; on one thread it changes nothing.
   *
   * @example
   * clicks.map((c) => [c.user, c.url] as [string, string]).groupByKey() // [user, urls][]
   */
  groupByKey<K extends Key, V>(this: DStream<[K, V]>, numPartitions?: number): DStream<[K, V[]]> {
    const grouped = this.derive(new CombineByKeyNode<K, V, V[]>(this.node, 'groupByKey', grouper<V>()));
    return numPartitions === undefined ? grouped : grouped.repartition(numPartitions);
  }

  /**
   * For each key in either stream's batch of the same time, both sides' values:
   * `[key, [values here, values in other]]` (a side without the key gives `[]`). Both streams
   * must belong to this context and slide alike (checked at start). Records come in the order
   * their keys first appear, this stream's keys first.
   *
   * @example
   * clicks.cogroup(views) // ['u1', [[click1, click2], [view1]]]
   */
  cogroup<K extends Key, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>): DStream<[K, [V[], W[]]]> {
    return this.coGroupWith(other, 'cogroup', cogroupEmitter<K, V, W>());
  }

  /**
   * Inner join of each batch with `other`'s batch of the same time: `[key, [v, w]]` for every
   * pair of values of a key in both (a key with m and n values gives m * n records). Both streams
   * must belong to this context and slide alike (checked at start).
   *
   * @example
   * tweets.map((t) => [t.user, t] as [string, Tweet]).join(profiles) // [user, [tweet, profile]]
   */
  join<K extends Key, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>): DStream<[K, [V, W]]> {
    return this.coGroupWith(other, 'join', joinEmitter<K, V, W>());
  }

  /**
   * As {@link join}, and every value of this stream whose key `other`'s batch lacks is kept,
   * paired with `undefined`. Gotcha: a `W` that is itself `undefined` looks the same.
   *
   * @example
   * orders.leftOuterJoin(payments) // ['o1', [order, undefined]] while unpaid
   */
  leftOuterJoin<K extends Key, V, W>(
    this: DStream<[K, V]>,
    other: DStream<[K, W]>,
  ): DStream<[K, [V, W | undefined]]> {
    return this.coGroupWith(other, 'leftOuterJoin', leftOuterJoinEmitter<K, V, W>());
  }

  /**
   * As {@link join}, and every value of `other` whose key this stream's batch lacks is kept,
   * paired with `undefined`.
   *
   * @example
   * orders.rightOuterJoin(payments) // ['o9', [undefined, payment]] for a payment without order
   */
  rightOuterJoin<K extends Key, V, W>(
    this: DStream<[K, V]>,
    other: DStream<[K, W]>,
  ): DStream<[K, [V | undefined, W]]> {
    return this.coGroupWith(other, 'rightOuterJoin', rightOuterJoinEmitter<K, V, W>());
  }

  /**
   * As {@link join}, and every value of either stream whose key the other batch lacks is kept,
   * paired with `undefined`.
   *
   * @example
   * orders.fullOuterJoin(payments) // [k, [order, payment]], [k, [order, undefined]] or [k, [undefined, payment]]
   */
  fullOuterJoin<K extends Key, V, W>(
    this: DStream<[K, V]>,
    other: DStream<[K, W]>,
  ): DStream<[K, [V | undefined, W | undefined]]> {
    return this.coGroupWith(other, 'fullOuterJoin', fullOuterJoinEmitter<K, V, W>());
  }

  private coGroupWith<K extends Key, V, W, R>(
    this: DStream<[K, V]>,
    other: DStream<[K, W]>,
    kind: CoGroupKind,
    emit: CoGroupEmitter<K, V, W, R>,
  ): DStream<R> {
    other.assertContext(this.context, kind);
    return this.derive(new CoGroupNode<K, V, W, R>(this.node, other.node, kind, emit));
  }

  // ---- state (see state/) --------------------------------------------------------------------

  /**
   * Keeps a state per key across batches (Spark's updateStateByKey): each batch, `update` gets
   * every key that has a state or data, with the key's values of the batch (`[]` if none) and
   * its state (`undefined` if none); what it returns is the new state, and `undefined` removes
   * the key. Each batch holds every `[key, state]` after the update. The key and the batch time
   * come as third and fourth arguments, for a function that needs them.
   * @param options.initialState the state before the first batch.
   *
   * @example
   * const totals = words.map((w) => [w, 1] as [string, number])
   *   .updateStateByKey((ones: number[], total: number | undefined) => (total ?? 0) + ones.length);
   *
   * Gotchas: annotate `state` (or give `S`): TypeScript cannot infer it from the function alone.
   * `update` runs for every key every batch, so its cost grows with the state; prefer mapWithState
   * for large state. Mutating a state object in place also changes earlier batches.
   */
  updateStateByKey<K extends Key, V, S>(
    this: DStream<[K, V]>,
    update: UpdateFunction<V, S, K>,
    options: UpdateStateOptions<K, S> = {},
  ): DStream<[K, S]> {
    return this.derive(new UpdateStateNode<K, V, S>(this.node, update, options.initialState));
  }

  /**
   * Maps each record with a state per key (Spark's mapWithState): the spec's function is called
   * once per record, in arrival order, and can read, update or remove the key's state; what it
   * returns (unless `undefined`) is a record of the returned stream. With a timeout, each key idle
   * longer than it gets one last call (value `undefined`, `state.isTimingOut()` true) and is
   * removed. `stateSnapshots()` on the result gives every `[key, state]` after each batch.
   *
   * @example
   * const spec = StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
   *   const count = (state.getOption() ?? 0) + (one ?? 0);
   *   state.update(count);
   *   return [word, count] as [string, number];
   * });
   * const counts = words.map((w) => [w, 1] as [string, number]).mapWithState(spec);
   * counts.stateSnapshots().print();
   */
  mapWithState<K extends Key, V, S, U>(
    this: DStream<[K, V]>,
    spec: StateSpec<K, V, S, U>,
  ): MapWithStateDStream<K, S, U> {
    return mapWithState(this, spec);
  }
}
