/**
 * One run of the Kinesis receiver, from `onStart` to `onStop`: lists the stream's shards now and
 * then, reads each readable shard with GetShardIterator and GetRecords, and stores what it reads
 * with the position after it. A restart makes a new run from the last stored position.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type Shard,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { RejectedRecord, SystemClock, backoffDelay } from '../../lib/index.js';
import { callSignal, describe, errorName, isPermanent, isThrottling } from '../../systems/kinesis/client.js';
import { decodeData } from './decode.js';
import type { ResolvedKinesisOptions } from './options.js';
import { Pauses } from './pause.js';
import { ShardTracker, type KinesisPosition } from './shards.js';

/** One record read from a Kinesis stream. */
export interface KinesisRecord<T = Uint8Array> {
  readonly streamName: string;
  readonly shardId: string;
  /** Unique within the shard; grows with each record of the shard. */
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** The record's bytes, or what the receiver's `decoder` made of them. */
  readonly data: T;
  /** When Kinesis took the record (set by the service). */
  readonly approximateArrivalTimestamp: Date | undefined;
}

/** What a run needs of its receiver. */
export interface ReadingHost<T> {
  store(records: readonly (KinesisRecord<T> | RejectedRecord)[], position: KinesisPosition): Promise<void>;
  reportError(message: string, error?: unknown): void;
  restart(reason: string, error?: unknown): void;
}

/** A run of the receiver; see the file summary. */
export class KinesisReading<T> {
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly pauses: Pauses;
  /** Ended only by `stop`: a discovery pause that a shard's end cuts short. */
  private readonly discoveryPause: Pauses;
  private readonly loops = new Set<Promise<void>>();
  private readonly tracker: ShardTracker;
  private readonly stream: string;

  constructor(
    private readonly host: ReadingHost<T>,
    private readonly client: KinesisClient,
    private readonly options: ResolvedKinesisOptions<T>,
    resumeFrom: KinesisPosition | undefined,
  ) {
    const clock = options.clock ?? new SystemClock();
    this.pauses = new Pauses(clock);
    this.discoveryPause = new Pauses(clock);
    this.stream = options.streamName;
    this.tracker = new ShardTracker(this.stream, resumeFrom);
  }

  /** Starts discovering and reading in the background. */
  start(): void {
    this.track(this.discover());
  }

  /** Stops every loop (calls under way are aborted) and resolves once they have all returned. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.pauses.wakeAll();
    this.discoveryPause.wakeAll();
    while (this.loops.size > 0) await Promise.allSettled([...this.loops]);
  }

  private track(loop: Promise<void>): void {
    this.loops.add(loop);
    void loop.finally(() => this.loops.delete(loop));
  }

  /** The abort signal of one call: its time limit, or the run's stop. */
  private signal(): { abortSignal: AbortSignal } {
    return { abortSignal: callSignal(this.options.requestTimeoutMs, this.abort.signal) };
  }

