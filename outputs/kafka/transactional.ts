/**
 * The transactional mode of the Kafka output: each batch's records and the offsets its batch of
 * the direct stream consumed go to Kafka in one transaction, so a Kafka-to-Kafka job writes every
 * input record's results exactly once for `read_committed` readers.
 *
 * How a crash is survived: the producer's `transactionalId` is the same in every run; a new
 * producer with it (at start, before the source reads its group's offsets, and after any failed
 * transaction) fences the old one and lets the broker finish or abort its open transaction. A
 * batch is then written only if the group's committed offsets are still at the batch's start:
 * one whose offsets are already committed was written by a run that died after its commit.
 */
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { KindlingError } from '../../lib/index.js';
import { createKafka, transactionalProducer } from '../../systems/kafka/client.js';
import type { KafkaConnectionOptions } from '../../systems/kafka/options.js';
import { partitionKey, type KafkaOffsetSource, type OffsetRange } from '../../systems/kafka/offsets.js';
import type { Retrier } from '../../systems/kafka/retrier.js';

/** Writes batches in transactions with their consumed offsets; see the file summary. */
export class TransactionalWriter {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private admin: Admin | undefined;

  constructor(
    private readonly options: KafkaConnectionOptions & { readonly topic: string },
    private readonly source: KafkaOffsetSource,
    private readonly transactionalId: string,
    private readonly retrier: Retrier,
  ) {
    this.kafka = createKafka(options, 'the transactional Kafka output');
  }

  /**
   * Makes the producer, which fences a previous run's producer and waits until the broker has
   * finished or aborted its open transaction; retried with back-off.
   */
  async connect(): Promise<void> {
    await this.retrier.run('starting the transactional producer', () => this.ensureProducer());
  }

  /** Writes the batch at `time` (its records cut into `chunks`) with its offsets, in one transaction. */
  async write(chunks: readonly Message[][], time: number): Promise<void> {
    const ranges = this.source.offsetRangesAt(time);
    if (!ranges) {
      throw new KindlingError(
        `${this.retrier.name}: the source '${this.source.name}' has no offset ranges for the batch of time ${time}; ` +
          'a transactional Kafka output must write a stream derived batch by batch from that direct stream ' +
          '(no windows, no other inputs)',
      );
    }
    const read = ranges.filter((r) => r.untilOffset > r.fromOffset);
    if (read.length === 0 && chunks.length === 0) return;
    await this.retrier.run(`writing the batch of time ${time} in a transaction`, async () => {
      const producer = await this.ensureProducer();
      if (await this.alreadyCommitted(read, time)) return;
      const transaction = await producer.transaction();
      try {
        for (const messages of chunks)
          await transaction.send({ topic: this.options.topic, messages, acks: -1 });
        if (read.length > 0) {
          await transaction.sendOffsets({ consumerGroupId: this.source.groupId, topics: offsetsOf(read) });
        }
        await transaction.commit();
      } catch (error) {
        // The next attempt starts with a new producer, which aborts whatever this one left open.
        await transaction.abort().catch(() => undefined);
        await this.dropProducer();
        throw error;
      }
    });
  }

  /** Disconnects the producer and the admin client; a second call does nothing. Fails if a disconnect did. */
  async close(): Promise<void> {
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    const results = await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  }

  private async ensureProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = await transactionalProducer(this.kafka, this.transactionalId);
    this.producer = producer;
    return producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  /**
   * True when the group already has every range's end offset: a run that died after committing
   * this batch wrote it. Throws if the group is part-way into a range (it should never be).
   */
  private async alreadyCommitted(ranges: readonly OffsetRange[], time: number): Promise<boolean> {
    if (ranges.length === 0) return false;
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    const topics = [...new Set(ranges.map((r) => r.topic))];
    const fetched = await this.admin.fetchOffsets({ groupId: this.source.groupId, topics });
    const committed = new Map<string, number>();
    for (const { topic, partitions } of fetched) {
      for (const p of partitions) committed.set(partitionKey(topic, p.partition), Number(p.offset));
    }
    const at = (r: OffsetRange): number => committed.get(partitionKey(r.topic, r.partition)) ?? -1;
    if (ranges.every((r) => at(r) >= r.untilOffset)) {
      this.retrier.report(
        `the batch of time ${time} was already written (group '${this.source.groupId}' has its offsets); skipped`,
      );
      return true;
    }
    const inside = ranges.filter((r) => at(r) > r.fromOffset);
    if (inside.length > 0) {
      const where = inside.map(
        (r) => `${r.topic}/${r.partition} at ${at(r)} in [${r.fromOffset}, ${r.untilOffset})`,
      );
      throw new KindlingError(
        `${this.retrier.name}: group '${this.source.groupId}' committed offsets inside the batch of time ${time} ` +
          `(${where.join(', ')}): another job commits to this group; give the direct stream a group of its own`,
      );
    }
    return false;
  }
}

function offsetsOf(
  ranges: readonly OffsetRange[],
): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const r of ranges) {
    const list = byTopic.get(r.topic) ?? [];
    list.push({ partition: r.partition, offset: String(r.untilOffset) });
    byTopic.set(r.topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
