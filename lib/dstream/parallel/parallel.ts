/**
 * parallel: a stage whose function runs on the context's worker threads (or inline without them).
 * The node asks its parent for the batch, lets the pool run the task over slices of it, and puts
 * the slices' results back together in the batch's order; a record on which the function throws
 * fails the batch or, with `onRecordError: 'deadLetter'`, becomes a dead letter, as in the
 * narrow operators. A `countByValue`, or a `reduceByKey` given a worker task, right after the
 * stage fuses with it: each slice's results are merged by key on its thread (Spark's map-side
 * combine), and the slices' pairs on the main thread.
 */
import { ConfigurationError } from '../../errors.js';
import { RepartitionNode } from '../operators/batch.js';
import { InputNode } from '../inputs/input.js';
import { NarrowNode } from '../operators/narrow.js';
import { UnionNode } from '../operators/union.js';
import {
  DeadLetterLog,
  asError,
  type DeadLetter,
  type RecordErrorOptions,
} from '../dead-letters/dead-letter-log.js';
import { recordOrigins } from '../dead-letters/dead-letters.js';
import { KeyTable, combineInto, reducer } from '../operators/key-table.js';
import { Node, asBatchError } from '../node.js';
import type { Key } from '../operators/pairs.js';
import type { StageCombine, WorkerTask } from './parallel-task.js';
import { SliceBalance } from './slice-balance.js';
import type { SlicedResults } from './slice-run.js';
import type { WorkerPool } from './worker-pool.js';

/** Options of `DStream.parallel`. */
export interface ParallelOptions extends RecordErrorOptions {
  /**
   * How many even slices each batch is cut into, when the stage runs on threads. Default: the
   * parent's `repartition(n)` if it is one; else `map`, `flatMap` and `filter` batches are cut
   * as the threads ask for work (see `WorkerPool.run`), `mapPartitions` batches into a few
   * slices per thread (fewer for small batches), and a stage fused with the `countByValue` or
   * `reduceByKey` after it into one slice per thread. Results do not depend on it, except for
   * `mapPartitions`, whose function sees one slice at a time.
   */
  readonly slices?: number;
}

const COMBINE_NAMES = { reduceByKey: 'parallelReduceByKey', countByValue: 'parallelCountByValue' } as const;

const KIND_NAMES = {
  map: 'parallelMap',
  flatMap: 'parallelFlatMap',
  filter: 'parallelFilter',
  mapPartitions: 'parallelMapPartitions',
} as const;

/**
 * The node of `parallel(task, options)`, and of it fused with the by-key operator after it (see
 * {@link ParallelNode.withCombine}).
 */
export class ParallelNode<T, U> extends Node<U> {
  private readonly slices: number | undefined;
  private readonly collect: boolean;
  /** How this stage's batches are shared between threads when cut one slice per thread. */
  private readonly balance = new SliceBalance();

  constructor(
    parent: Node<T>,
    readonly task: WorkerTask<T, U>,
    private readonly pool: WorkerPool,
    readonly options: ParallelOptions,
    /** A by-key operator fused with the stage: its results merged by key. */
    readonly combine?: StageCombine,
    namedAfter?: Node<unknown>,
  ) {
    const slices = options.slices;
    if (slices !== undefined && !(Number.isInteger(slices) && slices >= 1)) {
      throw new ConfigurationError(
        `${KIND_NAMES[task.kind]}: slices must be a whole number >= 1, got ${String(slices)}`,
      );
    }
    const kind = combine ? COMBINE_NAMES[combine.by] : KIND_NAMES[task.kind];
    super(parent.scope, kind, [parent as Node<unknown>], namedAfter);
    this.slices = slices ?? (parent instanceof RepartitionNode ? parent.slices : undefined);
    this.collect = options.onRecordError === 'deadLetter';
    if (this.collect) this.deadLetterLog = new DeadLetterLog();
  }

  /**
   * This stage and the by-key operator after it as one node: the stage's function and the merge
   * run on the same thread over each slice, so only one pair per key and slice crosses back.
   * Reads the same parent as this stage.
   */
  withCombine<K extends Key, V>(combine: StageCombine): ParallelNode<T, [K, V]> {
    const parent = this.dependencies[0] as Node<T>;
    const task = this.task as unknown as WorkerTask<T, [K, V]>;
    return new ParallelNode(parent, task, this.pool, this.options, combine, this as Node<unknown>);
  }

