/**
 * Which shards of a stream the Kinesis receiver reads, and from where: a parent shard (closed by
 * a split or a merge) is read to its end before its children start, and where each shard stands
 * (the last sequence number stored, or its end) is the receiver's position.
 */

/** Where one shard stands in the receiver's position. */
export interface ShardPosition {
  /** The sequence number of the last record stored: reading resumes after it. */
  readonly after?: string;
  /** Set once the shard was read to its end (a closed parent); it is never read again. */
  readonly ended?: true;
  /**
   * Where to start while nothing was stored: `initial` (the receiver's `initialPosition`) for
   * shards there at the first start, `TRIM_HORIZON` for shards that appeared later (the children
   * of a split or merge), so that nothing written to them is missed.
   */
  readonly from?: 'initial' | 'TRIM_HORIZON';
}

/**
 * The receiver's position as stored with each block (and so in the write-ahead log): every
 * shard it knows, by shard id. Plain data.
 */
export interface KinesisPosition {
  /** The stream the position is of. */
  readonly streamName: string;
  /** Where each shard stands, by shard id as Kinesis gives it (`shardId-000000000001`). */
  readonly shards: Readonly<Record<string, ShardPosition>>;
}

/** True when `value` looks like a {@link KinesisPosition} of stream `streamName`. */
export function isPositionOf(value: unknown, streamName: string): value is KinesisPosition {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<KinesisPosition>;
  return p.streamName === streamName && typeof p.shards === 'object' && p.shards !== null;
}

/** A shard of a listing: the fields of the SDK's `Shard` that say when it may be read. */
export interface ListedShard {
  readonly ShardId?: string | undefined;
  readonly ParentShardId?: string | undefined;
  readonly AdjacentParentShardId?: string | undefined;
}

/** The shards of one stream, where each stands, and which may be read now. */
export class ShardTracker {
  private readonly positions = new Map<string, ShardPosition>();
  private listed = new Map<string, ListedShard>();
  private readonly reading = new Set<string>();
  private discovered: boolean;

  /** @param resumeFrom a position stored by an earlier run (or restart), to go on from. */
  constructor(
    readonly streamName: string,
    resumeFrom?: KinesisPosition,
  ) {
    for (const [id, position] of Object.entries(resumeFrom?.shards ?? {})) this.positions.set(id, position);
    this.discovered = resumeFrom !== undefined;
  }

  /**
   * Takes a fresh shard listing and returns the shards to start reading now: those not ended,
   * not already being read, whose parents (both, after a merge) have ended or are gone from the
   * listing (past the retention period).
   */
  update<S extends ListedShard>(shards: readonly S[]): S[] {
    const listed = new Map(shards.filter((s) => s.ShardId).map((s) => [s.ShardId as string, s]));
    this.listed = listed;
    for (const id of this.listed.keys()) {
      if (!this.positions.has(id))
        this.positions.set(id, { from: this.discovered ? 'TRIM_HORIZON' : 'initial' });
    }
    this.discovered = true;
    // Ended shards that left the listing are forgotten: their children see them as ended.
    for (const [id, position] of this.positions) {
      if (position.ended && !this.listed.has(id)) this.positions.delete(id);
    }
    return [...listed.values()].filter((shard) => this.readable(shard));
  }

  private readable(shard: ListedShard): boolean {
    const id = shard.ShardId as string;
    if (this.reading.has(id) || this.positions.get(id)?.ended) return false;
    return [shard.ParentShardId, shard.AdjacentParentShardId].every(
      (parent) =>
        parent === undefined || !this.listed.has(parent) || this.positions.get(parent)?.ended === true,
    );
  }

  /** Where `shardId` stands. */
  position(shardId: string): ShardPosition {
    return this.positions.get(shardId) ?? { from: 'TRIM_HORIZON' };
  }

  /** Marks `shardId` as being read (until {@link released}). */
  claim(shardId: string): void {
    this.reading.add(shardId);
  }

  /** `shardId` is no longer being read (it ended, or its reader stopped). */
  released(shardId: string): void {
    this.reading.delete(shardId);
  }

  /** Records that `sequenceNumber` was the last record of `shardId` handed to `store`. */
  advance(shardId: string, sequenceNumber: string): void {
    this.positions.set(shardId, { after: sequenceNumber });
  }

  /** Records that `shardId` was read to its end. */
  end(shardId: string): void {
    const { after } = this.position(shardId);
    this.positions.set(shardId, after === undefined ? { ended: true } : { after, ended: true });
  }

  /** A copy of the position, to hand to `store` with the records read up to now. */
  snapshot(): KinesisPosition {
    return { streamName: this.streamName, shards: Object.fromEntries(this.positions) };
  }
}
