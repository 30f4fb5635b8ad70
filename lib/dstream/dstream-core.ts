/**
 * @internal The first of the classes behind {@link DStream} (see `dstream.ts`): the node a
 * stream wraps, its name, storage (cache, slice), checkpointing, dead letters and the output
 * operations. Its methods build the other kinds of stream through `derive`, which `DStream`
 * implements.
 */
import { Subject, type Observable } from 'rxjs';
import { ConfigurationError } from '../errors.js';
import type { StreamingContext } from '../context.js';
import type { DeadLetter } from './dead-letters/dead-letter-log.js';
import { DeadLettersNode } from './dead-letters/dead-letters.js';
import type { DStream } from './dstream.js';
import type { Node } from './node.js';
import { NarrowNode } from './operators/narrow.js';
import { OutputNode, type BatchFunction } from './output-operations/output.js';
import { formatBatch } from './output-operations/print.js';
import { saveAsTextFiles } from './output-operations/save-text.js';

/** One batch as `asObservable()` emits it. */
export interface TimedBatch<T> {
  /** The batch time, ms. */
  readonly time: number;
  /** The stream's records in that batch. */
  readonly records: T[];
}

/** @internal What every {@link DStream} is and does whatever it holds; see the file summary. */
export abstract class DStreamCore<T> {
  /** @internal */
  constructor(
    /** The context this stream belongs to (streams of different contexts cannot be combined). */
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
  abstract derive<U>(node: Node<U>): DStream<U>;

  /** Adds an output operation of kind `kind` running `f` on this stream's batches. */
  protected output(kind: string, f: BatchFunction<T>): void {
    this.context.graph.addOutput(new OutputNode<T>(this.node, kind, f) as OutputNode<unknown>);
  }
}
