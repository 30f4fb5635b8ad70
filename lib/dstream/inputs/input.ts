/**
 * Input streams: the sources of a graph. Every input is materialised at every batch time,
 * whether or not an output asks for it (DESIGN.md, "Execution model"), and only then: a past
 * batch that is no longer remembered cannot be read again.
 */
import { KindlingError } from '../../errors.js';
import { Node, type GraphScope } from '../node.js';

/** Base of every input node: materialised once per batch time, with a position for checkpoints. */
export abstract class InputNode<T> extends Node<T> {
  private latest = -Infinity;
  /** The source's position after each materialised batch, for checkpoints. */
  private readonly positions = new Map<number, unknown>();
  /** True once a checkpoint was restored: `start` must not skip what arrived meanwhile. */
  protected restored = false;

  constructor(scope: GraphScope, kind: string) {
    super(scope, kind, []);
  }

  /**
   * Where the source stands after the latest batch (queued batches taken, files seen), in a form
   * `v8.serialize` can write; a restart resumes from it. `undefined` for sources that have none.
   */
  protected position(): unknown {
    return undefined;
  }

  /** Moves the source to a position from a checkpoint, before start. */
  protected restorePosition(_position: unknown): void {}

  /** @internal Where the source stands now (checkpointed at start, before the first batch). */
  currentPosition(): unknown {
    return this.position();
  }

  /** @internal The position after the batch at `time`, if that batch is remembered. */
  positionAt(time: number): unknown {
    return this.positions.get(time);
  }

  /** @internal Restores batches and the position after the newest of them, from a checkpoint. */
  restoreInput(entries: readonly (readonly [number, unknown])[], position: unknown): void {
    this.restoreBatches(entries);
    for (const [time] of entries) {
      this.latest = Math.max(this.latest, time);
      this.positions.set(time, position);
    }
    this.restorePosition(position);
    this.restored = true;
  }

  override clearMetadata(time: number): void {
    super.clearMetadata(time);
    for (const t of this.positions.keys()) if (t <= time - this.rememberDuration) this.positions.delete(t);
  }

  /** Called when the context starts, before the first batch. */
  start(): void | Promise<void> {}

  /** Called when the context stops. */
  stop(): void | Promise<void> {}

  /**
   * Keeps the failed batches: reading one again would take the records of a later batch (the
   * next blocks, the next offsets), so what asks for it again gets its failure.
   */
  override forgetFailed(): void {}

  override getOrCompute(time: number): Promise<T[]> | undefined {
    const remembered = this.hasBatch(time);
    const beforeRestart = this.restoredTime !== undefined && time <= this.restoredTime;
    if (!remembered && !beforeRestart && time <= this.latest && this.isTimeValid(time)) {
      throw new KindlingError(
        `input '${this.name}' no longer holds its batch of time ${time} (it keeps ${this.rememberDuration} ms); ` +
          'call ssc.remember(ms) before start() to keep batches longer',
      );
    }
    const batch = super.getOrCompute(time);
    if (batch && !remembered) {
      this.latest = Math.max(this.latest, time);
      batch.then(
        () => this.positions.set(time, this.position()),
        () => undefined,
      );
    }
    return batch;
  }
}
