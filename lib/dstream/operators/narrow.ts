/**
 * map, filter, flatMap (and mapValues, flatMapValues built on them): the narrow operators. A
 * chain of them is one node whose stages run fused, in one loop per batch, with no array between
 * stages; see DESIGN.md, "Execution model".
 */
import {
  asError,
  DeadLetterLog,
  type DeadLetter,
  type DeadLetterOrigin,
  type OnRecordError,
} from '../dead-letters/dead-letter-log.js';
import { recordOrigins } from '../dead-letters/dead-letters.js';
import type { TaskSlice } from '../../types.js';
import { Node, asBatchError, type Sink } from '../node.js';

/**
 * One step of a fused loop. `label` is the operator as users call it (`mapValues` is a `map`
 * stage); `name` is the operator's name, for errors, which the node sets. With `onRecordError:
 * 'deadLetter'` a record on which `fn` throws is skipped and written to `log`, which the node sets.
 */
export type Stage = {
  name: string;
  readonly label?: string;
  readonly onRecordError?: OnRecordError;
  log?: DeadLetterLog;
} & (
  | { readonly kind: 'map'; readonly fn: (record: never) => unknown }
  | { readonly kind: 'filter'; readonly fn: (record: never) => boolean }
  | { readonly kind: 'flatMap'; readonly fn: (record: never) => Iterable<unknown> }
);

/** A chain of narrow stages over one source node, run as one fused loop per batch. */
export class NarrowNode<T> extends Node<T> {
  /** The node the loop reads from: never itself a fusable narrow node. */
  readonly source: Node<unknown>;
  readonly stages: readonly Stage[];
  private originOfRecords: ((record: unknown) => DeadLetterOrigin) | undefined;
  /** The task slices of recent batches (distributed jobs only), by batch time. */
  private readonly slices = new Map<number, readonly TaskSlice[]>();

  /** A node for `stage` applied to `parent`, fused with `parent`'s own stages when it has any. */
  constructor(parent: Node<unknown>, stage: Stage) {
    const fuse = parent instanceof NarrowNode && !parent.cached;
    const source: Node<unknown> = fuse ? parent.source : parent;
    super(parent.scope, stage.label ?? stage.kind, [source], parent);
    const own: Stage = { ...stage, name: this.name };
    if (stage.onRecordError === 'deadLetter') own.log = this.deadLetterLog = new DeadLetterLog();
    this.source = source;
    this.stages = fuse ? [...parent.stages, own] : [own];
  }

  /** The logs of every stage of the loop that sends records to dead letters. */
  override deadLetterLogs(): readonly DeadLetterLog[] {
    const logs: DeadLetterLog[] = [];
    for (const stage of this.stages) if (stage.log) logs.push(stage.log);
    return logs;
  }

  /** Renames the operator this node ends with (as `.name()` on the DStream does). */
  rename(name: string): void {
    this.name = name;
    (this.stages[this.stages.length - 1] as Stage).name = name;
  }

  protected async compute(time: number): Promise<T[]> {
    const out: T[] = [];
    const push = (record: T): void => {
      out.push(record);
    };
    // Only a batch source's input node has task slices (in a distributed job); reading its batch
    // first costs nothing, as its forEachRecord reads the same batch.
    const input = this.source.kind === 'sourceStream' ? await this.source.getOrCompute(time) : undefined;
    const slices = input && this.source.taskSlicesAt(time);
    if (!input || !slices) {
      await this.runLoop(time, push);
      return out;
    }
    // A distributed job: the loop runs task by task, so each task's records stay a slice of the
    // output (an output that commits per task needs to know which are whose).
    const mine: TaskSlice[] = [];
    await this.runLoop(time, push, async (next) => {
      for (const s of slices) {
        const start = out.length;
        for (let i = s.start; i < s.end; i++) next(input[i]);
        mine.push({ task: s.task, start, end: out.length });
      }
    });
    this.slices.set(time, mine);
    return out;
  }

