/**
 * A {@link BatchSource} of consecutive numbers for the engine's tests: `perBatch` numbers a batch,
 * planned as `[first, end)` like an offset range, recording what the engine asked of it.
 */
import type { BatchLimit, BatchSource } from '../../lib/index.js';

export class CountingSource implements BatchSource<number, [number, number]> {
  next = 0;
  /** Batch times planned afresh, and the limit each was planned with. */
  readonly planned: number[] = [];
  readonly limits: BatchLimit[] = [];
  /** Batch times given a logged plan again after a restart. */
  readonly replanned: number[] = [];

  constructor(
    readonly name: string,
    private readonly perBatch: number,
  ) {}

  plan(time: number, limit: BatchLimit): [number, number] {
    this.planned.push(time);
    this.limits.push(limit);
    const from = this.next;
    this.next += this.perBatch;
    return [from, this.next];
  }

  replan(time: number, [, until]: [number, number]): void {
    this.replanned.push(time);
    this.next = until;
  }

  async read(_time: number, [from, until]: [number, number]): Promise<number[]> {
    return Array.from({ length: until - from }, (_, i) => from + i);
  }

  position(): number {
    return this.next;
  }

  restore(position: unknown): void {
    this.next = position as number;
  }
}
