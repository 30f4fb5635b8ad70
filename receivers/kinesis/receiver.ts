/**
 * The Kinesis receiver: reads every shard of one stream with GetShardIterator and GetRecords,
 * follows splits and merges (a parent is read to its end before its children), and stores each
 * shard's sequence number as its position, so a job with a write-ahead log resumes after a crash
 * where it stopped.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  Receiver,
  type DStream,
  type ReceiverOptions,
  type RejectedRecord,
  type StreamingContext,
} from '../../lib/index.js';
import { createKinesisClient } from '../../systems/kinesis/client.js';
import {
  resolveReceiverOptions,
  type KinesisReceiverOptions,
  type ResolvedKinesisOptions,
} from './options.js';
import { KinesisReading } from './reading.js';
import type { KinesisRecord } from './record.js';
import { isPositionOf } from './shards.js';

/**
 * Reads a Kinesis stream; see {@link kinesisStream}, which makes one and its DStream.
 *
 * Delivery: exactly-once into state and into the outputs that claim it, with the context's
 * `writeAheadLog` and checkpoints (records and sequence numbers are logged together; batches not
 * completed before a crash run again from the log with the records they held, and a restarted
 * job reads on after the last sequence number logged, or after the checkpoint's when the log is
 * damaged). Without it, records stored but not yet in a completed batch are lost in a crash, and
 * a restart of the receiver within the job resumes after the last stored record.
 */
export class KinesisReceiver<T = Uint8Array> extends Receiver<KinesisRecord<T>> {
  /** Records that cannot be decoded are stored as RejectedRecords and become dead letters. */
  readonly storesRejectedRecords = true as const;
  private readonly options: ResolvedKinesisOptions<T>;
  private reading: KinesisReading<T> | undefined;
  private client: { readonly client: KinesisClient; readonly owned: boolean } | undefined;

  /** @throws ConfigurationError when an option is wrong (before anything connects). */
  constructor(options: KinesisReceiverOptions<T>) {
    const resolved = resolveReceiverOptions(options);
    super(options.name ?? `kinesis:${resolved.streamName}`);
    this.options = resolved;
  }

  onStart(): void {
    this.client ??= createKinesisClient(this.options, 'the Kinesis receiver');
    const last = this.lastPosition;
    const resumeFrom = isPositionOf(last, this.options.streamName) ? last : undefined;
    const host = {
      store: (records: readonly (KinesisRecord<T> | RejectedRecord)[], position: unknown) =>
        this.store(records as readonly KinesisRecord<T>[], position),
      reportError: (message: string, error?: unknown) => this.reportError(message, error),
      restart: (reason: string, error?: unknown) => this.restart(reason, error),
    };
    this.reading = new KinesisReading(host, this.client.client, this.options, resumeFrom);
    this.reading.start();
  }

  async onStop(): Promise<void> {
    const reading = this.reading;
    this.reading = undefined;
    await reading?.stop();
    // A restart makes a fresh client (a broken connection pool is not kept).
    if (this.client?.owned) this.client.client.destroy();
    this.client = undefined;
  }
}

/**
 * A DStream of the records of a Kinesis stream, read by a {@link KinesisReceiver} under the
 * context's supervisor (restarts with back-off, errors on `ssc.events`).
 *
 * @param ssc the context; its clock paces polls and back-off.
 * @param options the stream, where to start, the decoder, how to connect; `maxRate` caps records
 *   per second.
 * @example
 * const clicks = kinesisStream<Click>(ssc, {
 *   streamName: 'clicks', region: 'eu-west-1', initialPosition: 'TRIM_HORIZON', decoder: 'json',
 * });
 * clicks.map((r) => r.data.page).countByValue().print();
 * clicks.deadLetters().foreachBatch((bad) => bad.forEach((l) => console.warn(l.error.message)));
 *
 * Gotchas: with `decoder: 'json'` or `'string'`, undecodable records go to `deadLetters()`, not
 * into the stream. Keep `shardDiscoveryIntervalMs` well above ListShards' limit (100 calls/s per
 * account). Delivery is exactly-once with `writeAheadLog: true` and checkpoints (see
 * {@link KinesisReceiver}).
 */
export function kinesisStream<T = Uint8Array>(
  ssc: StreamingContext,
  options: KinesisReceiverOptions<T> & ReceiverOptions,
): DStream<KinesisRecord<T>> {
  const { maxRate, ...rest } = options;
  const receiver = new KinesisReceiver<T>({ clock: ssc.clock, ...rest });
  return ssc.receiverStream(receiver, maxRate === undefined ? {} : { maxRate }, 'kinesisStream');
}
