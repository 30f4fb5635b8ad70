/**
 * The graph node behind every DStream: what a batch holds (`compute`), cached per batch time
 * while anything downstream still needs it. The public `DStream` class wraps a node; operators
 * are node subclasses, one per file (or small family) in the subfolders: `operators/` (the
 * transformations), `inputs/`, `state/` (mapWithState, updateStateByKey), `parallel/` (worker
 * threads), `dead-letters/` and `output-operations/` (foreachBatch, print, saveAsTextFiles).
 */
import { formatDuration, isMultipleOf } from '../duration.js';
import { BatchError, ConfigurationError, KindlingError } from '../errors.js';
import type { TaskSlice } from '../types.js';
import type { DeadLetterLog } from './dead-letters/dead-letter-log.js';

/** What a node needs to know of the graph it belongs to. */
export interface GraphScope {
  /** The context's batch interval, ms. */
  readonly batchInterval: number;
  /** A unique id, in creation order. */
  nextNodeId(): number;
  /** A unique default name for a node of `kind` under `parent`. */
  defaultName(kind: string, parent: Node<unknown> | undefined): string;
  /** Throws if nodes may no longer be added (the context has started). */
  assertBuilding(kind: string): void;
}

/**
 * @internal The checkpoint a node's batches are being encoded for: its time, and the checkpoint
 * an incremental part may build on.
 */
export interface CheckpointScope {
  /** The checkpoint's batch time. */
  readonly time: number;
  /**
   * The time of the checkpoint before this one in this run, whose write has not failed: a node
   * may save only what changed since it saved its batches there. Undefined: save them whole.
   */
  readonly base: number | undefined;
  /** Set by a node that saved only what changed since `base`. */
  onBase: boolean;
  /**
   * Where a node may leave part of its encoding to be done in slices after the snapshot, while
   * later batches run (see {@link DeferredEncoding}); without it, everything is encoded at once.
   */
  readonly deferred?: DeferredEncoding[];
}

/**
 * @internal Part of a checkpoint that a node encodes in slices after the snapshot was taken,
 * between later batches. It must save what the state held at the checkpoint's time, whatever
 * later batches change.
 */
export interface DeferredEncoding {
  /** Encodes the next slice; true once everything is encoded. Throws what the encoding threw. */
  step(): boolean;
}

/** Receives records one at a time, for fused loops. */
export type Sink<T> = (record: T) => void;

/** A node of the DStream graph: what each batch holds, computed once per time and remembered. */
export abstract class Node<T> {
  readonly id: number;
  name: string;
  /** The interval between this stream's batches, ms. */
  slideDuration: number;
  /** Set at start: the time before this stream's first batch. */
  zeroTime: number | undefined;
  /** How long computed batches are kept, ms; set at start from what downstream needs. */
  rememberDuration = 0;
  /** Set by `cache()`: children read the materialised batch instead of fusing through. */
  cached = false;
  /** Set by `checkpoint(interval)`: how often this stream's data is checkpointed, ms. */
  checkpointInterval: number | undefined;
  private readonly generated = new Map<number, Promise<T[]>>();
  /** Times of the batches of `generated` that failed, until {@link forgetFailed}. */
  private readonly failed = new Set<number>();
  /** The batches of `generated` that have resolved, for checkpoints (taken synchronously). */
  private readonly settled = new Map<number, T[]>();
  /**
   * True when this node's batches cannot be recomputed from the inputs after a restart (state,
   * incremental windows): a checkpoint saves its remembered batches.
   */
  mustCheckpoint = false;
  /**
   * Set on inputs and on nodes that must checkpoint when the graph was restored from the
   * checkpoint of this time: batches up to it that the checkpoint did not hold are before this
   * run's start, like times before zero time. Other nodes recompute such batches from their
   * parents (a plain window reads the input batches the checkpoint restored).
   */
  restoredTime: number | undefined;

  constructor(
    readonly scope: GraphScope,
    readonly kind: string,
    readonly dependencies: readonly Node<unknown>[],
    namedAfter: Node<unknown> | undefined = dependencies[0],
  ) {
    scope.assertBuilding(kind);
    this.id = scope.nextNodeId();
    this.name = scope.defaultName(kind, namedAfter);
    this.slideDuration = dependencies[0]?.slideDuration ?? scope.batchInterval;
  }

