/**
 * DStream: a discretized stream, a sequence of batches, one per slide interval. This class is
 * the public face of a graph node: each method adds a node and returns the DStream around it.
 * Nothing runs until the context starts.
 */
import { Subject, type Observable } from 'rxjs';
import { ConfigurationError } from '../errors.js';
import type { StreamingContext } from '../context.js';
import { RepartitionNode, TransformNode, TransformWithNode } from './operators/batch.js';
import { batchFunctionNode } from './dead-letters/batch-dead-letters.js';
import {
  checkRecordErrorOptions,
  type DeadLetter,
  type RecordErrorOptions,
} from './dead-letters/dead-letter-log.js';
import { DeadLettersNode } from './dead-letters/dead-letters.js';
import { LookupJoinNode, type LookupJoinOptions } from './operators/lookup-join.js';
import type { Lookup } from '../types.js';
import { NarrowNode } from './operators/narrow.js';
import { ParallelNode, type ParallelOptions } from './parallel/parallel.js';
import type { WorkerTask } from './parallel/parallel-task.js';
import type { Node } from './node.js';
import { OutputNode, type BatchFunction } from './output-operations/output.js';
import type { Key } from './operators/pairs.js';
import { reducer, type Combiner } from './operators/key-table.js';
import { CombineByKeyNode } from './operators/reduce-by-key.js';
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
import { UnionNode } from './operators/union.js';
import {
  countByValueAndWindow,
  countByWindow,
  reduceByKeyAndWindowIncremental,
  reduceByWindowIncremental,
  type ReduceByKeyAndWindowOptions,
} from './operators/reduced-window.js';
import {
  groupByKeyAndWindow,
  reduceByKeyAndWindowNaive,
  reduceByWindowNaive,
  requireWindow,
  windowStream,
} from './operators/window.js';
import { formatBatch } from './output-operations/print.js';
import { saveAsTextFiles } from './output-operations/save-text.js';
import { mapWithState, type MapWithStateDStream } from './state/map-with-state.js';
import type { StateSpec } from './state/state-spec.js';
import { UpdateStateNode, type UpdateFunction, type UpdateStateOptions } from './state/update-state.js';

/** One batch as `asObservable()` emits it. */
export interface TimedBatch<T> {
  readonly time: number;
  readonly records: T[];
}

/** @internal Wraps a node in a DStream. */
export function wrap<T>(context: StreamingContext, node: Node<T>): DStream<T> {
  return new DStream(context, node);
}

