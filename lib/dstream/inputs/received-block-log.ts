/**
 * The write-ahead log of one receiver stream: every block before it counts as received, and
 * every batch's allocation of blocks. After a crash, `recover` says which batches must run again
 * with which records, which blocks are still in no batch, and where the source stood.
 */
import { deserialize, serialize } from 'node:v8';
import type { WriteAheadLog } from '../../types.js';

type Entry<T> =
  | { readonly kind: 'block'; readonly id: number; readonly records: T[]; readonly position: unknown }
  | { readonly kind: 'allocate'; readonly time: number; readonly ids: number[]; readonly position: unknown };

/** What a checkpoint counted of a receiver stream: the blocks up to `lastBlock`, and where the source stood after them. */
export interface CountedBlocks {
  readonly lastBlock: number;
  readonly position: unknown;
}

/** A batch read back from the log, to run again. */
export interface RecoveredBatch<T> {
  readonly time: number;
  readonly records: T[];
  /** What the batch counts: its last block, and where the source stood after it. */
  readonly counted: CountedBlocks;
}

/** What the log held after a crash. */
export interface RecoveredBlocks<T> {
  /**
   * Batches after the checkpoint that were allocated blocks, with their records and the source's
   * position after them: they run again.
   */
  readonly batches: RecoveredBatch<T>[];
  /** What the newest of `batches` counts (the checkpoint's count when there is none). */
  readonly counted: CountedBlocks;
  /** Blocks in no batch yet, in order, with the position after each. */
  readonly unallocated: { id: number; records: T[]; position: unknown }[];
  /** Where the source stands after what is recovered: the receiver resumes there. */
  readonly position: unknown;
  /** The next block id to use. */
  readonly nextId: number;
  /** Damage found (a torn tail after a crash, a corrupt record), for the events and the log. */
  readonly damage: string[];
  /**
   * True when the log was damaged: what it still holds after the damage is not used, and the
   * log must be rewritten (`rewrite`) before the next crash could read it again.
   */
  readonly damaged: boolean;
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
   * Reads the whole log. Batches at or before `completed` (the checkpoint's time) are done, and so
   * is every block the checkpoint `counted`, whether or not the log still says so; blocks of later
   * batches are handed back for those batches; the rest are unallocated. With no checkpoint
   * (`completed` undefined), every block is unallocated: the state starts empty, so every logged
   * record is processed again.
   *
   * Damage (a record that fails its checksum, a torn tail): when the receiver gives positions
   * (its source can send again from one), nothing after the first damage is used, and the receiver
   * resumes from the last position before it, or from the checkpoint's when the damage lies among
   * blocks the checkpoint already counted; so nothing is counted twice and nothing is skipped. A
   * receiver without positions keeps every intact record (what the damage held is lost).
   */
  async recover(completed: number | undefined, counted?: CountedBlocks): Promise<RecoveredBlocks<T>> {
    const entries: Entry<T>[] = [];
    const damage: string[] = [];
    let firstDamage: number | undefined;
    for await (const { data } of this.log.readAll((segment, offset, reason) => {
      firstDamage ??= entries.length;
      damage.push(`${segment} at byte ${offset}: ${reason}`);
    })) {
      entries.push(deserialize(data) as Entry<T>);
    }
    const positioned = entries.some((e) => e.position !== undefined);
    const used = positioned && firstDamage !== undefined ? entries.slice(0, firstDamage) : entries;
    // Each block with the source's position after it (a block without one keeps the one before).
    const blocks = new Map<number, { records: T[]; position: unknown }>();
    const allocations = new Map<number, number[]>();
    let position: unknown;
    for (const entry of used) {
      if (entry.position !== undefined) position = entry.position; // the newest, in log order
      if (entry.kind === 'block') blocks.set(entry.id, { records: entry.records, position });
      else allocations.set(entry.time, entry.ids);
    }
    let maxId = -1;
    for (const id of blocks.keys()) maxId = Math.max(maxId, id);
    for (const ids of allocations.values()) for (const id of ids) maxId = Math.max(maxId, id);
    const lastCounted = completed === undefined ? -1 : (counted?.lastBlock ?? -1);
    // The log ends before the blocks the checkpoint counted: the source goes on from the checkpoint.
    if (counted && lastCounted >= 0 && maxId < lastCounted) position = counted.position;
    const allocated = new Set<number>();
    const batches: RecoveredBatch<T>[] = [];
    let newest: CountedBlocks = { lastBlock: lastCounted, position: counted?.position };
    for (const [time, ids] of [...allocations].sort((a, b) => a[0] - b[0])) {
      if (completed === undefined) continue;
      ids.forEach((id) => allocated.add(id));
      if (time <= completed) continue;
      const records: T[] = [];
      for (const id of ids) for (const r of blocks.get(id)?.records ?? []) records.push(r);
      const last = ids.at(-1);
      if (last !== undefined && last > newest.lastBlock) {
        newest = { lastBlock: last, position: blocks.get(last)?.position ?? position };
      }
      batches.push({ time, records, counted: newest });
    }
    const unallocated = [...blocks.keys()]
      .sort((a, b) => a - b)
      .filter((id) => id > lastCounted && !allocated.has(id))
      .map((id) => ({ id, records: blocks.get(id)?.records ?? [], position: blocks.get(id)?.position }));
    // Ids never repeat: an allocation may name blocks of a segment already cleaned.
    const nextId = Math.max(maxId, lastCounted) + 1;
    return {
      batches,
      counted: newest,
      unallocated,
      position,
      nextId,
      damage,
      damaged: firstDamage !== undefined,
    };
  }

  /**
   * Makes a damaged log whole again: logs what was recovered afresh in a new segment, each
   * recovered batch as one block and its allocation, then the unallocated blocks, all under new
   * ids (in order, after every id used before), then deletes every older segment, damage
   * included. Returns the unallocated blocks with their new ids, and the next id.
   */
  async rewrite(recovered: RecoveredBlocks<T>, now: number): Promise<RecoveredBlocks<T>> {
    let id = recovered.nextId;
    let counted = recovered.counted;
    const batches: RecoveredBatch<T>[] = [];
    for (const { time, records, counted: before } of recovered.batches) {
      const blockId = id++;
      await this.addBlock(blockId, records, before.position, now);
      await this.allocate(time, [blockId], before.position, now);
      counted = { lastBlock: blockId, position: before.position };
      batches.push({ time, records, counted });
    }
    const unallocated: RecoveredBlocks<T>['unallocated'] = [];
    for (const block of recovered.unallocated) {
      const blockId = id++;
      await this.addBlock(blockId, block.records, block.position, now);
      unallocated.push({ ...block, id: blockId });
    }
    await this.log.clean(Infinity);
    return { ...recovered, batches, counted, unallocated, nextId: id, damaged: false };
  }
}
