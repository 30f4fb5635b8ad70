/**
 * DStream: a discretized stream, a sequence of batches, one per slide interval. This class is
 * the public face of a graph node: each method adds a node and returns the DStream around it.
 * Nothing runs until the context starts.
 */
import { Subject, type Observable } from 'rxjs';
import { ConfigurationError } from '../errors.js';
import type { StreamingContext } from '../context.js';
import { RepartitionNode, TransformNode, TransformWithNode } from './batch.js';
import { NarrowNode } from './narrow.js';
import type { Node } from './node.js';
import { OutputNode, type BatchFunction } from './output.js';
import type { Key } from './pairs.js';
import { CombineByKeyNode, reducer, type Combiner } from './reduce-by-key.js';
import { UnionNode } from './union.js';
import { formatBatch } from './print.js';
import { saveAsTextFiles } from './save-text.js';

/** One batch as `asObservable()` emits it. */
export interface TimedBatch<T> {
  readonly time: number;
  readonly records: T[];
}

/** @internal Wraps a node in a DStream. */
export function wrap<T>(context: StreamingContext, node: Node<T>): DStream<T> {
  return new DStream(context, node);
}

export class DStream<T> {
  /** @internal */
  constructor(
    readonly context: StreamingContext,
    /** @internal */ readonly node: Node<T>,
  ) {}

  /** This stream's operator name (unique in its context; used in errors, events and checkpoints). */
  get operatorName(): string {
    return this.node.name;
  }

  /** The interval between this stream's batches, ms. */
  get slideDuration(): number {
    return this.node.slideDuration;
  }

  /**
   * Names this stream's operator. Names appear in errors and events, and checkpoints match state
   * by them; the default name comes from the operator's place in the graph.
   *
   * @example
   * const counts = words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).name('counts');
   */
  name(name: string): this {
    this.context.graph.rename(this.node, name);
    if (this.node instanceof NarrowNode) this.node.rename(name);
    else this.node.name = name;
    return this;
  }

  // ---- narrow operators (fused into one loop per batch) ------------------------------------

  /**
   * Applies `f` to every record.
   *
   * @example
   * lines.map((line) => line.length)
   */
  map<U>(f: (record: T) => U): DStream<U> {
    return this.narrow<U>({ kind: 'map', name: '', fn: f as (record: never) => unknown });
  }

  /**
   * Applies `f` to every record and flattens the results (any iterable; arrays are fastest).
   *
   * @example
   * lines.flatMap((line) => line.split(' '))
   */
  flatMap<U>(f: (record: T) => Iterable<U>): DStream<U> {
    return this.narrow<U>({ kind: 'flatMap', name: '', fn: f as (record: never) => Iterable<unknown> });
  }

  /** Keeps the records for which `predicate` is true. */
  filter<S extends T>(predicate: (record: T) => record is S): DStream<S>;
  filter(predicate: (record: T) => boolean): DStream<T>;
  filter(predicate: (record: T) => boolean): DStream<T> {
    return this.narrow<T>({ kind: 'filter', name: '', fn: predicate as (record: never) => boolean });
  }

  // ---- batch operators ---------------------------------------------------------------------

  /**
   * Applies `f` to each batch as a whole (Spark's mapPartitions over the batch). Treat `records`
   * as read-only: other operators may share the array.
   */
  mapBatch<U>(f: (records: T[], time: number) => U[]): DStream<U> {
    return this.derive(new TransformNode<T, U>(this.node, 'mapBatch', f));
  }

  /**
   * Turns each batch into another with any function, sync or async: the escape hatch for what
   * no operator does (joining with a table fetched per batch, say).
   *
   * @example
   * events.transform(async (records) => enrich(records, await fetchTable()))
   */
  transform<U>(f: (records: T[], time: number) => U[] | Promise<U[]>): DStream<U> {
    return this.derive(new TransformNode<T, U>(this.node, 'transform', f));
  }

  /** Combines this stream's batch and `other`'s batch of the same time with `f`. */
  transformWith<U, R>(other: DStream<U>, f: (a: T[], b: U[], time: number) => R[] | Promise<R[]>): DStream<R> {
    other.assertContext(this.context, 'transformWith');
    return this.derive(new TransformWithNode<T, U, R>(this.node, other.node, f));
  }

  /** The same records, cut into `slices` slices by parallel stages; on one thread only the count changes. */
  repartition(slices: number): DStream<T> {
    return this.derive(new RepartitionNode(this.node, slices));
  }

  /** Each batch holds this stream's records followed by `other`'s. Both must slide alike. */
  union(other: DStream<T>): DStream<T> {
    other.assertContext(this.context, 'union');
    return this.derive(new UnionNode<T>([this.node, other.node]));
  }

  /** A one-record batch: how many records each batch holds (0 for an empty batch). */
  count(): DStream<number> {
    return this.derive(new TransformNode<T, number>(this.node, 'count', (records) => [records.length]));
  }

  /** `[value, count]` for each distinct record of each batch. */
  countByValue(): DStream<[T & Key, number]> {
    return this.derive(
      new CombineByKeyNode<T & Key, number, number>(
        this.map((record) => [record, 1] as [T & Key, number]).node,
        'countByValue',
        reducer((a, b) => a + b),
      ),
    );
  }

