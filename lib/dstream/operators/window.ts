/**
 * window, and the operators built on a plain window: reduceByWindow (without an inverse),
 * groupByKeyAndWindow and the naive reduceByKeyAndWindow. A window ending at time t holds the
 * parent's batches in (t - window, t]; a windowed stream has a batch every slide after zero time.
 * The incremental operators (with an inverse function) live in `reduced-window.ts`.
 */
import { formatDuration, isMultipleOf } from '../../duration.js';
import { ConfigurationError } from '../../errors.js';
import type { DStream } from '../dstream.js';
import { Node, type Sink } from '../node.js';
import type { Key } from './pairs.js';
import { reducer } from './key-table.js';
import { CombineByKeyNode } from './reduce-by-key.js';

/**
 * What every windowed node shares: its window and slide, checked at start, and parents that
 * keep their batches for a window longer.
 */
export abstract class WindowedNode<T> extends Node<T> {
  constructor(
    parent: Node<unknown>,
    kind: string,
    dependencies: readonly Node<unknown>[],
    readonly windowDuration: number,
    slideDuration: number,
  ) {
    super(parent.scope, kind, dependencies, parent);
    this.slideDuration = slideDuration;
  }

  override validate(): void {
    validateWindow(this, this.windowDuration, this.slideDuration);
    super.validate();
  }

  protected override parentRememberDuration(): number {
    return this.rememberDuration + this.windowDuration;
  }
}

/**
 * The parent's batches in (t - window, t], as one batch every slide. Spark's WindowedDStream.
 * Readers that only iterate (a reduce or group over the window) get the records straight from the
 * parent's cached batches, without one array for the whole window.
 */
export class WindowNode<T> extends WindowedNode<T> {
  constructor(parent: Node<T>, windowDuration: number, slideDuration: number) {
    super(parent, 'window', [parent], windowDuration, slideDuration);
  }

  protected async compute(time: number): Promise<T[]> {
    const out: T[] = [];
    for (const batch of await this.windowBatches(time))
      for (let i = 0; i < batch.length; i++) out.push(batch[i] as T);
    return out;
  }

  override async forEachRecord(time: number, sink: Sink<T>): Promise<void> {
    if (this.hasBatch(time)) return super.forEachRecord(time, sink);
    if (!this.isTimeValid(time)) return;
    for (const batch of await this.windowBatches(time))
      for (let i = 0; i < batch.length; i++) sink(batch[i] as T);
  }

  private windowBatches(time: number): Promise<T[][]> {
    const parent = this.dependencies[0] as Node<T>;
    return parent.slice(time - this.windowDuration + parent.slideDuration, time);
  }
}

/**
 * Checks a window's durations against its parent's slide (the batch interval for an input stream),
 * as windows do at start. Throws a {@link ConfigurationError} such as "window 1500 ms is not a
 * multiple of the batch interval 1000 ms".
 */
export function validateWindow(node: Node<unknown>, windowDuration: number, slideDuration: number): void {
  const parent = node.dependencies[0] as Node<unknown>;
  const step = parent.slideDuration;
  const unit =
    step === node.scope.batchInterval
      ? `the batch interval ${formatDuration(step)}`
      : `the slide ${formatDuration(step)} of its parent stream '${parent.name}'`;
  const check = (what: string, duration: number): void => {
    const prefix = `${node.kind} '${node.name}': ${what}`;
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
      throw new ConfigurationError(`${prefix} ${String(duration)} must be a positive number of milliseconds`);
    }
    if (!isMultipleOf(duration, step)) {
      const lower = Math.floor(duration / step) * step;
      const options = [lower, lower + step].filter((d) => d > 0).map(formatDuration);
      throw new ConfigurationError(
        `${prefix} ${formatDuration(duration)} is not a multiple of ${unit}; use a multiple of it, ` +
          `such as ${options.join(' or ')}`,
      );
    }
  };
  check('window', windowDuration);
  check('slide', slideDuration);
}

/** `stream.window(windowDuration, slideDuration)`: see {@link WindowNode}. */
export function windowStream<T>(
  stream: DStream<T>,
  windowDuration: number,
  slideDuration: number,
): DStream<T> {
  return stream.derive(new WindowNode(stream.node, windowDuration, slideDuration));
}

/**
 * reduceByWindow without an inverse, as Spark does it: reduce each batch, window the one-record
 * batches, reduce the window. Empty windows give an empty batch.
 */
export function reduceByWindowNaive<T>(
  stream: DStream<T>,
  f: (a: T, b: T) => T,
  windowDuration: number,
  slideDuration: number,
): DStream<T> {
  return windowStream(stream.reduce(f), windowDuration, slideDuration).reduce(f);
}

/**
 * groupByKeyAndWindow: each key's values in the window, oldest batch first. Groups each batch once
 * (so overlapping windows reuse the groups), then concatenates a key's groups over the window.
 */
export function groupByKeyAndWindow<K extends Key, V>(
  stream: DStream<[K, V]>,
  windowDuration: number,
  slideDuration: number,
): DStream<[K, V[]]> {
  const perBatch = new CombineByKeyNode<K, V, V[]>(stream.node, 'groupByKey', {
    createCombiner: (v) => [v],
    mergeValue: (values, v) => {
      values.push(v);
      return values;
    },
  });
  perBatch.cached = true;
  const windowed = new WindowNode(perBatch, windowDuration, slideDuration);
  // The per-batch groups are shared by overlapping windows: copy the first, never mutate one.
  const append = (into: V[], values: V[]): V[] => {
    for (let i = 0; i < values.length; i++) into.push(values[i] as V);
    return into;
  };
  return stream.derive(
    new CombineByKeyNode<K, V[], V[]>(windowed, 'groupByKeyAndWindow', {
      createCombiner: (values) => values.slice(),
      mergeValue: append,
      mergeCombiners: append,
    }),
  );
}

/**
 * reduceByKeyAndWindow without an inverse: reduce each batch by key, then reduce the window's
 * per-batch results by key. Its cost per batch grows with the window; keys leave with their batches.
 */
export function reduceByKeyAndWindowNaive<K extends Key, V>(
  stream: DStream<[K, V]>,
  f: (a: V, b: V) => V,
  windowDuration: number,
  slideDuration: number,
): DStream<[K, V]> {
  const perBatch = new CombineByKeyNode<K, V, V>(stream.node, 'reduceByKey', reducer(f));
  perBatch.cached = true;
  const windowed = new WindowNode(perBatch, windowDuration, slideDuration);
  return stream.derive(new CombineByKeyNode<K, V, V>(windowed, 'reduceByKeyAndWindow', reducer(f)));
}

/**
 * The window duration of an overload whose second argument is an inverse function; throws a
 * {@link ConfigurationError} when a caller (from plain JavaScript) left it out.
 */
export function requireWindow(operation: string, windowDuration: number | undefined): number {
  if (windowDuration === undefined) {
    throw new ConfigurationError(
      `${operation}(f, invF, windowDuration, slideDuration): the window duration is missing; ` +
        'pass it after the inverse function',
    );
  }
  return windowDuration;
}
