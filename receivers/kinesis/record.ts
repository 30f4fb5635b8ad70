/** The records of the Kinesis receiver (apart from `reading.ts`, whose declarations name the SDK's types). */

/** One record read from a Kinesis stream. */
export interface KinesisRecord<T = Uint8Array> {
  /** The stream the record was read from. */
  readonly streamName: string;
  /** The shard it was read from, as Kinesis names it (`shardId-000000000001`). */
  readonly shardId: string;
  /** Unique within the shard; grows with each record of the shard. */
  readonly sequenceNumber: string;
  /** The partition key the producer put it with (it chose the shard). */
  readonly partitionKey: string;
  /** The record's bytes, or what the receiver's `decoder` made of them. */
  readonly data: T;
  /** When Kinesis took the record (set by the service). */
  readonly approximateArrivalTimestamp: Date | undefined;
}