  /** Lists shards every discovery interval (and when a shard ends); starts a reader per readable shard. */
  private async discover(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let shards: Shard[];
      try {
        shards = await this.listShards();
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        failures++;
        if (!this.retryAfter(error, failures, 'ListShards')) return;
        await this.pauses.pause(backoffDelay(failures, this.options.backoff));
        continue;
      }
      for (const shard of this.tracker.update(shards)) {
        const id = shard.ShardId as string;
        this.tracker.claim(id);
        this.track(this.read(id));
      }
      await this.discoveryPause.pause(this.options.shardDiscoveryIntervalMs);
    }
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const input = token === undefined ? { StreamName: this.stream } : { NextToken: token };
      const page = await this.client.send(new ListShardsCommand(input), this.signal());
      shards.push(...(page.Shards ?? []));
      token = page.NextToken;
    } while (token !== undefined && !this.stopped);
    return shards;
  }

  /**
   * Handles a failed call: true to try again after a back-off. Throttling always backs off and
   * retries; other errors are reported; a permanent one (no such stream, no access) or too many
   * in a row ask the engine to restart the receiver, and end this loop.
   */
  private retryAfter(error: unknown, failures: number, call: string): boolean {
    if (isThrottling(error)) return true;
    const what = `${call} on stream '${this.stream}' failed: ${errorName(error) ?? 'error'}: ${describe(error)}`;
    if (isPermanent(error) || failures >= this.options.maxConsecutiveErrors) {
      this.host.restart(`${what} (${failures} failure${failures === 1 ? '' : 's'} in a row)`, error);
      return false;
    }
    this.host.reportError(`${what}; trying again (failure ${failures} in a row)`, error);
    return true;
  }

  /** Reads shard `id` until it ends (then its children may start) or the run stops. */
  private async read(id: string): Promise<void> {
    let iterator: string | undefined;
    let failures = 0;
    try {
      while (!this.stopped) {
        try {
          iterator ??= await this.iterator(id);
          const page = await this.client.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.maxRecordsPerCall }),
            this.signal(),
          );
          failures = 0;
          const records = page.Records ?? [];
          if (records.length > 0 && !(await this.store(id, records))) return;
          iterator = page.NextShardIterator ?? undefined;
          if (iterator === undefined) {
            // A closed parent read to its end: its children may start now.
            this.tracker.end(id);
            this.discoveryPause.wakeAll();
            return;
          }
          if (records.length === 0 || page.MillisBehindLatest === 0) {
            await this.pauses.pause(this.options.pollIntervalMs);
          }
        } catch (error) {
          if (this.stopped) return;
          if (errorName(error) === 'ExpiredIteratorException') {
            iterator = undefined;
            continue;
          }
          failures++;
          // A fresh iterator (after the last stored record) on the next try.
          iterator = undefined;
          if (!this.retryAfter(error, failures, `GetRecords of shard ${id}`)) return;
          await this.pauses.pause(backoffDelay(failures, this.options.backoff));
        }
      }
    } finally {
      this.tracker.released(id);
    }
  }

  private async iterator(shardId: string): Promise<string> {
    const position = this.tracker.position(shardId);
    const base = { StreamName: this.stream, ShardId: shardId };
    let input: GetShardIteratorCommandInput;
    const initial = this.options.initialPosition;
    if (position.after !== undefined) {
      input = { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position.after };
    } else if (position.from !== 'initial') {
      input = { ...base, ShardIteratorType: 'TRIM_HORIZON' };
    } else if (typeof initial === 'object') {
      // Guarded by requestTimeoutMs: kinesalite may never answer when no record is that recent.
      input = { ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(initial.timestamp) };
    } else {
      input = { ...base, ShardIteratorType: initial };
    }
    const answer = await this.client.send(new GetShardIteratorCommand(input), this.signal());
    if (!answer.ShardIterator) throw new Error(`no shard iterator for shard ${shardId}`);
    return answer.ShardIterator;
  }

  /**
   * Decodes `records` of shard `shardId` and stores them with the position after the last. False
   * when they were not taken (the receiver stopped): this run ends, and a restart goes on from
   * the last position stored.
   */
  private async store(shardId: string, records: readonly _Record[]): Promise<boolean> {
    const out: (KinesisRecord<T> | RejectedRecord)[] = [];
    const streamName = this.stream;
    for (const r of records) {
      const sequenceNumber = r.SequenceNumber ?? '';
      const where = `${streamName}/${shardId}/${sequenceNumber}`;
      const decoded = decodeData(r.Data ?? new Uint8Array(0), this.options.decoder, where);
      if (decoded instanceof RejectedRecord) {
        out.push(decoded);
        continue;
      }
      out.push({
        streamName,
        shardId,
        sequenceNumber,
        partitionKey: r.PartitionKey ?? '',
        data: decoded.data,
        approximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
      });
    }
    const last = records[records.length - 1]?.SequenceNumber;
    if (last !== undefined) this.tracker.advance(shardId, last);
    try {
      await this.host.store(out, this.tracker.snapshot());
      return true;
    } catch (error) {
      if (!this.stopped) this.host.restart(`records of shard ${shardId} were not stored`, error);
      return false;
    }
  }
}
