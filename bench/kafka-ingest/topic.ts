/**
 * The kafka-ingest benchmark's input: a topic with a unique name, `partitions` partitions, and
 * `messages` values of exactly `bytes` bytes each (an ASCII sequence number, padded), spread
 * round-robin over the partitions, without keys. What was produced is checked against the
 * topic's offsets before any reader runs.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';

/** What the readers are asked to read. */
export interface BenchTopic {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  /** Messages in the topic, all partitions together. */
  readonly messages: number;
  /** Messages per partition. */
  readonly perPartition: readonly number[];
}

/** A quiet kafkajs client for the benchmark's own producing and checking. */
export function benchKafka(brokers: readonly string[], clientId: string): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

/** A value of exactly `bytes` bytes that holds `i`: `"<i>:"` and then `x` up to the size. */
export function messageValue(i: number, bytes: number): Buffer {
  const head = `${i}:`;
  if (head.length > bytes) throw new RangeError(`message ${i} does not fit in ${bytes} bytes`);
  return Buffer.from(head.padEnd(bytes, 'x'));
}

/**
 * Creates the topic and fills it; resolves once every message is acknowledged and the topic's
 * offsets add up to `messages` (else it throws: the readers would be measured against a wrong
 * count).
 */
export async function fillTopic(
  brokers: readonly string[],
  settings: { messages: number; bytes: number; partitions: number },
): Promise<BenchTopic> {
  const { messages, bytes, partitions } = settings;
  const kafka = benchKafka(brokers, 'kindling-bench-producer');
  const topic = `bench-ingest-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const chunk = 10_000;
      const inFlight = 4;
      let next = 0;
      const sendChunks = async (): Promise<void> => {
        while (next < messages) {
          const from = next;
          next = Math.min(messages, next + chunk);
          const batch: Message[] = [];
          for (let i = from; i < next; i++) {
            batch.push({ value: messageValue(i, bytes), partition: i % partitions });
          }
          await producer.send({ topic, acks: 1, messages: batch });
        }
      };
      await Promise.all(Array.from({ length: inFlight }, sendChunks));
    } finally {
      await producer.disconnect();
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    offsets.sort((a, b) => a.partition - b.partition);
    const perPartition = offsets.map((o) => Number(o.high) - Number(o.low));
    const total = perPartition.reduce((a, b) => a + b, 0);
    if (total !== messages) {
      throw new Error(
        `topic ${topic} holds ${total} messages after producing ${messages} (a retried send wrote twice?); run the benchmark again`,
      );
    }
    return { brokers, topic, partitions, messages, perPartition };
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the benchmark's topic (its 200 MB are not kept). */
export async function deleteTopic(topic: BenchTopic): Promise<void> {
  const admin = benchKafka(topic.brokers, 'kindling-bench-admin').admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic.topic] });
  } finally {
    await admin.disconnect();
  }
}
