/**
 * @internal The transformations of {@link DStream} that need no keys (see `dstream.ts`): the
 * narrow operators (fused into one loop per batch), the batch operators, the parallel stages
 * on worker threads and the lookup joins.
 */
import type { Lookup } from '../types.js';
import { checkRecordErrorOptions, type RecordErrorOptions } from './dead-letters/dead-letter-log.js';
import { batchFunctionNode } from './dead-letters/batch-dead-letters.js';
import { DStreamCore } from './dstream-core.js';
import type { DStream } from './dstream.js';
import type { Node } from './node.js';
import { RepartitionNode, TransformNode, TransformWithNode } from './operators/batch.js';
import { reducer } from './operators/key-table.js';
import { LookupJoinNode, type LookupJoinOptions } from './operators/lookup-join.js';
import { NarrowNode } from './operators/narrow.js';
import type { Key } from './operators/pairs.js';
import { CombineByKeyNode } from './operators/reduce-by-key.js';
import { UnionNode } from './operators/union.js';
import { SqlNode } from './operators/sql.js';
import type { SqlStreamOptions } from '../sql/engine.js';
import { ParallelNode, type ParallelOptions } from './parallel/parallel.js';
import type { WorkerTask } from './parallel/parallel-task.js';

/** @internal The keyless transformations of {@link DStream}; see the file summary. */
export abstract class DStreamTransforms<T> extends DStreamCore<T> {
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

  // ---- SQL (see operators/sql.ts and lib/sql/) ----

  /**
   * Runs a SQL query over each batch (each window, after `window(...)`) in the context's
   * in-process DuckDB: the records are a table named `batch` (or `options.table`), moved in as
   * columns; the result rows, plain objects keyed by column name, are the next stream's batch.
   * A record that is not a plain object is the row `{ value: record }`. Needs the optional peer
   * `@duckdb/node-api` (loaded at start); the context's `sql` option bounds its memory.
   * @param options `schema`: the table's columns (`{ user: 'VARCHAR', likes: 'INTEGER' }`);
   *   without it they are inferred from the first batch that holds a record. `tables`: static
   *   tables beside the batch (CSV, JSON Lines or Parquet files, arrays, lookups with `load()`),
   *   read once at start.
   *
   * @example
   * words.sql('SELECT value AS word, count(*) AS n FROM batch GROUP BY word ORDER BY n DESC LIMIT 10')
   * tweets.window(minutes(1), seconds(10)).sql(
   *   'SELECT p.country, avg(t.score) AS mood FROM batch t JOIN profiles p ON p.id = t.user GROUP BY 1',
   *   { tables: { profiles: { parquet: 'profiles.parquet' } } },
   * )
   *
   * Gotchas: a record that does not fit the columns (a string in an INTEGER column) is a dead
   * letter (`schemaMismatch`) with the column and why; fields that are not columns are left out.
   * A query that does not parse fails `start()`; one naming a missing column fails it too when
   * the schema is given, else the first batch with records fails. Until then, without a schema,
   * batches are empty. Each batch is a table of its own: no state across batches (use windows).
   */
  sql(query: string, options: SqlStreamOptions = {}): DStream<Record<string, unknown>> {
    const input = { node: this.node as Node<unknown>, table: options.table ?? 'batch' };
    const withSchema = options.schema ? { ...input, schema: options.schema } : input;
    return this.derive(new SqlNode([withSchema], query, options.tables ?? {}));
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

  // ---- internals ----------------------------------------------------------------------------

  /** @internal The narrow stage `stage` added after this stream (fused with its narrow neighbours). */
  protected narrow<U>(stage: ConstructorParameters<typeof NarrowNode>[1]): DStream<U> {
    checkRecordErrorOptions(stage.label ?? stage.kind, stage);
    return this.derive(new NarrowNode<U>(this.node as Node<unknown>, stage));
  }

  /** @internal This stream's node when it is a parallel stage that a by-key operator can fuse with. */
  protected fusableStage(): ParallelNode<unknown, T> | undefined {
    const node = this.node;
    if (!(node instanceof ParallelNode) || node.combine !== undefined || node.cached) return undefined;
    return node as ParallelNode<unknown, T>;
  }
}
