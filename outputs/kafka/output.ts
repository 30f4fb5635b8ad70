/**
 * `kafkaOutput`: writes every batch of a stream to a Kafka topic, with an idempotent producer, or
 * in one transaction per batch together with the offsets the batch consumed (exactly-once from
 * Kafka to Kafka).
 */
import type { Producer } from 'kafkajs';
import {
  ConfigurationError,
  addOutput,
  taskAligned,
  taskSlicesOf,
  type BackoffPolicy,
  type DStream,
  type Output,
} from '../../lib/index.js';
import { checkConnectionOptions, createKafka, secretsOf } from '../../systems/kafka/client.js';
import type { KafkaConnectionOptions } from '../../systems/kafka/options.js';
import type { KafkaOffsetSource } from '../../systems/kafka/offsets.js';
import { Retrier } from '../../systems/kafka/retrier.js';
import { chunkMessages, toMessages, type KafkaMessageMapping } from './messages.js';
import { TaskTransactionalWriter } from './task-transactions.js';
import { TransactionalWriter } from './transactional.js';

/** Options of {@link kafkaOutput}. */
export interface KafkaOutputOptions<T> extends KafkaConnectionOptions, KafkaMessageMapping<T> {
  /** The topic to write to (it must exist). */
  readonly topic: string;
  /**
   * An idempotent producer (default true): the broker drops the duplicates of a producer's own
   * retries, and keeps each partition's order.
   */
  readonly idempotent?: boolean;
  /**
   * Exactly-once from Kafka to Kafka: each batch's records and the offsets its batch of `source`
   * consumed are written in one transaction (`transactionalId` must be the same for every run of
   * the job and unique to it). The stream written must be derived from `source` batch by batch
   * (map, filter, flatMap, reduceByKey, ...: no windows, no other inputs).
   */
  readonly transactional?: {
    /**
     * The producer's `transactional.id`: Kafka fences an older producer of the same id (a zombie
     * run). In a distributed job (a context with an `applicationId`) each task has a producer of
     * its own, `<transactionalId>-task-<i>`, and the default is the application id.
     */
    readonly transactionalId?: string;
    /** The direct stream the written stream is derived from (`kafkaDirectStream(...)`), or its `source`. */
    readonly source:
      | {
          /** The direct stream's batch source: its offset ranges go in each batch's transaction. */
          readonly source: KafkaOffsetSource;
        }
      | KafkaOffsetSource;
  };
  /** Bytes per produce request at most (estimated). Default 900 000 (brokers take 1 MiB per partition). */
  readonly maxRequestBytes?: number;
  /** How a failed write backs off: default from 200 ms up to 5 s, 30 attempts. */
  readonly retry?: BackoffPolicy;
  /** The output's name in events. Default `kafka output <topic>`. */
  readonly name?: string;
}

/**
 * Writes every batch of `stream` to the Kafka topic `options.topic`; the batch completes once
 * the brokers acknowledged every record (all in-sync replicas).
 *
 * **Delivery guarantee.** Default (idempotent producer): at-least-once. Nothing acknowledged is
 * lost, and the producer's own retries never duplicate a record, but a batch that runs again
 * (after a crash, or a write retried after a lost connection) is written again.
 * Transactional: exactly-once for readers with `isolation.level=read_committed` (kafkajs:
 * `readUncommitted: false`, the default) when the stream comes from a Kafka direct stream: the
 * batch's records and its consumed offsets are committed to `source`'s group in one transaction;
 * a batch whose offsets the group already has (it was written before a crash) is skipped; a new
 * run of the job fences the transactions of a dead one (same `transactionalId`) before the source
 * reads the group's offsets. Readers with `read_uncommitted` may see records of aborted
 * transactions. In a distributed job (a context with an `applicationId`) each task's records and
 * offsets of a batch commit in a transaction of their own, with the transactional id
 * `<transactionalId or applicationId>-task-<i>`, which fences a process that lost the task; the
 * stream must then be made by map, filter and flatMap from the direct stream.
 *
 * A lost connection is retried with back-off (reported on `ssc.events` as `connectorError`,
 * without credentials); when attempts run out, or on an error retrying cannot fix (an unknown
 * topic, a fenced transactional id), the batch fails.
 *
 * `ssc.stop()` closes the producer once the last batch is written.
 *
 * @returns the output (its `delivery`; `close()` is called by `ssc.stop()`).
 * @example
 * const orders = kafkaDirectStream<Order>(ssc, { brokers, topics: ['orders'], groupId: 'enrich', deserializer: 'json' });
 * kafkaOutput(orders.map((r) => enrich(r.value!)), {
 *   brokers, topic: 'orders-enriched', key: (o) => o.customer,
 *   transactional: { transactionalId: 'enrich-job', source: orders },
 * });
 */