  /** A one-record batch: the records of each batch reduced with `f` (no record for an empty batch). */
  reduce(f: (a: T, b: T) => T): DStream<T> {
    return this.derive(
      new TransformNode<T, T>(this.node, 'reduce', (records) => (records.length === 0 ? [] : [records.reduce(f)])),
    );
  }

  // ---- windows (see lib/dstream/window*.ts) -------------------------------------------------

  // ---- storage ------------------------------------------------------------------------------

  /** Keeps each computed batch for its readers instead of recomputing it (breaks loop fusion here). */
  cache(): this {
    this.node.cached = true;
    return this;
  }

  /**
   * The batches with times in [from, to], from an active context. Times are floored to this
   * stream's slide. Batches older than the remember duration (see `ssc.remember`) are gone.
   */
  slice(from: number, to: number): Promise<T[][]> {
    return this.node.slice(from, to);
  }

  // ---- output operations --------------------------------------------------------------------

  /**
   * Runs `f` on every batch: the general output operation. A batch is done when the promise `f`
   * returns has settled; if it rejects, the batch fails with an error naming this operator.
   *
   * @example
   * counts.foreachBatch(async (records, time) => { await db.insert(time, records); });
   */
  foreachBatch(f: BatchFunction<T>): void {
    this.output('foreachBatch', f);
  }

  /**
   * Prints the first `n` records of every batch under a header with the batch time, as Spark does.
   * @param write where lines go; default `console.log`.
   */
  print(n = 10, write: (line: string) => void = (line) => console.log(line)): void {
    this.output('print', (records, time) => write(formatBatch(records, time, n)));
  }

  /**
   * Writes every batch as text, one record a line, to a directory `prefix-TIME[.suffix]` holding
   * a `part-00000` file and a `_SUCCESS` marker. The directory is written under a temporary name
   * and renamed, so a reader never sees it half-written, and a re-run batch replaces it.
   */
  saveAsTextFiles(prefix: string, suffix?: string): void {
    this.output('saveAsTextFiles', (records, time) => saveAsTextFiles(records, time, prefix, suffix));
  }

  /**
   * The batches as an RxJS Observable: one emission per batch (never per record); it completes
   * when the context stops. Call before `start()`: it adds an output operation.
   */
  asObservable(): Observable<TimedBatch<T>> {
    const subject = new Subject<TimedBatch<T>>();
    this.output('asObservable', (records, time) => subject.next({ time, records }));
    this.context.events.subscribe({ complete: () => subject.complete() });
    return subject.asObservable();
  }

  // ---- key-value operators (this: DStream<[K, V]>) -------------------------------------------

  /** Applies `f` to every value, keeping keys. Fused with neighbouring narrow operators. */
  mapValues<K extends Key, V, W>(this: DStream<[K, V]>, f: (value: V) => W): DStream<[K, W]> {
    const fn = (pair: [K, V]): [K, W] => [pair[0], f(pair[1])];
    return this.narrow<[K, W]>({ kind: 'map', label: 'mapValues', name: '', fn: fn as (record: never) => unknown });
  }

  /** Applies `f` to every value and pairs the key with each result. */
  flatMapValues<K extends Key, V, W>(this: DStream<[K, V]>, f: (value: V) => Iterable<W>): DStream<[K, W]> {
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
    });
  }

  /**
   * Merges the values of each key within each batch with `f` (associative and commutative).
   * @param numPartitions slices for parallel stages; on one thread it changes nothing.
   *
   * @example
   * words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b)
   */
  reduceByKey<K extends Key, V>(this: DStream<[K, V]>, f: (a: V, b: V) => V, numPartitions?: number): DStream<[K, V]> {
    const reduced = this.derive(new CombineByKeyNode<K, V, V>(this.node, 'reduceByKey', reducer(f)));
    return numPartitions === undefined ? reduced : reduced.repartition(numPartitions);
  }

  /**
   * Builds one combiner per key per batch: `createCombiner` for a key's first value, `mergeValue`
   * for the rest (`mergeCombiners` merges slices built in parallel).
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

  // ---- joins and grouping (see lib/dstream/join.ts) ------------------------------------------

  // ---- state (see lib/dstream/state*.ts) -----------------------------------------------------

  // ---- checkpointing -----------------------------------------------------------------------

  // ---- internals ----------------------------------------------------------------------------

  /** @internal Throws unless this stream belongs to `context`. */
  assertContext(context: StreamingContext, operation: string): void {
    if (this.context !== context) {
      throw new ConfigurationError(
        `${operation}: stream '${this.node.name}' belongs to context '${this.context.name}', not ` +
          `'${context.name}'; streams of different contexts cannot be combined`,
      );
    }
  }

  /** @internal A DStream around `node`, in this stream's context. */
  derive<U>(node: Node<U>): DStream<U> {
    return new DStream(this.context, node);
  }

  private narrow<U>(stage: ConstructorParameters<typeof NarrowNode>[1]): DStream<U> {
    return this.derive(new NarrowNode<U>(this.node as Node<unknown>, stage));
  }

  private output(kind: string, f: BatchFunction<T>): void {
    this.context.graph.addOutput(new OutputNode<T>(this.node, kind, f) as OutputNode<unknown>);
  }
}