  /** What the batch at `time` holds. Called at most once per valid time while it is remembered. */
  protected abstract compute(time: number): T[] | Promise<T[]>;

  /** Checks the node's settings against the graph at start; throws a {@link ConfigurationError}. */
  validate(): void {
    if (!isMultipleOf(this.slideDuration, this.scope.batchInterval)) {
      throw new ConfigurationError(
        `${this.kind} '${this.name}': slide ${formatDuration(this.slideDuration)} is not a multiple of the ` +
          `batch interval ${formatDuration(this.scope.batchInterval)}; use a multiple of it`,
      );
    }
    const every = this.checkpointInterval;
    if (every !== undefined && !isMultipleOf(every, this.slideDuration)) {
      throw new ConfigurationError(
        `checkpoint interval ${formatDuration(every)} of '${this.name}' is not a multiple of its slide ` +
          `${formatDuration(this.slideDuration)}; use a multiple of the slide`,
      );
    }
  }

  /** How long this node's parents must keep their batches. Windows ask for more. */
  protected parentRememberDuration(): number {
    return this.rememberDuration;
  }

  /** Sets zero time on this node and its ancestors. */
  initialize(zeroTime: number): void {
    if (this.zeroTime !== undefined && this.zeroTime !== zeroTime) {
      throw new KindlingError(`node '${this.name}' was initialised twice with different zero times`);
    }
    this.zeroTime = zeroTime;
    for (const d of this.dependencies) d.initialize(zeroTime);
  }

  /** Keeps batches for at least `duration` ms, and asks the parents for what that needs. */
  remember(duration: number): void {
    const forCheckpoint = this.checkpointInterval === undefined ? 0 : 2 * this.checkpointInterval;
    this.rememberDuration = Math.max(this.rememberDuration, duration, this.slideDuration, forCheckpoint);
    const forParents = this.parentRememberDuration();
    for (const d of this.dependencies) d.remember(forParents);
  }

  /** True when this stream has a batch at `time`. */
  isTimeValid(time: number): boolean {
    if (this.zeroTime === undefined) {
      throw new KindlingError(`node '${this.name}' has not been initialised; start the context first`);
    }
    return time > this.zeroTime && (time - this.zeroTime) % this.slideDuration === 0;
  }

  /** The batch at `time`, computed once and cached; `undefined` if the stream has no batch then. */
  getOrCompute(time: number): Promise<T[]> | undefined {
    const cached = this.generated.get(time);
    if (cached) return cached;
    if (!this.isTimeValid(time)) return undefined;
    if (this.restoredTime !== undefined && time <= this.restoredTime) return undefined;
    const batch = this.computeGuarded(time);
    this.generated.set(time, batch);
    batch.then(
      (records) => {
        if (this.generated.get(time) === batch) this.settled.set(time, records);
      },
      () => {
        if (this.generated.get(time) === batch) this.failed.add(time);
      },
    );
    return batch;
  }

  /**
   * Forgets this node's failed batches up to `time` (called once the batch at `time` is done):
   * whoever asks for one of them later (a window over it, the next state) computes it again, as
   * Spark recomputes a failed RDD, so a transient failure heals. Until then the outputs of the
   * failed batch share its failure rather than compute it again.
   */
  forgetFailed(time: number): void {
    for (const t of this.failed) {
      if (t > time) continue;
      this.failed.delete(t);
      this.generated.delete(t);
    }
  }

  /**
   * @internal In a distributed job, which records of the batch at `time` belong to which task
   * (indices into the batch, in task order), for an output that commits per task; undefined
   * when this node cannot tell (its records mix tasks, or it has no such batch).
   */
  taskSlicesAt(_time: number): readonly TaskSlice[] | undefined {
    return undefined;
  }

  /** True when the batch at `time` has been computed and is still remembered. */
  protected hasBatch(time: number): boolean {
    return this.generated.has(time);
  }

  /**
   * Feeds every record of the batch at `time` to `sink`. Narrow nodes override this to run their
   * fused loop without building an array; everything else iterates the cached batch.
   */
  async forEachRecord(time: number, sink: Sink<T>): Promise<void> {
    const batch = await this.getOrCompute(time);
    if (batch) for (let i = 0; i < batch.length; i++) sink(batch[i] as T);
  }

