/**
 * map, filter, flatMap (and mapValues, flatMapValues built on them): the narrow operators. A
 * chain of them is one node whose stages run fused, in one loop per batch, with no array between
 * stages; see DESIGN.md, "Execution model".
 */
import { Node, asBatchError, type Sink } from './node.js';

/**
 * One step of a fused loop. `label` is the operator as users call it (`mapValues` is a `map`
 * stage); `name` is the operator's name, for errors, which the node sets.
 */
export type Stage = { name: string; readonly label?: string } & (
  | { readonly kind: 'map'; readonly fn: (record: never) => unknown }
  | { readonly kind: 'filter'; readonly fn: (record: never) => boolean }
  | { readonly kind: 'flatMap'; readonly fn: (record: never) => Iterable<unknown> }
);

export class NarrowNode<T> extends Node<T> {
  /** The node the loop reads from: never itself a fusable narrow node. */
  readonly source: Node<unknown>;
  readonly stages: readonly Stage[];

  /** A node for `stage` applied to `parent`, fused with `parent`'s own stages when it has any. */
  constructor(parent: Node<unknown>, stage: Stage) {
    const fuse = parent instanceof NarrowNode && !parent.cached;
    const source: Node<unknown> = fuse ? parent.source : parent;
    super(parent.scope, stage.label ?? stage.kind, [source], parent);
    const own = { ...stage, name: this.name };
    this.source = source;
    this.stages = fuse ? [...parent.stages, own] : [own];
  }

  /** Renames the operator this node ends with (as `.name()` on the DStream does). */
  rename(name: string): void {
    this.name = name;
    (this.stages[this.stages.length - 1] as Stage).name = name;
  }

  protected async compute(time: number): Promise<T[]> {
    const out: T[] = [];
    await this.runLoop(time, (record) => {
      out.push(record);
    });
    return out;
  }

  override async forEachRecord(time: number, sink: Sink<T>): Promise<void> {
    if (this.cached || this.hasBatch(time)) return super.forEachRecord(time, sink);
    if (!this.isTimeValid(time)) return;
    await this.runLoop(time, sink);
  }

  private runLoop(time: number, sink: Sink<T>): Promise<void> {
    return this.source.forEachRecord(time, compose(this.stages, sink as Sink<unknown>, time));
  }
}

/** Builds the fused loop body: each stage calls the next directly, the last calls `sink`. */
function compose(stages: readonly Stage[], sink: Sink<unknown>, time: number): Sink<unknown> {
  let next = sink;
  for (let i = stages.length - 1; i >= 0; i--) next = link(stages[i] as Stage, next, time);
  return next;
}

function link(stage: Stage, next: Sink<unknown>, time: number): Sink<unknown> {
  const fail = (error: unknown): never => {
    throw asBatchError(error, stage.name, time);
  };
  switch (stage.kind) {
    case 'map': {
      const fn = stage.fn as (record: unknown) => unknown;
      return (record) => {
        let out;
        try {
          out = fn(record);
        } catch (error) {
          fail(error);
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
          fail(error);
        }
        if (keep) next(record);
      };
    }
    case 'flatMap': {
      const fn = stage.fn as (record: unknown) => Iterable<unknown>;
      return (record) => {
        let out: Iterable<unknown> = [];
        try {
          out = fn(record);
        } catch (error) {
          fail(error);
        }
        if (Array.isArray(out)) {
          for (let i = 0; i < out.length; i++) next(out[i]);
        } else {
          for (const item of out) next(item);
        }
      };
    }
  }
}
