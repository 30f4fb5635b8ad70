/**
 * Which tasks a distributed direct stream owns, and when that changes. The consumer group's joins
 * arrive at any moment (kafkajs's `GROUP_JOIN`); the stream applies them between batches, when it
 * plans the next one: tasks it lost in any join since the last batch are given up (even if a
 * later join gave them back, since another process may have committed them meanwhile), and tasks
 * of the latest join it does not own are taken, each with a new incarnation. A task whose writes
 * failed is dropped too, and taken again at the next batch, or, if its producer was fenced,
 * only once a later join gives it again.
 */

import type { TaskSlice } from '../../lib/index.js';
import type { OffsetRange } from '../../systems/kafka/offsets.js';

/** What changed since the last batch: tasks given up, tasks taken (with their incarnations). */
export interface TaskChanges {
  readonly lost: readonly number[];
  readonly gained: readonly { readonly task: number; readonly incarnation: number }[];
}

/** The tasks one process of a distributed job owns; see the file summary. */
export class TaskOwnership {
  private readonly joins: ReadonlySet<number>[] = [];
  private current: ReadonlySet<number> = new Set();
  private readonly owned = new Map<number, number>();
  private readonly dropped = new Set<number>();
  private readonly waitForJoin = new Set<number>();
  private readonly planned = new Map<number, ReadonlyMap<number, number>>();
  private incarnations = 0;

  /** A join of the group gave this process `keys` (`topic:partition`). */
  joined(keys: ReadonlySet<string>): void {
    this.joins.push(new Set([...keys].map(partitionOf)));
    this.waitForJoin.clear();
  }

  /** Gives `task` up; with `fenced`, it is taken again only after the group's next join. */
  drop(task: number, fenced: boolean): void {
    this.dropped.add(task);
    if (fenced) this.waitForJoin.add(task);
  }

  /** Applies the joins and drops since the last call; see the file summary. */
  changes(): TaskChanges {
    const lost = new Set(this.dropped);
    this.dropped.clear();
    for (const join of this.joins) for (const task of this.owned.keys()) if (!join.has(task)) lost.add(task);
    const last = this.joins.at(-1);
    if (last) this.current = last;
    this.joins.length = 0;
    const given = [...this.owned.keys()].filter((t) => lost.has(t)).sort((a, b) => a - b);
    for (const task of given) this.owned.delete(task);
    const gained = [...this.current]
      .filter((t) => !this.owned.has(t) && !this.waitForJoin.has(t))
      .sort((a, b) => a - b)
      .map((task) => ({ task, incarnation: ++this.incarnations }));
    for (const { task, incarnation } of gained) this.owned.set(task, incarnation);
    return { lost: given, gained };
  }

  /** The tasks owned now, in order. */
  tasks(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** True when partition `partition` (of any topic) is one of the owned tasks. */
  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  /** Records the tasks (with incarnations) that the batch at `time` reads. */
  plannedAt(time: number): void {
    this.planned.set(time, new Map(this.owned));
  }

  /** The tasks (with incarnations) of the batch at `time`, while kept. */
  tasksAt(time: number): ReadonlyMap<number, number> | undefined {
    return this.planned.get(time);
  }

  /** Forgets the tasks of batches at or before `time`. */
  forget(time: number): void {
    for (const t of this.planned.keys()) if (t <= time) this.planned.delete(t);
  }
}

function partitionOf(key: string): number {
  return Number(key.slice(key.lastIndexOf(':') + 1));
}

/**
 * A distributed job's batch from the records fetched for each range (`taken[i]` for
 * `ranges[i]`, in task order; undefined for a range the group took away before it was read
 * whole): the records task by task, each task's slice of them, and the ranges kept. A task with
 * a range not read whole is left out altogether (nothing commits it here; its next owner reads it).
 *
 * @example
 * sliceByTask([{ topic: 't', partition: 0, fromOffset: 0, untilOffset: 2 }], [[['a', 'b']]]);
 * // { records: ['a', 'b'], slices: [{ task: 0, start: 0, end: 2 }], kept: [the range] }
 */
export function sliceByTask<R>(
  ranges: readonly OffsetRange[],
  taken: readonly (readonly (readonly R[])[] | undefined)[],
): { records: R[]; slices: TaskSlice[]; kept: OffsetRange[] } {
  const lost = new Set(ranges.filter((_, i) => taken[i] === undefined).map((r) => r.partition));
  const records: R[] = [];
  const slices: { task: number; start: number; end: number }[] = [];
  ranges.forEach((r, i) => {
    if (lost.has(r.partition)) return;
    let last = slices.at(-1);
    if (!last || last.task !== r.partition) {
      last = { task: r.partition, start: records.length, end: records.length };
      slices.push(last);
    }
    for (const chunk of taken[i] ?? []) for (const record of chunk) records.push(record);
    last.end = records.length;
  });
  return { records, slices, kept: ranges.filter((r) => !lost.has(r.partition)) };
}