export function kafkaOutput<T>(stream: DStream<T>, options: KafkaOutputOptions<T>): Output<T> {
  const ssc = stream.context;
  checkOutputOptions(options, ssc.applicationId);
  const name = options.name ?? `kafka output ${options.topic}`;
  const retrier = new Retrier(ssc, name, secretsOf(options), {
    initialDelay: 200,
    maxDelay: 5000,
    maxAttempts: 30,
    ...options.retry,
  });
  const maxBytes = options.maxRequestBytes ?? 900_000;
  const transactional = options.transactional;
  if (transactional) {
    const source = 'source' in transactional.source ? transactional.source.source : transactional.source;
    if (ssc.applicationId !== undefined) {
      if (!taskAligned(stream as DStream<unknown>)) {
        throw new ConfigurationError(
          `kafkaOutput(${JSON.stringify(options.topic)}): with applicationId, a transactional output commits each ` +
            'task on its own, so each record written must come from one task: write a stream made by map, ' +
            'filter and flatMap from the kafkaDirectStream (an aggregation across tasks needs a repartition ' +
            'topic, which is not built yet: issue 22)',
        );
      }
      const base = transactional.transactionalId ?? ssc.applicationId;
      const writer = new TaskTransactionalWriter(options, source, base, retrier, maxBytes);
      return addOutput(stream, {
        name,
        delivery: {
          guarantee: 'exactly-once',
          when: 'for read_committed readers: each task’s records and offsets of a batch commit in one transaction, whose id per task fences a process that lost the task',
        },
        write: (records, time) =>
          writer.write(toMessages(records, options), taskSlicesOf(stream as DStream<unknown>, time), time),
        close: () => writer.close(),
      });
    }
    const writer = new TransactionalWriter(options, source, transactional.transactionalId ?? '', retrier);
    source.runBeforeStart(() => writer.connect());
    return addOutput(stream, {
      name,
      delivery: {
        guarantee: 'exactly-once',
        when: 'for read_committed readers of a stream derived batch by batch from a Kafka direct stream: a batch and its offsets commit in one transaction',
      },
      write: (records, time) => writer.write(chunkMessages(toMessages(records, options), maxBytes), time),
      close: () => writer.close(),
    });
  }
  const idempotent = options.idempotent ?? true;
  const kafka = createKafka(options, 'the Kafka output');
  let producer: Producer | undefined;
  const connected = async (): Promise<Producer> => {
    if (producer) return producer;
    const p = kafka.producer({ idempotent, ...(idempotent ? { maxInFlightRequests: 1 } : {}) });
    await p.connect();
    producer = p;
    return p;
  };
  return addOutput(stream, {
    name,
    delivery: {
      guarantee: 'at-least-once',
      when: 'always: nothing acknowledged is lost, and a batch that runs again is written again',
    },
    write: async (records, time) => {
      if (records.length === 0) return;
      const chunks = chunkMessages(toMessages(records, options), maxBytes);
      let done = 0; // chunks acknowledged: a retry resends only the rest
      await retrier.run(`writing the batch of time ${time}`, async () => {
        const p = await connected().catch((error: unknown) => {
          producer = undefined;
          throw error;
        });
        for (; done < chunks.length; done++) {
          await p.send({ topic: options.topic, messages: chunks[done] as [], acks: -1 });
        }
      });
    },
    close: async () => {
      const open = producer;
      producer = undefined;
      await open?.disconnect();
    },
  });
}

function checkOutputOptions<T>(options: KafkaOutputOptions<T>, applicationId: string | undefined): void {
  const what = `kafkaOutput(${JSON.stringify(options.topic)})`;
  checkConnectionOptions(what, options);
  if (typeof options.topic !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(options.topic)) {
    throw new ConfigurationError(`${what}: topic must be a topic name (letters, digits, '.', '_', '-')`);
  }
  const t = options.transactional;
  if (t !== undefined) {
    const optional = applicationId !== undefined && t.transactionalId === undefined;
    if (!optional && (typeof t.transactionalId !== 'string' || t.transactionalId.length === 0)) {
      throw new ConfigurationError(
        `${what}: transactional.transactionalId is required, e.g. 'orders-enrich-job'`,
      );
    }
    const source = t.source as { source?: unknown; runBeforeStart?: unknown } | undefined;
    if (!source || (typeof source.runBeforeStart !== 'function' && !source.source)) {
      throw new ConfigurationError(
        `${what}: transactional.source must be the stream kafkaDirectStream() returned (its offsets are committed with each batch)`,
      );
    }
    if (options.idempotent === false) {
      throw new ConfigurationError(
        `${what}: a transactional output is always idempotent; drop idempotent: false`,
      );
    }
  }
  const max = options.maxRequestBytes;
  if (max !== undefined && !(Number.isFinite(max) && max > 0)) {
    throw new ConfigurationError(`${what}: maxRequestBytes must be a positive number, got ${max}`);
  }
}
