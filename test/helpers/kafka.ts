/**
 * Helpers for the Kafka integration tests: the broker's address from the server settings, unique
 * topics, a producer of test messages, and a read_committed reader of a whole topic.
 */
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import { serverEnv, uniqueName } from './servers.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** The test broker's PLAINTEXT address. */
export function kafkaBrokers(): string[] {
  return [`127.0.0.1:${serverEnv('kafka').KINDLING_KAFKA_PORT}`];
}

/** The SASL_PLAINTEXT address and its user. */
export function kafkaSasl(): { brokers: string[]; username: string; password: string } {
  const env = serverEnv('kafka');
  return {
    brokers: [`127.0.0.1:${env.KINDLING_KAFKA_SASL_PORT}`],
    username: env.KINDLING_KAFKA_SASL_USER as string,
    password: env.KINDLING_KAFKA_SASL_PASSWORD as string,
  };
}

/** A plain kafkajs client for the tests' own producing and checking. */
export function testKafka(): Kafka {
  return new Kafka({
    clientId: 'kindling-tests',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
    retry: { retries: 10 },
  });
}

/** Creates a topic with a unique name (and `partitions` partitions); returns its name. */
export async function createTopic(prefix: string, partitions: number): Promise<string> {
  const topic = uniqueName(prefix);
  await withAdmin(async (admin) => {
    // kafkajs's own waitForLeaders gives up on "does not host this topic-partition", which a
    // loaded broker answers for a moment after the topic is created: wait here instead (bounded)
    // until the metadata shows a leader for every partition.
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: false });
    let last: unknown;
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const ready = topics[0]?.partitions ?? [];
        if (ready.length === partitions && ready.every((p) => p.leader >= 0)) return;
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable) throw error;
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`topic ${topic}: no leader for every partition after 10 s (${String(last)})`);
  });
  return topic;
}

export async function withAdmin<T>(f: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await f(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Produces `messages` to `topic` in chunks, acknowledged by all replicas, with an idempotent
 * producer (its retries, say after a broker restart, never write a message twice).
 */
export async function produce(
  topic: string,
  messages: readonly { key?: string | Buffer | null; value: string | Buffer | null; partition?: number }[],
): Promise<void> {
  const producer = testKafka().producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 5000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 5000) as never[] });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Every record of `topic` that a read_committed reader sees up to the last stable offsets of
 * the moment it is called (records of transactions still open are not waited for).
 */
export async function readAll(topic: string): Promise<KafkaMessage[]> {
  const ends = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  const pending = new Map(ends.filter((e) => Number(e.high) > 0).map((e) => [e.partition, Number(e.high)]));
  const out: KafkaMessage[] = [];
  const consumer = testKafka().consumer({
    groupId: uniqueName('reader'),
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve) => {
    if (pending.size === 0) return resolve();
    // END_BATCH_PROCESS also reports batches of only transaction markers, which eachBatch never sees.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = pending.get(payload.partition);
      if (end !== undefined && Number(payload.lastOffset) + 1 >= end) pending.delete(payload.partition);
      if (pending.size === 0) resolve();
    });
    void consumer.run({
      eachBatch: async ({ batch }) => {
        const end = ends.find((e) => e.partition === batch.partition);
        for (const m of batch.messages) if (Number(m.offset) < Number(end?.high ?? 0)) out.push(m);
      },
    });
  });
  await consumer.disconnect();
  return out;
}
