/**
 * DStream: a discretized stream, a sequence of batches, one per slide interval. This class is
 * the public face of a graph node: each method adds a node and returns the DStream around it.
 * Nothing runs until the context starts.
 *
 * Its methods are written in four files, each a class the next one extends: `dstream-core.ts`
 * (the node, naming, storage, checkpointing, dead letters, output operations),
 * `dstream-transforms.ts` (narrow and batch operators, parallel stages, lookup joins),
 * `dstream-pairs.ts` (key-value operators, joins, state) and this file (window operations),
 * whose class is the one users see. The operators themselves are nodes in the subfolders.
 */
import type { StreamingContext } from '../context.js';
import { DStreamPairs } from './dstream-pairs.js';
import type { Node } from './node.js';
import type { Key } from './operators/pairs.js';
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

export type { TimedBatch } from './dstream-core.js';

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
export class DStream<T> extends DStreamPairs<T> {
  // ---- windows (see operators/window.ts and reduced-window.ts) ---------------------------

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

  // ---- internals ----------------------------------------------------------------------------

  /** @internal A DStream around `node`, in this stream's context. */
  override derive<U>(node: Node<U>): DStream<U> {
    return new DStream(this.context, node);
  }
}
