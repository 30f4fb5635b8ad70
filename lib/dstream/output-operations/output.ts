/**
 * Output operations: foreachBatch and everything built on it (print, saveAsTextFiles, count
 * sinks). Each output is one job per batch time at which its parent has a batch.
 */
import { Node, asBatchError } from '../node.js';

/**
 * The user's function of an output operation, given a batch's records and its time (ms). A
 * promise it returns is awaited before the batch counts as output; any other value it returns is
 * ignored, so an arrow whose body is an expression (`(b) => report.set(k, b)`) fits.
 */
export type BatchFunction<T> = (records: T[], time: number) => unknown;

/** An output operation: one job per batch time at which its parent has a batch. */
export class OutputNode<T> extends Node<never> {
  constructor(
    readonly parent: Node<T>,
    kind: string,
    private readonly fn: BatchFunction<T>,
  ) {
    super(parent.scope, kind, [parent]);
  }

  protected compute(): never[] {
    return [];
  }

  /** The job for `time`, or `undefined` when the parent has no batch then. */
  job(time: number): (() => Promise<void>) | undefined {
    if (!this.parent.isTimeValid(time)) return undefined;
    return async () => {
      const records = (await this.parent.getOrCompute(time)) ?? [];
      try {
        await this.fn(records, time);
      } catch (error) {
        throw asBatchError(error, this.name, time);
      }
    };
  }
}
