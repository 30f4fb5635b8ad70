/**
 * transform and mapBatch with `onRecordError: 'deadLetter'`: a batch function that throws (or
 * rejects) gives an empty batch, and the batch it was given becomes one dead letter.
 */
import { TransformNode, returnedBatch } from '../operators/batch.js';
import {
  DeadLetterLog,
  asError,
  checkRecordErrorOptions,
  type RecordErrorOptions,
} from './dead-letter-log.js';
import { lineageOrigin } from './dead-letters.js';
import { Node } from '../node.js';

/** The node of `transform` or `mapBatch` (`kind`) with `options`. */
export function batchFunctionNode<T, U>(
  parent: Node<T>,
  kind: 'transform' | 'mapBatch',
  fn: (records: T[], time: number) => U[] | Promise<U[]>,
  options: RecordErrorOptions,
): Node<U> {
  checkRecordErrorOptions(kind, options);
  if (options.onRecordError === 'deadLetter') return new RecoveringTransformNode<T, U>(parent, kind, fn);
  return new TransformNode<T, U>(parent, kind, fn);
}

/**
 * The node of `transform(f, { onRecordError: 'deadLetter' })` and of `mapBatch` with that option.
 * When `f` throws, the output batch is empty and the input batch is one dead letter (its `record`
 * is the whole input array), so that a failure on an empty batch is seen too. A failure upstream
 * is not `f`'s: it still fails the batch.
 */
export class RecoveringTransformNode<T, U> extends Node<U> {
  constructor(
    parent: Node<T>,
    kind: string,
    private readonly fn: (records: T[], time: number) => U[] | Promise<U[]>,
  ) {
    super(parent.scope, kind, [parent as Node<unknown>]);
    this.deadLetterLog = new DeadLetterLog();
  }

  protected async compute(time: number): Promise<U[]> {
    const parent = this.dependencies[0] as Node<T>;
    const records = (await parent.getOrCompute(time)) ?? [];
    const log = this.deadLetterLog as DeadLetterLog;
    try {
      const out = returnedBatch(this.kind, await this.fn(records, time));
      log.write(time, []);
      return out;
    } catch (error) {
      const origin = lineageOrigin(parent as Node<unknown>);
      const letter = { record: records, error: asError(error), reason: 'userFunction' as const };
      log.write(time, [{ ...letter, operator: this.name, batchTime: time, origin }]);
      return [];
    }
  }
}
