/**
 * Inputs whose batches can be read again: each batch is first planned (what it holds: offset
 * ranges, file names), the plan is written to the batch log before the batch's outputs run, and
 * only then read. After a crash, the plans written since the last checkpoint are handed back, and
 * the batches of those times are read from them again instead of being planned afresh, so they
 * hold the very records they held before (DESIGN.md, "Fault tolerance").
 */
import { InputNode } from './input.js';

/** A batch's plan, and whether it was decided by a run that crashed (read from the batch log). */
export interface PlannedBatch<P> {
  readonly plan: P;
  readonly replayed: boolean;
}

/** Base of the inputs that plan each batch before reading it; see the file summary. */
export abstract class PlannedInputNode<T, P = unknown> extends InputNode<T> {
  /** Plans decided and not yet read, by batch time. */
  private readonly plans = new Map<number, P>();
  /** Plans a crashed run wrote to the batch log, for the batch times it had reached. */
  private readonly replays = new Map<number, P>();

  /** Decides what the batch at `time` holds and moves the source past it. */
  protected abstract plan(time: number): Promise<P>;

  /** Takes a crashed run's plan of the batch at `time`: the source moves past it, as `plan` would. */
  protected abstract replan(time: number, plan: P): void;

  /** The records of `plan`, the same each time it is read. */
  protected abstract read(time: number, plan: P): Promise<T[]>;

  /**
   * @internal Plans the batch at `time` (the graph calls it before reading the batch, and writes
   * the plan to the batch log): a crashed run's plan of that time if there is one, else a new one.
   * Undefined when this input has no batch to plan then (not a batch time of it, or a batch
   * restored from the checkpoint).
   */
  async planBatch(time: number): Promise<PlannedBatch<P> | undefined> {
    if (this.hasBatch(time)) {
      this.replays.delete(time); // restored with its records from the checkpoint
      return undefined;
    }
    if (!this.isTimeValid(time)) return undefined;
    if (this.restoredTime !== undefined && time <= this.restoredTime) return undefined;
    return this.decide(time);
  }

  /** @internal Hands back a plan the batch log held for the batch at `time`, to replay it. */
  restorePlan(time: number, plan: P): void {
    this.replays.set(time, plan);
  }

  /** @internal The batch times whose logged plans wait to be replayed, oldest first. */
  get replayTimes(): number[] {
    return [...this.replays.keys()].sort((a, b) => a - b);
  }

  protected async compute(time: number): Promise<T[]> {
    // Planned by the graph before it asks for the batch; planned here only when a batch is asked
    // for outside a batch's generation (a test calling the node directly).
    const plan = this.plans.get(time) ?? (await this.decide(time)).plan;
    this.plans.delete(time);
    return this.read(time, plan);
  }

  private async decide(time: number): Promise<PlannedBatch<P>> {
    const logged = this.replays.get(time);
    if (logged !== undefined) {
      this.replays.delete(time);
      this.replan(time, logged);
      this.plans.set(time, logged);
      return { plan: logged, replayed: true };
    }
    const plan = await this.plan(time);
    this.plans.set(time, plan);
    return { plan, replayed: false };
  }
}