  /** @internal The task slices of the batch at `time`: those of the source, through the loop. */
  override taskSlicesAt(time: number): readonly TaskSlice[] | undefined {
    return this.slices.get(time);
  }

  override clearMetadata(time: number): void {
    super.clearMetadata(time);
    for (const t of this.slices.keys()) if (t <= time - this.rememberDuration) this.slices.delete(t);
  }

  override async forEachRecord(time: number, sink: Sink<T>): Promise<void> {
    if (this.cached || this.hasBatch(time)) return super.forEachRecord(time, sink);
    if (!this.isTimeValid(time)) return;
    await this.runLoop(time, sink);
  }

  /**
   * Runs the loop over the batch at `time`. Stages that send records to dead letters collect them
   * for this run and write them once it has gone through the whole batch; a log keeps the first
   * run's letters of a batch time, so a loop run by two readers writes them once.
   */
  private async runLoop(
    time: number,
    sink: Sink<T>,
    feed: (next: Sink<unknown>) => Promise<void> = (next) => this.source.forEachRecord(time, next),
  ): Promise<void> {
    const runs: [DeadLetterLog, DeadLetter[]][] = [];
    let next = sink as Sink<unknown>;
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const stage = this.stages[i] as Stage;
      if (stage.log) {
        const letters: DeadLetter[] = [];
        runs.push([stage.log, letters]);
        next = link(
          stage,
          next,
          toDeadLetters(stage, time, letters, (record) => this.origin(record)),
        );
      } else {
        next = link(stage, next, failBatch(stage, time));
      }
    }
    await feed(next);
    for (const [log, letters] of runs) log.write(time, letters);
  }

  /** Where a record of this loop comes from, for its dead letter; the lineage is looked up once. */
  private origin(record: unknown): DeadLetterOrigin {
    return (this.originOfRecords ??= recordOrigins(this.source))(record);
  }
}

/**
 * One stage of the fused loop: calls `fn` and hands what it gives to `next`. What `fn` throws
 * goes to `onError`, which either throws (`onRecordError: 'fail'`: the batch fails, naming the
 * stage) or keeps a dead letter and returns (the record is skipped). The loop of records that do
 * not throw is the same either way: the cost is paid only in the `catch`.
 */
function link(
  stage: Stage,
  next: Sink<unknown>,
  onError: (record: unknown, error: unknown) => void,
): Sink<unknown> {
  switch (stage.kind) {
    case 'map': {
      const fn = stage.fn as (record: unknown) => unknown;
      return (record) => {
        let out;
        try {
          out = fn(record);
        } catch (error) {
          onError(record, error);
          return;
        }
        next(out);
      };
    }
    case 'filter': {
      const fn = stage.fn as (record: unknown) => boolean;
      return (record) => {
        let keep;
        try {
          keep = fn(record);
        } catch (error) {
          onError(record, error);
          return;
        }
        if (keep) next(record);
      };
    }
    case 'flatMap': {
      const fn = stage.fn as (record: unknown) => Iterable<unknown>;
      return (record) => {
        let out: unknown[];
        try {
          const items = fn(record);
          // Another iterable is drained here, so that what its iteration throws is caught too.
          out = Array.isArray(items) ? items : Array.from(items);
        } catch (error) {
          onError(record, error);
          return;
        }
        for (let i = 0; i < out.length; i++) next(out[i]);
      };
    }
  }
}

/** `onError` of a failing stage: the batch fails with an error naming the stage and time. */
function failBatch(stage: Stage, time: number): (record: unknown, error: unknown) => void {
  return (_record, error) => {
    throw asBatchError(error, stage.name, time);
  };
}

/** `onError` of a dead-lettering stage: the record and its error go to `letters`. */
function toDeadLetters(
  stage: Stage,
  time: number,
  letters: DeadLetter[],
  origin: (record: unknown) => DeadLetterOrigin,
): (record: unknown, error: unknown) => void {
  return (record, error) => {
    letters.push({
      record,
      error: asError(error),
      reason: 'userFunction',
      operator: stage.name,
      batchTime: time,
      origin: origin(record),
    });
  };
}