  protected async compute(time: number): Promise<U[]> {
    const parent = this.dependencies[0] as Node<T>;
    const records = (await parent.getOrCompute(time)) ?? [];
    if (records.length === 0 && this.task.kind !== 'mapPartitions') {
      this.deadLetterLog?.write(time, []);
      return [];
    }
    const sliced = await this.pool.run(this.task as WorkerTask<unknown, unknown>, records, time, {
      slices: this.slices,
      collect: this.collect,
      combine: this.combine,
      balance: this.balance,
    });
    if (!this.collect) {
      const first = sliced.results.find((r) => r.failures.length > 0)?.failures[0];
      if (first) throw asBatchError(first.error, this.name, time);
    } else {
      (this.deadLetterLog as DeadLetterLog).write(time, this.deadLetters(sliced, records, time));
    }
    if (this.combine) return (await this.merged(sliced, this.combine)) as U[];
    return this.task.kind === 'filter' ? keptRecords(sliced, records) : concatenated(sliced);
  }

  /** The slices' pairs merged by key, keys in the order they first came in the batch. */
  private async merged(sliced: SlicedResults, combine: StageCombine): Promise<[Key, unknown][]> {
    if (sliced.results.length === 1) return (sliced.results[0]?.out ?? []) as [Key, unknown][];
    const reduce =
      combine.by === 'countByValue'
        ? (a: unknown, b: unknown) => (a as number) + (b as number)
        : ((await this.pool.load(combine.task)) as (a: unknown, b: unknown) => unknown);
    const table = new KeyTable<Key, unknown>();
    const add = combineInto(table, reducer(reduce));
    for (const result of sliced.results) {
      const pairs = (result.out ?? []) as [Key, unknown][];
      for (let i = 0; i < pairs.length; i++) add(pairs[i] as [Key, unknown]);
    }
    return table.pairs();
  }

  /** The records the function threw on (a whole slice for `mapPartitions`) as dead letters. */
  private deadLetters(sliced: SlicedResults, records: readonly T[], time: number): DeadLetter[] {
    const letters: DeadLetter[] = [];
    const origin = recordOrigins(this.dependencies[0] as Node<unknown>);
    sliced.results.forEach((result, s) => {
      const start = sliced.offsets[s] as number;
      const end = sliced.offsets[s + 1] ?? records.length;
      for (const { index, error } of result.failures) {
        const record = index < 0 ? records.slice(start, end) : records[start + index];
        letters.push({
          record,
          error: asError(error),
          reason: 'userFunction',
          operator: this.name,
          batchTime: time,
          origin: origin(record),
        });
      }
    });
    return letters;
  }
}

/**
 * The parallel stages among `nodes` that may run a batch before the batches ahead of it are done
 * (the pool's `lookahead`): those whose every ancestor is an input, a narrow operator,
 * `repartition`, `union` or another parallel stage, so that what they compute is fixed once the
 * batch is generated. State, windows, joins with lookups and batch functions are left out: they
 * may depend on the batches before, or on the world outside.
 */
export function stagesThatRunAhead(nodes: readonly Node<unknown>[]): ParallelNode<unknown, unknown>[] {
  const fixed = new Map<Node<unknown>, boolean>();
  const isFixed = (node: Node<unknown>): boolean => {
    let known = fixed.get(node);
    if (known === undefined) {
      const ownKind =
        node instanceof InputNode ||
        node instanceof NarrowNode ||
        node instanceof RepartitionNode ||
        node instanceof UnionNode ||
        node instanceof ParallelNode;
      known = ownKind && node.dependencies.every(isFixed);
      fixed.set(node, known);
    }
    return known;
  };
  return nodes.filter((n): n is ParallelNode<unknown, unknown> => n instanceof ParallelNode && isFixed(n));
}

function concatenated<U>(sliced: SlicedResults): U[] {
  if (sliced.results.length === 1) return (sliced.results[0]?.out ?? []) as U[];
  const out: U[] = [];
  for (const result of sliced.results) {
    const part = (result.out ?? []) as U[];
    for (let i = 0; i < part.length; i++) out.push(part[i] as U);
  }
  return out;
}

function keptRecords<T, U>(sliced: SlicedResults, records: readonly T[]): U[] {
  const out: U[] = [];
  sliced.results.forEach((result, s) => {
    const start = sliced.offsets[s] as number;
    for (const i of result.kept ?? []) out.push(records[start + i] as unknown as U);
  });
  return out;
}
