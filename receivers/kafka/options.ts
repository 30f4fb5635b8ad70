/**
 * The options of a Kafka direct stream, and their validation (at build time, with messages that
 * say how to fix them).
 */
import { ConfigurationError, type BackoffPolicy } from '../../lib/index.js';
import { checkConnectionOptions } from '../../systems/kafka/client.js';
import type { KafkaConnectionOptions } from '../../systems/kafka/options.js';
import type { KafkaDeserializer } from './records.js';

/** Explicit starting offsets: `{ [topic]: { [partition]: offset } }`. */
export type ExplicitOffsets = Readonly<Record<string, Readonly<Record<number, number>>>>;

/** Options of {@link kafkaDirectStream}. */
export interface KafkaDirectStreamOptions extends KafkaConnectionOptions {
  /** The topics to read (they must exist). */
  readonly topics: readonly string[];
  /**
   * The consumer group: its committed offsets are where a job without a checkpoint starts, and
   * where `commit: 'kafka'` commits. Give each direct stream a group of its own: the stream's
   * consumer must be the group's only member to be given every partition. Required, except in a
   * distributed job (a context with an `applicationId`), whose group is the application id.
   */
  readonly groupId?: string;
  /**
   * Where to start when neither a checkpoint nor the group has an offset for a partition:
   * `'earliest'`, `'latest'` (default), or explicit offsets per topic and partition (which win
   * over the group's; partitions not named start at the earliest offset).
   */
  readonly startingOffsets?: 'earliest' | 'latest' | ExplicitOffsets;
  /**
   * `'kafka'` (default): after a batch and all its outputs completed, its offsets are committed
   * to the group. `'checkpoint'`: offsets live only in the context's checkpoint.
   */
  readonly commit?: 'kafka' | 'checkpoint';
  /** Most records per second read from each partition. Default: no limit. */
  readonly maxRatePerPartition?: number;
  /** How keys, values and headers are decoded: `'string'` (default), `'json'` or `'buffer'`. */
  readonly deserializer?: KafkaDeserializer;
  /**
   * Bytes fetched ahead per partition before fetching pauses (estimated: key and value bytes and
   * 64 per record). Default 4 MiB: enough to keep the consumer fetching while a batch runs, and
   * little enough that records fetched ahead seldom outlive the garbage collector's young space.
   */
  readonly maxBufferBytes?: number;
  /**
   * The consumer's session timeout, ms: at least the broker's `group.min.session.timeout.ms`
   * (6 000 by default). Default 10 000.
   */
  readonly sessionTimeout?: number;
  /** How long a batch waits for its records without progress before it reports it, ms. Default 10 000. */
  readonly stallTimeout?: number;
  /** How failed calls to the brokers back off. Default: from 200 ms up to 5 s, forever. */
  readonly retry?: BackoffPolicy;
  /** The stream's name in events and dead letters. Default `kafka <topics>`. */
  readonly name?: string;
}

/** Checks every option; throws a ConfigurationError naming the first one that is wrong. */
export function checkDirectStreamOptions(options: KafkaDirectStreamOptions, applicationId?: string): void {
  const what = `kafkaDirectStream(${JSON.stringify(options.topics ?? [])})`;
  checkConnectionOptions(what, options);
  const topics = options.topics as unknown;
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every(isTopicName)) {
    throw new ConfigurationError(
      `${what}: topics must list one or more topic names (letters, digits, '.', '_', '-'), got ${JSON.stringify(topics)}`,
    );
  }
  if (applicationId !== undefined) {
    if (options.groupId !== undefined && options.groupId !== applicationId) {
      throw new ConfigurationError(
        `${what}: groupId '${options.groupId}' differs from the context's applicationId '${applicationId}', ` +
          "which is a distributed job's consumer group: drop groupId",
      );
    }
  } else if (typeof options.groupId !== 'string' || options.groupId.length === 0) {
    throw new ConfigurationError(`${what}: groupId is required, e.g. groupId: 'orders-job'`);
  }
  const start = options.startingOffsets;
  if (start !== undefined && start !== 'earliest' && start !== 'latest') {
    if (typeof start !== 'object' || start === null) {
      throw new ConfigurationError(
        `${what}: startingOffsets must be 'earliest', 'latest' or { topic: { partition: offset } }`,
      );
    }
    for (const [topic, partitions] of Object.entries(start)) {
      if (!(topics as string[]).includes(topic)) {
        throw new ConfigurationError(
          `${what}: startingOffsets names topic '${topic}', which is not in topics`,
        );
      }
      for (const [partition, offset] of Object.entries(partitions)) {
        if (!/^\d+$/.test(partition) || !Number.isSafeInteger(offset) || offset < 0) {
          throw new ConfigurationError(
            `${what}: startingOffsets.${topic}[${partition}] = ${String(offset)}: partitions and offsets are whole numbers >= 0`,
          );
        }
      }
    }
  }
  if (options.commit !== undefined && options.commit !== 'kafka' && options.commit !== 'checkpoint') {
    throw new ConfigurationError(
      `${what}: commit must be 'kafka' or 'checkpoint', got '${String(options.commit)}'`,
    );
  }
  const d = options.deserializer;
  if (d !== undefined && d !== 'string' && d !== 'json' && d !== 'buffer') {
    throw new ConfigurationError(
      `${what}: deserializer must be 'string', 'json' or 'buffer', got '${String(d)}'`,
    );
  }
  positive(what, 'maxRatePerPartition', options.maxRatePerPartition);
  positive(what, 'maxBufferBytes', options.maxBufferBytes);
  positive(what, 'stallTimeout', options.stallTimeout);
  if (options.sessionTimeout !== undefined && !(options.sessionTimeout >= 1000)) {
    throw new ConfigurationError(
      `${what}: sessionTimeout must be at least 1000 ms, and at least the broker's ` +
        `group.min.session.timeout.ms (6000 by default), got ${options.sessionTimeout}`,
    );
  }
}

function isTopicName(topic: unknown): boolean {
  return typeof topic === 'string' && /^[A-Za-z0-9._-]{1,249}$/.test(topic);
}

function positive(what: string, name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new ConfigurationError(`${what}: ${name} must be a positive number, got ${value}`);
  }
}
