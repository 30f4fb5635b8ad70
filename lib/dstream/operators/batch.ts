/**
 * Batch-level operators: mapBatch, transform and transformWith hand the user a batch's whole
 * array; repartition sets how many slices parallel stages cut a batch into.
 */
import { ConfigurationError, KindlingError } from '../../errors.js';
import { Node } from '../node.js';

/**
 * `out`, what the batch function of operator kind `kind` returned, if it is a batch. Null or
 * undefined is an error, as in Spark's transform (the node names the operator and batch time):
 * an empty batch is an empty array, and a function that forgot to return must not look like one.
 */
export function returnedBatch<U>(kind: string, out: U[]): U[] {
  if (out === null || out === undefined) {
    throw new KindlingError(
      `${kind} returned ${String(out)} instead of an array; return [] for an empty batch`,
    );
  }
  return out;
}

/** mapBatch and transform: a function from one batch to another, possibly async. */
export class TransformNode<T, U> extends Node<U> {
  constructor(
    parent: Node<T>,
    kind: string,
    private readonly fn: (records: T[], time: number) => U[] | Promise<U[]>,
  ) {
    super(parent.scope, kind, [parent]);
  }

  protected async compute(time: number): Promise<U[]> {
    const records = (await this.dependencies[0]?.getOrCompute(time)) as T[] | undefined;
    return returnedBatch(this.kind, await this.fn(records ?? [], time));
  }
}

/** transformWith: a function of two streams' batches at the same time. */
export class TransformWithNode<A, B, U> extends Node<U> {
  constructor(
    left: Node<A>,
    right: Node<B>,
    private readonly fn: (a: A[], b: B[], time: number) => U[] | Promise<U[]>,
  ) {
    super(left.scope, 'transformWith', [left, right]);
  }

  protected async compute(time: number): Promise<U[]> {
    const [a, b] = await Promise.all(this.dependencies.map((d) => d.getOrCompute(time)));
    return returnedBatch(this.kind, await this.fn((a ?? []) as A[], (b ?? []) as B[], time));
  }
}

/**
 * repartition: the same records, to be cut into `slices` slices by parallel stages (worker
 * threads). On the main thread it changes nothing but that count.
 */
export class RepartitionNode<T> extends Node<T> {
  constructor(
    parent: Node<T>,
    readonly slices: number,
  ) {
    if (!Number.isInteger(slices) || slices < 1) {
      throw new ConfigurationError(
        `repartition(${slices}): the number of slices must be a whole number >= 1`,
      );
    }
    super(parent.scope, 'repartition', [parent]);
  }

  protected async compute(time: number): Promise<T[]> {
    return ((await this.dependencies[0]?.getOrCompute(time)) ?? []) as T[];
  }
}