/**
 * A discretized stream: one batch of records of type `T` per slide interval. Build it from a
 * StreamingContext's inputs with the operators below; nothing runs until `ssc.start()`.
 *
 * @example
 * const counts = ssc
 *   .socketTextStream('127.0.0.1', 9999)
 *   .flatMap((line) => line.split(' '))
 *   .map((word): [string, number] => [word, 1])
 *   .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, seconds(30), seconds(5));
 * counts.print();
 *
 * Gotcha: a batch's array may be shared by several readers; treat records as read-only.
 */
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
   * @param options `onRecordError: 'deadLetter'`: a record on which `f` throws is skipped and
   *   becomes a dead letter (see {@link deadLetters}) instead of failing the batch (`'fail'`, the default).
   *
   * @example
   * lines.map((line) => line.length)
   * lines.map((line) => JSON.parse(line) as Click, { onRecordError: 'deadLetter' })
   */
  map<U>(f: (record: T) => U, options: RecordErrorOptions = {}): DStream<U> {
    return this.narrow<U>({ kind: 'map', name: '', fn: f as (record: never) => unknown, ...options });
  }

  /**
   * Applies `f` to every record and flattens the results (any iterable; arrays are fastest).
   * @param options `onRecordError: 'deadLetter'`: a record on which `f` throws is skipped and
   *   becomes a dead letter (see {@link deadLetters}) instead of failing the batch (`'fail'`, the default).
   *   With it, another iterable than an array is drained at once, so what its iteration throws
   *   is caught too.
   *
   * @example
   * lines.flatMap((line) => line.split(' '))
   */
  flatMap<U>(f: (record: T) => Iterable<U>, options: RecordErrorOptions = {}): DStream<U> {
    const fn = f as (record: never) => Iterable<unknown>;
    return this.narrow<U>({ kind: 'flatMap', name: '', fn, ...options });
  }

  /**
   * Keeps the records for which `predicate` is true.
   * @param options `onRecordError: 'deadLetter'`: a record on which `predicate` throws is skipped
   *   and becomes a dead letter (see {@link deadLetters}) instead of failing the batch.
   *
   * @example
   * lines.filter((line) => line.length > 0)
   * values.filter((v): v is number => typeof v === 'number') // narrows the type
   */
  filter<S extends T>(predicate: (record: T) => record is S, options?: RecordErrorOptions): DStream<S>;
  filter(predicate: (record: T) => boolean, options?: RecordErrorOptions): DStream<T>;
  filter(predicate: (record: T) => boolean, options: RecordErrorOptions = {}): DStream<T> {
    return this.narrow<T>({
      kind: 'filter',
      name: '',
      fn: predicate as (record: never) => boolean,
      ...options,
    });
  }

  // ---- batch operators ---------------------------------------------------------------------

  /**
   * Applies `f` to each batch as a whole (Spark's mapPartitions over the batch). Treat `records`
   * as read-only: other operators may share the array.
   * @param options `onRecordError: 'deadLetter'`: when `f` throws, the batch is empty and the
   *   input batch becomes one dead letter (its `record` is the whole array) instead of failing.
   *
   * @example
   * readings.mapBatch((records, time) => [{ time, mean: mean(records) }])
   */
  mapBatch<U>(f: (records: T[], time: number) => U[], options: RecordErrorOptions = {}): DStream<U> {
    return this.derive(batchFunctionNode<T, U>(this.node, 'mapBatch', f, options));
  }

  /**
   * Turns each batch into another with any function, sync or async: the escape hatch for what
   * no operator does (joining with a table fetched per batch, say).
   * @param options `onRecordError: 'deadLetter'`: when `f` throws or its promise rejects, the
   *   batch is empty and the input batch becomes one dead letter (its `record` is the whole
   *   array, even an empty one) instead of failing the batch.
   *
   * @example
   * events.transform(async (records) => enrich(records, await fetchTable()))
   */
  transform<U>(
    f: (records: T[], time: number) => U[] | Promise<U[]>,
    options: RecordErrorOptions = {},
  ): DStream<U> {
    return this.derive(batchFunctionNode<T, U>(this.node, 'transform', f, options));
  }

  /**
   * Combines this stream's batch and `other`'s batch of the same time with `f` (sync or async).
   * Both streams must belong to this context and slide alike (checked at start).
   *
   * @example
   * clicks.transformWith(blocked, (cs, bs) => cs.filter((c) => !bs.includes(c.user)))
   */
  transformWith<U, R>(
    other: DStream<U>,
    f: (a: T[], b: U[], time: number) => R[] | Promise<R[]>,
  ): DStream<R> {
    other.assertContext(this.context, 'transformWith');
    return this.derive(new TransformWithNode<T, U, R>(this.node, other.node, f));
  }

  /**
   * The same records, cut into `slices` slices by parallel stages; on one thread only the count changes.
   *
   * @example
   * events.repartition(4).map(score)
   */
  repartition(slices: number): DStream<T> {
    return this.derive(new RepartitionNode(this.node, slices));
  }

  /**
   * Each batch holds this stream's records followed by `other`'s. Both must slide alike.
   *
   * @example
   * const lines = ssc.socketTextStream('127.0.0.1', 9999).union(ssc.socketTextStream('127.0.0.1', 9998));
   */
  union(other: DStream<T>): DStream<T> {
    other.assertContext(this.context, 'union');
    return this.derive(new UnionNode<T>([this.node, other.node]));
  }

  /**
   * A one-record batch: how many records each batch holds (0 for an empty batch).
   *
   * @example
   * lines.count().print() // [120], [98], [0], ...
   */
  count(): DStream<number> {
    return this.derive(new TransformNode<T, number>(this.node, 'count', (records) => [records.length]));
  }

  /**
   * `[value, count]` for each distinct record of each batch, values in the order they first
   * appear. Right after a {@link parallel} stage it fuses with it: each slice is counted on the
   * thread that made it, and only one pair per value and slice comes back.
   *
   * @example
   * words.countByValue() // [['the', 12], ['rabbit', 3], ...]
   * lines.parallel(workerTask<string, string>(splitModule, 'words', { kind: 'flatMap' })).countByValue()
   */
  countByValue(): DStream<[T & Key, number]> {
    const stage = this.fusableStage();
    if (stage) return this.derive(stage.withCombine<T & Key, number>({ by: 'countByValue' }));
    return this.derive(
      new CombineByKeyNode<T & Key, number, number>(
        this.map((record) => [record, 1] as [T & Key, number]).node,
        'countByValue',
        reducer((a, b) => a + b),
      ),
    );
  }

  /**
   * A one-record batch: the records of each batch reduced with `f` (no record for an empty batch).
   *
   * @example
   * latencies.reduce((a, b) => Math.max(a, b)) // the largest latency of each batch
   */
  reduce(f: (a: T, b: T) => T): DStream<T> {
    return this.derive(
      new TransformNode<T, T>(this.node, 'reduce', (records) =>
        records.length === 0 ? [] : [records.reduce(f)],
      ),
    );
  }

  // ---- windows (see lib/dstream/window*.ts) -------------------------------------------------

  /**
   * Each batch holds the records of this stream's batches in the window (t - windowDuration, t],
   * oldest batch first, one batch every `slideDuration`. Windows are checked at `start()`: both
   * durations must be whole multiples of this stream's slide (the batch interval for an input).
   * @param windowDuration how far back each window reaches, ms.
   * @param slideDuration how often a window is produced, ms; default: this stream's slide.
   *
   * @example
   * // every 10 s, the lines of the last 30 s
   * lines.window(seconds(30), seconds(10))
   */
  window(windowDuration: number, slideDuration: number = this.slideDuration): DStream<T> {
    return windowStream(this, windowDuration, slideDuration);
  }

  /**
   * A one-record batch per window: how many records the window holds (0 for an empty window;
   * Spark gives no record for windows before the first record). Kept up incrementally.
   *
   * @example
   * events.countByWindow(minutes(1), seconds(10))
   */
  countByWindow(windowDuration: number, slideDuration: number = this.slideDuration): DStream<number> {
    return countByWindow(this, windowDuration, slideDuration);
  }

  /**
   * A one-record batch per window: the window's records reduced with `f` (associative and
   * commutative); no record for an empty window. Its cost grows with the window.
   *
   * @example
   * latencies.reduceByWindow((a, b) => Math.max(a, b), seconds(30), seconds(10))
   */
  reduceByWindow(f: (a: T, b: T) => T, windowDuration: number, slideDuration?: number): DStream<T>;
  /**
   * A one-record batch per window: the window's records reduced with `f`, kept up incrementally:
   * `invF` takes out the batches that left the window (`invF(f(a, b), b)` must equal `a`), so
   * the cost grows with the slide, not the window. Gotcha: once a record has been seen, every
   * window has one record, the neutral value (such as 0) when nothing is in it.
   *
   * @example
   * amounts.reduceByWindow((a, b) => a + b, (a, b) => a - b, minutes(10), seconds(10))
   */
  reduceByWindow(
    f: (a: T, b: T) => T,
    invF: (a: T, b: T) => T,
    windowDuration: number,
    slideDuration?: number,
  ): DStream<T>;
  reduceByWindow(
    f: (a: T, b: T) => T,
    invFOrWindow: ((a: T, b: T) => T) | number,
    windowOrSlide?: number,
    slideDuration?: number,
  ): DStream<T> {
    if (typeof invFOrWindow === 'function') {
      const window = requireWindow('reduceByWindow', windowOrSlide);
      return reduceByWindowIncremental(this, f, invFOrWindow, window, slideDuration ?? this.slideDuration);
    }
    return reduceByWindowNaive(this, f, invFOrWindow, windowOrSlide ?? this.slideDuration);
  }

  /**
   * `[value, count]` for each distinct record in the window, kept up incrementally; values whose
   * count drops to 0 are removed.
   *
   * @example
   * hashtags.countByValueAndWindow(minutes(5), seconds(10))
   */
  countByValueAndWindow(
    windowDuration: number,
    slideDuration: number = this.slideDuration,
  ): DStream<[T & Key, number]> {
    return countByValueAndWindow(this, windowDuration, slideDuration);
  }

  /**
   * `[key, values]` for each key in the window, values in batch order.
   *
   * @example
   * clicks.groupByKeyAndWindow(minutes(1), seconds(10))
   */
  groupByKeyAndWindow<K extends Key, V>(
    this: DStream<[K, V]>,
    windowDuration: number,
    slideDuration: number = this.slideDuration,
  ): DStream<[K, V[]]> {
    return groupByKeyAndWindow(this, windowDuration, slideDuration);
  }

  /**
   * Merges the values of each key over the window with `f` (associative and commutative). Each
   * window is reduced from its batches' per-key results, so the cost grows with the window; keys
   * leave with their last batch. For long windows, give an inverse function (the other overload).
   *
   * @example
   * pairs.reduceByKeyAndWindow((a, b) => a + b, seconds(30), seconds(10))
   */
  reduceByKeyAndWindow<K extends Key, V>(
    this: DStream<[K, V]>,
    f: (a: V, b: V) => V,
    windowDuration: number,
    slideDuration?: number,
  ): DStream<[K, V]>;
  /**
   * Merges the values of each key over the window incrementally: from the previous window's
   * values, `invF` takes out the batches that left the window and `f` adds those that entered
   * it, so the cost per batch grows with the slide, not the window (Spark's
   * ReducedWindowedDStream). `invF(f(a, b), b)` must equal `a`.
   *
   * Gotchas: a key stays after its records left the window (with e.g. the value 0) unless
   * `options.filter` removes it; remove only keys whose batches have all left the window, since
   * the next window starts from the filtered output (a key removed too early fails the batch).
   *
   * @example
   * words
   *   .map((w) => [w, 1] as [string, number])
   *   .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, minutes(10), seconds(10), {
   *     filter: ([, n]) => n !== 0,
   *   })
   */
  reduceByKeyAndWindow<K extends Key, V>(
    this: DStream<[K, V]>,
    f: (a: V, b: V) => V,
    invF: (a: V, b: V) => V,
    windowDuration: number,
    slideDuration?: number,
    options?: ReduceByKeyAndWindowOptions<K, V>,
  ): DStream<[K, V]>;
  reduceByKeyAndWindow<K extends Key, V>(
    this: DStream<[K, V]>,
    f: (a: V, b: V) => V,
    invFOrWindow: ((a: V, b: V) => V) | number,
    windowOrSlide?: number,
    slideDuration?: number,
    options?: ReduceByKeyAndWindowOptions<K, V>,
  ): DStream<[K, V]> {
    if (typeof invFOrWindow === 'function') {
      const window = requireWindow('reduceByKeyAndWindow', windowOrSlide);
      const slide = slideDuration ?? this.slideDuration;
      return reduceByKeyAndWindowIncremental(this, f, invFOrWindow, window, slide, options);
    }
    return reduceByKeyAndWindowNaive(this, f, invFOrWindow, windowOrSlide ?? this.slideDuration);
  }

  // ---- storage ------------------------------------------------------------------------------

  /**
   * Keeps each computed batch for its readers instead of recomputing it (breaks loop fusion here).
   *
   * @example
   * const parsed = lines.map(parse).cache(); // parsed once, read by both outputs
   * parsed.filter(isError).print();
   * parsed.count().print();
   */
  cache(): this {
    this.node.cached = true;
    return this;
  }

  /**
   * The batches with times in [from, to], from an active context. Times are floored to this
   * stream's slide. Batches older than the remember duration (see `ssc.remember`) are gone.
   *
   * @example
   * ssc.remember(minutes(1));
   * const lastTen = await lines.slice(clock.now() - seconds(10), clock.now()); // one array per batch
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
   *
   * @example
   * counts.print(5)
   * // -------------------------------------------
   * // Time: 1000 ms
   * // -------------------------------------------
   * // (the,12)
   */
  print(n = 10, write: (line: string) => void = (line) => console.log(line)): void {
    this.output('print', (records, time) => write(formatBatch(records, time, n)));
  }

  /**
   * Writes every batch as text, one record a line, to a directory `prefix-TIME[.suffix]` holding
   * a `part-00000` file and a `_SUCCESS` marker. The directory is written under a temporary name
   * and renamed, so a reader never sees it half-written, and a re-run batch replaces it.
   *
   * @example
   * counts.saveAsTextFiles('/data/out/counts', 'txt') // /data/out/counts-1000.txt/part-00000, ...
   */
  saveAsTextFiles(prefix: string, suffix?: string): void {
    this.output('saveAsTextFiles', (records, time) => saveAsTextFiles(records, time, prefix, suffix));
  }

  /**
   * The batches as an RxJS Observable: one emission per batch (never per record); it completes
   * when the context stops. Call before `start()`: it adds an output operation.
   *
   * @example
   * counts.asObservable().subscribe(({ time, records }) => chart.update(time, records));
   */
  asObservable(): Observable<TimedBatch<T>> {
    const subject = new Subject<TimedBatch<T>>();
    this.output('asObservable', (records, time) => subject.next({ time, records }));
    this.context.events.subscribe({ complete: () => subject.complete() });
    return subject.asObservable();
  }

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

  /** This stream's node when it is a parallel stage that a by-key operator can fuse with. */
  private fusableStage(): ParallelNode<unknown, T> | undefined {
    const node = this.node;
    if (!(node instanceof ParallelNode) || node.combine !== undefined || node.cached) return undefined;
    return node as ParallelNode<unknown, T>;
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

  // ---- state (see lib/dstream/state*.ts) -----------------------------------------------------

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

  // ---- dead letters ----

  /**
   * The dead letters of this stream's lineage: at each of its batch times, every record that this
   * stream's operator, any operator upstream of it (through joins, unions and windows) or a source
   * rejected (see `onRecordError` and the sources' `decode`), for batch times up to then. Each
   * dead letter comes once per dead-letter stream, however many readers ran the operators.
   *
   * @example
   * const clicks = ssc.socketTextStream<Click>('127.0.0.1', 9999, { decode: 'json' })
   *   .map(enrich, { onRecordError: 'deadLetter' });
   * clicks.deadLetters().foreachBatch((letters) => letters.forEach((l) => console.warn(l.reason, l.origin)));
   *
   * Gotchas: it computes this stream's batch (shared with its other readers) so that the batch's
   * dead letters are all there. A windowed stream's dead letters include those of every batch
   * since its previous window. Dead letters are also counted in `batchCompleted.deadLetters`.
   */
  deadLetters(): DStream<DeadLetter> {
    return this.derive(new DeadLettersNode(this.node as Node<unknown>));
  }

  // ---- parallel stages (see parallel/parallel.ts) ----

  /**
   * Runs a CPU-heavy stage on the context's worker threads (the `workers` option): each batch is
   * cut into slices that the threads (and the main thread) run at once, and the results come
   * back in the batch's order. The function is named by module and export with
   * {@link workerTask}, since functions cannot cross threads; its kind says how it applies:
   * `map`, `flatMap`, `filter`, or `mapPartitions` (Spark's name: a slice at a time). Without
   * the `workers` option the stage runs inline, with the same results.
   * @param options `onRecordError: 'deadLetter'`: a record on which the function throws is
   *   skipped and becomes a dead letter (a whole slice for `mapPartitions`) instead of failing
   *   the batch; `slices`: how many even slices a batch is cut into (default: the parent's
   *   `repartition(n)`; else slices are cut as the threads ask for work, shrinking towards the
   *   end of the batch, and `mapPartitions` gets a few per thread).
   *
   * @example
   * // score.ts: export function score(line: string): Scored { ... }
   * const ssc = new StreamingContext({ batchInterval: seconds(1), workers: true });
   * const scored = lines.parallel(workerTask<string, Scored>(new URL('./score.ts', import.meta.url), 'score'));
   *
   * Gotchas: records and results are structured-cloned between threads: they must be cloneable,
   * and class instances arrive as plain objects. An error thrown in a worker keeps its name,
   * message and stack, not its class. The stage reads its parent's whole batch (no fusion with
   * narrow neighbours): give it work that costs far more than a copy of a record.
   */
  parallel<U>(task: WorkerTask<T, U>, options: ParallelOptions = {}): DStream<U> {
    checkRecordErrorOptions(`parallel(${task.kind})`, options);
    return this.derive(new ParallelNode<T, U>(this.node, task, this.context.workers, options));
  }

  // ---- lookups ----

  /**
   * Joins each record with its value in a static table: `[record, value]`, in the batch's order.
   * Per batch, `lookup.refresh(time)` runs first (a new version is swapped in between batches,
   * never during one), then `lookup.getAll` is asked for the batch's distinct keys in chunks of
   * `chunkSize`, at most `concurrency` at once, each within `timeoutMs`; retriable failures are
   * retried with `backoff`, then the batch fails with an error naming the lookup and batch time.
   * @param lookup the table (see `kindling/lookups`: files, S3, HDFS, MongoDB, HBase, caches).
   * @param keyOf the record's key; `undefined` or `null` counts as a missing key.
   * @param options `missing`: `'keep'` (default) gives `[record, undefined]`, `'drop'` skips the
   *   record, `'deadLetter'` sends it to {@link deadLetters} (reason `missingKey`);
   *   `onRecordError: 'deadLetter'` sends records on which `keyOf` throws there too.
   *
   * @example
   * const profiles = await jsonlFileLookup<string, Profile>('profiles.jsonl', { key: 'id' });
   * tweets.joinLookup(profiles, (t) => t.userId, { missing: 'drop' })
   *   .map(([tweet, profile]) => ({ ...tweet, country: profile.country }));
   *
   * Gotchas: the lookup is asked once per batch, not per record, so a key's value is the same for
   * every record of a batch. Records are held until the batch's lookups have answered.
   */
  joinLookup<K, V>(
    lookup: Lookup<K, V>,
    keyOf: (record: T) => K | undefined | null,
    options: LookupJoinOptions & { readonly missing: 'drop' | 'deadLetter' },
  ): DStream<[T, V]>;
  joinLookup<K, V>(
    lookup: Lookup<K, V>,
    keyOf: (record: T) => K | undefined | null,
    options?: LookupJoinOptions,
  ): DStream<[T, V | undefined]>;
  joinLookup<K, V>(
    lookup: Lookup<K, V>,
    keyOf: (record: T) => K | undefined | null,
    options: LookupJoinOptions = {},
  ): DStream<[T, V | undefined]> {
    const emit = (record: T, value: V | undefined): [T, V | undefined] => [record, value];
    return this.lookupJoin('joinLookup', lookup, keyOf, emit, options);
  }

  /**
   * Like {@link joinLookup}, but each record becomes `merge(record, value)`; with `missing: 'keep'`
   * (the default) `merge` gets `undefined` for a key the lookup does not hold.
   * @param options as {@link joinLookup}'s; `onRecordError: 'deadLetter'` also covers `merge`.
   *
   * @example
   * tweets.enrich(profiles, (t) => t.userId, (t, p) => ({ ...t, followers: p?.followers ?? 0 }));
   */
  enrich<K, V, U>(
    lookup: Lookup<K, V>,
    keyOf: (record: T) => K | undefined | null,
    merge: (record: T, value: V | undefined) => U,
    options: LookupJoinOptions = {},
  ): DStream<U> {
    return this.lookupJoin('enrich', lookup, keyOf, merge, options);
  }

  private lookupJoin<K, V, U>(
    kind: string,
    lookup: Lookup<K, V>,
    keyOf: (record: T) => K | undefined | null,
    emit: (record: T, value: V | undefined) => U,
    options: LookupJoinOptions,
  ): DStream<U> {
    const clock = this.context.clock;
    return this.derive(new LookupJoinNode<T, K, V, U>(this.node, kind, lookup, keyOf, emit, options, clock));
  }

  // ---- checkpointing -----------------------------------------------------------------------

  /**
   * Saves this stream's batches in every checkpoint (as stateful operators always do), and keeps
   * them for two intervals, as Spark does. `interval` must be a multiple of the stream's slide
   * (checked at start). Checkpoints are written when the context has a `checkpointDir`, every
   * `checkpointInterval` of the context.
   *
   * @example
   * totals.checkpoint(seconds(10)) // with a batch interval that divides 10 s
   */
  checkpoint(interval: number): this {
    if (!(interval > 0)) {
      throw new ConfigurationError(
        `checkpoint(${interval}) on '${this.node.name}': the interval must be > 0 ms`,
      );
    }
    this.context.assertBuilding('checkpoint');
    this.node.checkpointInterval = interval;
    return this;
  }

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
    checkRecordErrorOptions(stage.label ?? stage.kind, stage);
    return this.derive(new NarrowNode<U>(this.node as Node<unknown>, stage));
  }

  private output(kind: string, f: BatchFunction<T>): void {
    this.context.graph.addOutput(new OutputNode<T>(this.node, kind, f) as OutputNode<unknown>);
  }
}
