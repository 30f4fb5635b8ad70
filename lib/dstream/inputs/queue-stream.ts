import { InputNode } from './input.js';
import type { GraphScope } from '../node.js';

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
  /** Queued batches taken so far: the position a restart resumes from. */
  private taken = 0;

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
      if (next) this.taken++;
      return next ? [...next] : [...(this.options.defaultBatch ?? [])];
    }
    if (this.queue.length === 0) return [...(this.options.defaultBatch ?? [])];
    this.taken += this.queue.length;
    return this.queue.splice(0).flat();
  }

  /** The number of queued batches taken. */
  protected override position(): number {
    return this.taken;
  }

  /** Skips the batches a previous run took: the queue is rebuilt whole by the job's code. */
  protected override restorePosition(position: unknown): void {
    const taken = typeof position === 'number' ? position : 0;
    this.queue.splice(0, taken);
    this.taken = taken;
  }
}
