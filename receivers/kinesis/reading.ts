/**
 * One run of the Kinesis receiver, from `onStart` to `onStop`: lists the stream's shards now and
 * then, reads each readable shard with GetShardIterator and GetRecords, and stores what it reads
 * with the position after it. A restart makes a new run from the last stored position.
 */
import type {
  GetRecordsCommandOutput,
  GetShardIteratorCommandInput,
  KinesisClient,
  Shard,
  _Record,
} from '@aws-sdk/client-kinesis';
import { RejectedRecord, SystemClock, describeError, retry, type RetryPolicy } from '../../lib/index.js';
import {
  callSignal,
  errorName,
  isPermanent,
  isThrottling,
  kinesisSdk,
} from '../../systems/kinesis/client.js';
import { decodeData } from './decode.js';
import type { ResolvedKinesisOptions } from './options.js';
import type { KinesisRecord } from './record.js';
import { Pauses } from './pause.js';
import { ShardTracker, type KinesisPosition } from './shards.js';

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
  /** The SDK's command classes (loaded with the client, when the receiver starts). */
  private readonly sdk = kinesisSdk('the Kinesis receiver');
  private readonly pauses: Pauses;
  /** Ended only by `stop`: a discovery pause that a shard's end cuts short. */
  private readonly discoveryPause: Pauses;
  private readonly loops = new Set<Promise<void>>();
  private readonly tracker: ShardTracker;
  private readonly stream: string;
  /** Back-off waits: pauses that a stop ends at once. */
  private readonly backoffClock = { sleep: (ms: number): Promise<void> => this.pauses.pause(ms) };

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
    while (!this.stopped) {
      let shards: Shard[];
      try {
        shards = await retry(
          () => this.unlessStopped(() => this.listShards()),
          this.backoffClock,
          this.retrying('ListShards'),
        );
      } catch {
        return; // stopped, or the receiver restarts (see retryAfter)
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
      const page = await this.client.send(new this.sdk.ListShardsCommand(input), this.signal());
      shards.push(...(page.Shards ?? []));
      token = page.NextToken;
    } while (token !== undefined && !this.stopped);
    return shards;
  }

  /**
   * How a call is retried: with the receiver's back-off (its pauses end at a stop), as long as
   * {@link retryAfter} says so, however many failures in a row that takes.
   */
  private retrying(call: string): RetryPolicy {
    return {
      ...this.options.backoff,
      maxAttempts: Infinity,
      shouldRetry: (error, failures) => !this.stopped && this.retryAfter(error, failures, call),
    };
  }

  /** Runs `call`, unless the run has stopped (after a back-off cut short by the stop). */
  private unlessStopped<R>(call: () => Promise<R>): Promise<R> {
    return this.stopped ? Promise.reject(new Error('the Kinesis reading stopped')) : call();
  }

  /**
   * Handles a failed call: true to try again after a back-off. Throttling always backs off and
   * retries; other errors are reported; a permanent one (no such stream, no access) or too many
   * in a row ask the engine to restart the receiver, and end this loop.
   */
  private retryAfter(error: unknown, failures: number, call: string): boolean {
    if (isThrottling(error)) return true;
    const what = `${call} on stream '${this.stream}' failed: ${errorName(error) ?? 'error'}: ${describeError(error)}`;
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
    const getRecords = async (): Promise<GetRecordsCommandOutput> => {
      for (;;) {
        try {
          iterator ??= await this.iterator(id);
          return await this.client.send(
            new this.sdk.GetRecordsCommand({
              ShardIterator: iterator,
              Limit: this.options.maxRecordsPerCall,
            }),
            this.signal(),
          );
        } catch (error) {
          // A fresh iterator (after the last stored record) on the next try; an expired one is
          // renewed at once, without counting as a failure.
          iterator = undefined;
          if (this.stopped || errorName(error) !== 'ExpiredIteratorException') throw error;
        }
      }
    };
    try {
      while (!this.stopped) {
        let page: GetRecordsCommandOutput;
        try {
          page = await retry(
            () => this.unlessStopped(getRecords),
            this.backoffClock,
            this.retrying(`GetRecords of shard ${id}`),
          );
        } catch {
          return; // stopped, or the receiver restarts (see retryAfter)
        }
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
    const answer = await this.client.send(new this.sdk.GetShardIteratorCommand(input), this.signal());
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
