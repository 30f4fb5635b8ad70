/** The records of the Kinesis receiver (apart from `reading.ts`, whose declarations name the SDK's types). */

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
