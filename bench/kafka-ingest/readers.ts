/**
 * The three readers the kafka-ingest benchmark times over the same topic, each counting every
 * message of every partition from the earliest offset:
 *
 * - `kindling`: a Kafka direct stream (`deserializer: 'buffer'`, offsets committed to a group of
 *   its own after each batch) whose `count()` is summed in `foreachBatch`, on a ManualClock that
 *   is advanced batch after batch as fast as the engine goes; each batch reads up to
 *   `recordsPerBatch` records per partition (`maxRatePerPartition` over a 1 s interval).
 * - `kafkajs`: a bare kafkajs consumer of a group of its own, `eachBatch` adding up
 *   `batch.messages.length` (kafkajs defaults otherwise).
 * - `kcat`: librdkafka's command-line consumer, `kcat -C -o beginning -e`, printing one line per
 *   message with only its partition, counted as it arrives.
 *
 * Each reader's time runs from before it connects to when it has counted every message (for
 * kcat, from spawn to exit), so group joins and connections count for all.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ManualClock, StreamingContext } from '../../lib/index.js';
import { kafkaDirectStream } from '../../receivers/index.js';
import { benchKafka, type BenchTopic } from './topic.js';

/** What one reader counted, and how long it took. */
export interface ReadResult {
  /** Messages counted in all. */
  readonly count: number;
  /** Messages counted per partition. */
  readonly perPartition: readonly number[];
  /** Seconds from before connecting to the last message counted. */
  readonly seconds: number;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const groupId = (who: string): string =>
  `bench-${who}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const since = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** Counts the topic with a Kindling Kafka direct stream; see the file summary. */
export async function kindlingRead(topic: BenchTopic, recordsPerBatch: number): Promise<ReadResult> {
  const interval = 1000;
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: interval,
    clock,
    logger: quiet,
    name: 'bench-kafka-ingest',
  });
  const stream = kafkaDirectStream(ssc, {
    brokers: topic.brokers,
    topics: [topic.topic],
    groupId: groupId('kindling'),
    startingOffsets: 'earliest',
    deserializer: 'buffer',
    maxRatePerPartition: recordsPerBatch,
  });
  let count = 0;
  const perPartition = Array.from({ length: topic.partitions }, () => 0);
  stream.count().foreachBatch(([n]) => void (count += n ?? 0));
  stream.foreachBatch((_, time) => {
    for (const r of stream.offsetRangesAt(time) ?? []) {
      perPartition[r.partition] = (perPartition[r.partition] ?? 0) + r.untilOffset - r.fromOffset;
    }
  });
  const start = process.hrtime.bigint();
  await ssc.start();
  // Enough batches for every partition at the cap, and some to spare; then it is stuck.
  const most = Math.max(...topic.perPartition);
  const limit = Math.ceil(most / recordsPerBatch) + 20;
  let batches = 0;
  try {
    while (count < topic.messages && batches < limit) {
      await clock.advance(interval);
      batches++;
    }
    return { count, perPartition, seconds: since(start) };
  } finally {
    await ssc.stop();
    await ssc.awaitTermination().catch(() => undefined);
  }
}

/** Counts the topic with a bare kafkajs `eachBatch` consumer; gives up after `timeoutMs` without the whole count. */
export async function kafkajsRead(topic: BenchTopic, timeoutMs: number): Promise<ReadResult> {
  const consumer = benchKafka(topic.brokers, 'kindling-bench-kafkajs').consumer({
    groupId: groupId('kafkajs'),
    allowAutoTopicCreation: false,
  });
  let count = 0;
  const perPartition = Array.from({ length: topic.partitions }, () => 0);
  const start = process.hrtime.bigint();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic.topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`kafkajs counted ${count} of ${topic.messages} messages in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const n = batch.messages.length;
            count += n;
            perPartition[batch.partition] = (perPartition[batch.partition] ?? 0) + n;
            if (count >= topic.messages) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return { count, perPartition, seconds: since(start) };
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Counts the topic with `kcat` (at `binary`): one line per message holding its partition, read
 * until kcat exits at the end of every partition (`-e`). Fails when kcat fails or runs past
 * `timeoutMs`.
 */
export function kcatRead(topic: BenchTopic, binary: string, timeoutMs: number): Promise<ReadResult> {
  const args = ['-C', '-q', '-e', '-o', 'beginning', '-b', topic.brokers.join(','), '-t', topic.topic];
  const perPartition = Array.from({ length: topic.partitions }, () => 0);
  let count = 0;
  let partition = 0;
  let stderr = '';
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args, '-f', '%p\\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (byte === 10) {
          perPartition[partition] = (perPartition[partition] ?? 0) + 1;
          count++;
          partition = 0;
        } else {
          partition = partition * 10 + (byte - 48);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = since(start);
      if (code === 0) resolve({ count, perPartition, seconds });
      else
        reject(
          new Error(
            `kcat ${args.join(' ')} ended with ${code ?? signal} after ${count} messages: ${stderr.trim().slice(-500)}`,
          ),
        );
    });
  });
}
