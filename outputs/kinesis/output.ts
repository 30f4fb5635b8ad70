/**
 * The Kinesis output: writes each batch's records to a stream with PutRecords, in calls within
 * the service's limits, retrying only the records that failed.
 */
import {
  ConfigurationError,
  SystemClock,
  addOutput,
  type BackoffPolicy,
  type Clock,
  type DStream,
  type OnRecordError,
  type OutputLifecycle,
} from '../../lib/index.js';
import { checkConnectionOptions, createKinesisClient } from '../../systems/kinesis/client.js';
import type { KinesisConnectionOptions } from '../../systems/kinesis/options.js';
import { chunkEntries, toEntry, type KinesisEntry } from './entries.js';
import { putWithRetries } from './put.js';

/** Options of {@link kinesisOutput}. */
export interface KinesisOutputOptions<T> extends KinesisConnectionOptions {
  /** The stream to write to. */
  readonly streamName: string;
  /** The partition key of a record (1 to 256 characters): it picks the shard. */
  readonly partitionKey: (record: T) => string;
  /** The bytes of a record; a string is written as UTF-8. */
  readonly data: (record: T) => Uint8Array | string;
  /** A hash key that picks the shard instead of the partition key's hash. */
  readonly explicitHashKey?: (record: T) => string;
  /**
   * A record that cannot be written (over 1 MiB with its key, a bad key, a throwing function):
   * `'fail'` (default) fails the batch; `'deadLetter'` sends it to the dead letters
   * (`ssc.deadLetters()`) and writes the rest.
   */
  readonly onRecordError?: OnRecordError;
  /** Attempts in all for a record, the first included. Default 10. */
  readonly maxAttempts?: number;
  /** How retries back off. Default: 100 ms doubling up to 5 s, with jitter. */
  readonly backoff?: BackoffPolicy;
  /** The clock of the back-off. Default: system time (the wait is for the service, not for batches). */
  readonly clock?: Clock;
}

/**
 * Writes every record of `stream` to the Kinesis stream `streamName` with PutRecords: in order,
 * up to 500 records and 5 MiB per call; of a call that partly fails, only the failed records are
 * sent again, with back-off. A batch is done once all its records were accepted; when attempts
 * run out, the batch fails with an error that names the stream and the service's error code.
 *
 * Delivery: at-least-once. A batch that runs again (after a crash, from a checkpoint) writes its
 * records again, and a call that timed out after the service took it is sent again; give records
 * an id if readers must drop duplicates.
 *
 * @example
 * kinesisOutput(scored, {
 *   streamName: 'scores', region: 'eu-west-1',
 *   partitionKey: (s) => s.user,
 *   data: (s) => JSON.stringify(s),
 *   onRecordError: 'deadLetter',
 * });
 *
 * Gotchas: a retried record lands after records of its call that did not fail, so the order of
 * one partition key is kept only when its records did not fail; Kinesis itself keeps order per
 * shard, by sequence number. Credentials are never logged. `ssc.stop()` closes the client.
 * @returns the output (its `delivery`; `close()` is called by `ssc.stop()`).
 * @throws ConfigurationError when an option is wrong.
 */
export function kinesisOutput<T>(stream: DStream<T>, options: KinesisOutputOptions<T>): OutputLifecycle {
  const what = `kinesisOutput${options.streamName ? ` to '${options.streamName}'` : ''}`;
  if (typeof options.streamName !== 'string' || !/^[a-zA-Z0-9_.-]{1,128}$/.test(options.streamName)) {
    throw new ConfigurationError(
      `${what}: streamName must be 1 to 128 letters, digits, '_', '.' or '-', got ${JSON.stringify(options.streamName)}`,
    );
  }
  for (const fn of ['partitionKey', 'data'] as const) {
    if (typeof options[fn] !== 'function') {
      throw new ConfigurationError(
        `${what}: ${fn} must be a function of the record, e.g. ${fn}: (r) => r.id`,
      );
    }
  }
  checkConnectionOptions(what, options);
  const maxAttempts = options.maxAttempts ?? 10;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new ConfigurationError(
      `${what}: maxAttempts must be a whole number of at least 1, got ${maxAttempts}`,
    );
  }
  const { partitionKey, data, explicitHashKey } = options;
  const entries = stream.map(
    (record): KinesisEntry => toEntry(partitionKey(record), data(record), explicitHashKey?.(record)),
    { onRecordError: options.onRecordError ?? 'fail' },
  );
  let connection: ReturnType<typeof createKinesisClient> | undefined;
  const clock = options.clock ?? new SystemClock();
  return addOutput(entries, {
    name: what,
    delivery: {
      guarantee: 'at-least-once',
      when: 'always: a batch completes once every record was put, and a batch that runs again is put again',
    },
    write: async (batch) => {
      connection ??= createKinesisClient(options, 'the Kinesis output');
      const settings = {
        client: connection.client,
        streamName: options.streamName,
        clock,
        backoff: { initialDelay: 100, maxDelay: 5000, ...options.backoff },
        maxAttempts,
        requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      };
      for (const chunk of chunkEntries(batch)) await putWithRetries(chunk, settings);
    },
    close: async () => {
      const open = connection;
      connection = undefined;
      if (open?.owned) open.client.destroy();
    },
  });
}
