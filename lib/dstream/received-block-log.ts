/**
 * The write-ahead log of one receiver stream: every block before it counts as received, and
 * every batch's allocation of blocks. After a crash, `recover` says which batches must run again
 * with which records, which blocks are still in no batch, and where the source stood.
 */
import { deserialize, serialize } from 'node:v8';
import type { WriteAheadLog } from '../types.js';

type Entry<T> =
  | { readonly kind: 'block'; readonly id: number; readonly records: T[]; readonly position: unknown }
  | { readonly kind: 'allocate'; readonly time: number; readonly ids: number[]; readonly position: unknown };

/** What the log held after a crash. */
export interface RecoveredBlocks<T> {
  /** Batches after the checkpoint that were allocated blocks, with their records: they run again. */
  readonly batches: [number, T[]][];
  /** Blocks in no batch yet, in order. */
  readonly unallocated: { id: number; records: T[] }[];
  /** The newest source position in the log. */
  readonly position: unknown;
  /** The next block id to use. */
  readonly nextId: number;
  /** Damage found (a torn tail after a crash), for the events and the log. */
  readonly damage: string[];
}

/** A receiver stream's blocks and batch allocations in a write-ahead log; see the file summary. */
export class ReceivedBlockLog<T> {
  constructor(readonly log: WriteAheadLog) {}

  /** Logs a block; resolves once it is written. */
  async addBlock(id: number, records: T[], position: unknown, time: number): Promise<void> {
    await this.log.append(serialize({ kind: 'block', id, records, position } satisfies Entry<T>), time);
  }

  /**
   * Logs that the batch at `time` holds blocks `ids`, with the newest source position: every
   * batch carries it forward, so it outlives the cleaning of the segments of older blocks.
   */
  async allocate(time: number, ids: number[], position: unknown, now: number): Promise<void> {
    await this.log.append(serialize({ kind: 'allocate', time, ids, position } satisfies Entry<T>), now);
  }

  /**
   * Reads the whole log. Batches at or before `completed` (the checkpoint's time) are done;
   * blocks of later batches are handed back for those batches; the rest are unallocated. With no
   * checkpoint (`completed` undefined), every block is unallocated: the state starts empty, so
   * every logged record is processed again.
   */
  async recover(completed: number | undefined): Promise<RecoveredBlocks<T>> {
    const blocks = new Map<number, { records: T[]; position: unknown }>();
    const allocations = new Map<number, number[]>();
    const damage: string[] = [];
    let position: unknown;
    for await (const { data } of this.log.readAll((segment, offset, reason) =>
      damage.push(`${segment} at byte ${offset}: ${reason}`),
    )) {
      const entry = deserialize(data) as Entry<T>;
      if (entry.position !== undefined) position = entry.position; // the newest, in log order
      if (entry.kind === 'block') blocks.set(entry.id, { records: entry.records, position: entry.position });
      else allocations.set(entry.time, entry.ids);
    }
    let maxId = -1;
    for (const id of blocks.keys()) maxId = Math.max(maxId, id);
    for (const ids of allocations.values()) for (const id of ids) maxId = Math.max(maxId, id);
    const allocated = new Set<number>();
    const batches: [number, T[]][] = [];
    for (const [time, ids] of [...allocations].sort((a, b) => a[0] - b[0])) {
      if (completed === undefined) continue;
      ids.forEach((id) => allocated.add(id));
      if (time <= completed) continue;
      const records: T[] = [];
      for (const id of ids) for (const r of blocks.get(id)?.records ?? []) records.push(r);
      batches.push([time, records]);
    }
    const ids = [...blocks.keys()].sort((a, b) => a - b);
    const unallocated = ids
      .filter((id) => !allocated.has(id))
      .map((id) => ({ id, records: blocks.get(id)?.records ?? [] }));
    // Ids never repeat: an allocation may name blocks of a segment already cleaned.
    return { batches, unallocated, position, nextId: maxId + 1, damage };
  }
}