  /**
   * The batches with times in [from, to]. Both ends are floored to this stream's slide (as Spark
   * does); times at or before the stream's start are skipped.
   */
  async slice(from: number, to: number): Promise<T[][]> {
    const zero = this.zeroTime ?? 0;
    const slide = this.slideDuration;
    const floor = (t: number): number => t - ((((t - zero) % slide) + slide) % slide);
    const alignedTo = floor(to);
    const alignedFrom = floor(from);
    const batches: Promise<T[]>[] = [];
    for (let t = alignedFrom; t <= alignedTo; t += slide) {
      const batch = this.getOrCompute(t);
      if (batch) batches.push(batch);
    }
    return Promise.all(batches);
  }

  /** Forgets batches older than the remember duration, here and upstream. */
  clearMetadata(time: number): void {
    for (const t of this.generated.keys()) {
      if (t <= time - this.rememberDuration) {
        this.generated.delete(t);
        this.settled.delete(t);
        this.failed.delete(t);
      }
    }
    for (const d of this.dependencies) d.clearMetadata(time);
  }

  // ---- checkpoints ------------------------------------------------------------------------

  /**
   * @internal The remembered batches that have resolved, encoded for a checkpoint, oldest first:
   * with a `scope`, those up to its time, each encoded for that checkpoint (a node with keyed
   * state may then write only what changed since the checkpoint's base).
   */
  checkpointBatches(scope?: CheckpointScope): [number, unknown][] {
    const upTo = scope?.time ?? Infinity;
    return [...this.settled]
      .filter(([time]) => time <= upTo)
      .sort((a, b) => a[0] - b[0])
      .map(([time, batch]) => [time, this.encodeBatch(batch, scope)]);
  }

  /**
   * @internal Makes the batches this node saved in an incremental checkpoint whole again, given
   * what it saved in the checkpoint's base (already made whole; undefined when the base has
   * nothing of this node). The default: batches are always saved whole.
   */
  resolveBatches(
    saved: readonly (readonly [number, unknown])[],
    _base: readonly (readonly [number, unknown])[] | undefined,
  ): (readonly [number, unknown])[] {
    return [...saved];
  }

  /** @internal Puts batches read from a checkpoint back, as if computed. */
  restoreBatches(entries: readonly (readonly [number, unknown])[]): void {
    for (const [time, data] of entries) {
      const batch = this.decodeBatch(data);
      this.generated.set(time, Promise.resolve(batch));
      this.settled.set(time, batch);
    }
  }

  /**
   * Turns a batch into what `v8.serialize` can write; the default keeps it as it is. `scope` is
   * the checkpoint it is for (none when the batch is encoded for anything else).
   */
  protected encodeBatch(batch: T[], _scope?: CheckpointScope): unknown {
    return batch;
  }

  /** The inverse of {@link encodeBatch}. */
  protected decodeBatch(data: unknown): T[] {
    return data as T[];
  }

  // ---- dead letters (see dead-letters/dead-letters.ts) ---------------------------------------

  /**
   * The log of the records this operator rejects itself: set by an operator with
   * `onRecordError: 'deadLetter'` and by an input that decodes (`decode`, `maxRecordBytes`).
   */
  deadLetterLog: DeadLetterLog | undefined;

  /** Every dead-letter log this node writes to: its own, and a fused narrow node's fused stages'. */
  deadLetterLogs(): readonly DeadLetterLog[] {
    return this.deadLetterLog ? [this.deadLetterLog] : [];
  }

  /** Runs `fn`, turning what it throws into a {@link BatchError} that names this operator. */
  protected guard<R>(time: number, fn: () => R): R {
    try {
      return fn();
    } catch (error) {
      throw asBatchError(error, this.name, time);
    }
  }

  private async computeGuarded(time: number): Promise<T[]> {
    try {
      return await this.compute(time);
    } catch (error) {
      throw asBatchError(error, this.name, time);
    }
  }
}

/** Wraps `error` in a {@link BatchError} for `operator`, unless it already is one. */
export function asBatchError(error: unknown, operator: string, time: number): BatchError {
  return error instanceof BatchError ? error : new BatchError(operator, time, error);
}
