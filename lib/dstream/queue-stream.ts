import { InputNode } from './input.js';
import type { GraphScope } from './node.js';

/** Options of `StreamingContext.queueStream`. */
export interface QueueStreamOptions<T> {
  /** One queued batch per batch time (default), or everything queued so far in one batch. */
  readonly oneAtATime?: boolean;
  /** The batch to give once the queue is empty. Default: an empty batch. */
  readonly defaultBatch?: readonly T[];
}

/**
 * The node behind `ssc.queueStream`: the n-th queued batch becomes the n-th batch time's input
 * (every batch time takes one, whether or not an output asks for it). More batches may be pushed
 * onto `queue` while the context runs; they are taken from the next batch time on.
 *
 * @example
 * const queue = [[1, 2]];
 * ssc.queueStream(queue).print(); // batch 1000: [1, 2]
 * queue.push([3]);                // a later batch: [3]
 *
 * Gotcha: the array is the queue: batches are taken off it (`shift`), so it is empty afterwards.
 */
export class QueueNode<T> extends InputNode<T> {
  constructor(
    scope: GraphScope,
    readonly queue: T[][],
    private readonly options: QueueStreamOptions<T>,
  ) {
    super(scope, 'queueStream');
  }

  protected compute(): T[] {
    if (this.options.oneAtATime ?? true) {
      const next = this.queue.shift();
      return next ? [...next] : [...(this.options.defaultBatch ?? [])];
    }
    if (this.queue.length === 0) return [...(this.options.defaultBatch ?? [])];
    return this.queue.splice(0).flat();
  }
}
