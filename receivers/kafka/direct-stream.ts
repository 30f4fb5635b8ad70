/**
 * `kafkaDirectStream`: Kafka topics as a DStream, read the way Spark's direct stream reads them.
 */
import type { DStream, StreamingContext } from '../../lib/index.js';
import type { OffsetRange } from '../../systems/kafka/offsets.js';
import { checkDirectStreamOptions, type KafkaDirectStreamOptions } from './options.js';
import type { KafkaRecord } from './records.js';
import { KafkaDirectSource } from './source.js';

/**
 * A DStream of Kafka records that also tells which offsets each batch read (Spark's
 * `HasOffsetRanges`). The extra members are on this stream only, not on streams derived from it.
 */
export type KafkaDirectStream<R> = DStream<R> & {
  /**
   * The offset range of every partition that the batch at `time` read; call it in `foreachBatch`
   * with the batch's time. `undefined` for a time not read, or forgotten (ranges are kept until
   * the batch is committed, and for the 16 batches after).
   */
  offsetRangesAt(time: number): readonly OffsetRange[] | undefined;
  /** The source behind the stream (for the transactional Kafka output). */
  readonly source: KafkaDirectSource;
};

/**
 * Reads Kafka topics with no receiver (Spark's direct stream): each batch holds, for every
 * partition, the records from where the stream stands up to the latest offset (the last stable
 * one: records of open or aborted transactions are never read), capped by `maxRatePerPartition`
 * and by the backpressure rate (`backpressure` option of the context), shared among partitions
 * by their lag.
 *
 * **Where it starts**: from the checkpoint when the job resumes from one
 * (`StreamingContext.getOrCreate`); else per partition from `startingOffsets` when explicit, else
 * from the group's committed offset, else from the earliest or latest offset.
 *
 * **Delivery**: the records of a batch are fixed by its offset ranges, decided once: with a
 * checkpoint directory they are written to the batch log before the batch's outputs run, and a
 * batch run again after a crash (from the checkpoint) reads the very same ranges. With
 * `commit: 'kafka'` (default) the ranges are committed to `groupId` after the batch's outputs
 * completed, never moving the group's offsets back: a job restarted without a checkpoint
 * resumes after the last completed batch, and outputs see a batch again only if the job died
 * between its outputs and its commit (at-least-once; exactly-once with the transactional
 * `kafkaOutput`, or with outputs idempotent per batch time). With `commit: 'checkpoint'` offsets
 * live only in the checkpoint. With a checkpoint directory, state and the outputs that claim
 * exactly once get every record once after any number of crashes (`test/torture`, the README's
 * "Exactly once after a crash").
 *
 * **Records**: `{ topic, partition, offset, key, value, headers, timestamp }`, decoded by
 * `deserializer`: `'string'` (UTF-8), `'json'` (`JSON.parse` of the UTF-8 value) or `'buffer'`.
 * A key or value that is not UTF-8, or a value that is not JSON, is not a record: it becomes a
 * dead letter of its batch (`stream.deadLetters()`, origin `topic/partition@offset`).
 *
 * **Failures**: lost brokers are retried with back-off, forever while reading (a batch waits for
 * its records; nothing is skipped), a few times at start; each failure is reported on
 * `ssc.events` as `connectorError`, without credentials. Records deleted by retention before they
 * were read fail the batch.
 *
 * **Distributed**: in a context with an `applicationId`, the group is the application id and
 * each process of the job reads only the tasks (partition *i* of every topic) the group gives it;
 * see the README, "One job as N processes".
 *
 * Gotchas: the stream's kafkajs consumer joins `groupId` and must be its only member to be given
 * every partition (one group per stream, no other consumers in it). After a crash, a restarted job
 * gets the partitions once the dead consumer's session ends (`sessionTimeout`, default 10 s).
 * Offsets are JavaScript numbers (exact up to 2^53).
 *
 * @example
 * const orders = kafkaDirectStream<Order>(ssc, {
 *   brokers: ['127.0.0.1:9092'], topics: ['orders'], groupId: 'order-totals',
 *   startingOffsets: 'earliest', deserializer: 'json', maxRatePerPartition: 10_000,
 * });
 * orders.map((r) => [r.value!.customer, r.value!.amount] as [string, number])
 *   .reduceByKey((a, b) => a + b).print();
 * orders.foreachBatch((records, time) => console.log(time, orders.offsetRangesAt(time)));
 * orders.deadLetters().print();
 */
export function kafkaDirectStream(
  ssc: StreamingContext,
  options: KafkaDirectStreamOptions & { readonly deserializer?: 'string' },
): KafkaDirectStream<KafkaRecord<string>>;
export function kafkaDirectStream<T = unknown>(
  ssc: StreamingContext,
  options: KafkaDirectStreamOptions & { readonly deserializer: 'json' },
): KafkaDirectStream<KafkaRecord<T>>;
export function kafkaDirectStream(
  ssc: StreamingContext,
  options: KafkaDirectStreamOptions & { readonly deserializer: 'buffer' },
): KafkaDirectStream<KafkaRecord<Buffer, Buffer, Buffer>>;
export function kafkaDirectStream(
  ssc: StreamingContext,
  options: KafkaDirectStreamOptions,
): KafkaDirectStream<KafkaRecord<unknown, unknown, unknown>>;
export function kafkaDirectStream(
  ssc: StreamingContext,
  options: KafkaDirectStreamOptions,
): KafkaDirectStream<KafkaRecord<unknown, unknown, unknown>> {
  checkDirectStreamOptions(options, ssc.applicationId);
  const source = new KafkaDirectSource(ssc, options);
  const stream = ssc.sourceStream(source) as unknown as DStream<KafkaRecord<unknown, unknown, unknown>>;
  if (options.name !== undefined) stream.name(options.name);
  return Object.assign(stream, {
    offsetRangesAt: (time: number) => source.offsetRangesAt(time),
    source,
  });
}
