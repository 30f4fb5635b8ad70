/** The options of the Kinesis receiver, their defaults, and their checks. */
import { ConfigurationError, type BackoffPolicy, type Clock } from '../../lib/index.js';
import { checkConnectionOptions } from '../../systems/kinesis/client.js';
import type { KinesisConnectionOptions } from '../../systems/kinesis/options.js';
import type { KinesisDecoder } from './decode.js';

/**
 * Where to start reading a shard the first time (no position stored yet): the oldest record kept
 * (`'TRIM_HORIZON'`), only records written from now on (`'LATEST'`), or the first record written
 * at or after a time (`{ timestamp }`, a Date or ms since the epoch).
 */
export type KinesisInitialPosition =
  | 'TRIM_HORIZON'
  | 'LATEST'
  | {
      /** Start at the first record Kinesis took at or after this time (a Date, or ms since the epoch). */
      readonly timestamp: Date | number;
    };

/** Options of {@link KinesisReceiver} and `kinesisStream`. */
export interface KinesisReceiverOptions<T> extends KinesisConnectionOptions {
  /** The stream to read. */
  readonly streamName: string;
  /** Where to start without a stored position. Default `'LATEST'`, as Spark and the KCL. */
  readonly initialPosition?: KinesisInitialPosition;
  /** How each record's bytes become its `data`. Default `'bytes'`. */
  readonly decoder?: KinesisDecoder<T>;
  /** The receiver's name in events and errors. Default `kinesis:<streamName>`. */
  readonly name?: string;
  /** Pause between GetRecords calls of a shard that is caught up, ms. Default 1000. */
  readonly pollIntervalMs?: number;
  /** Most records per GetRecords call (1 to 10 000). Default 10 000. */
  readonly maxRecordsPerCall?: number;
  /** How often shards are listed to find new ones, ms (also at once when a shard ends). Default 10 000. */
  readonly shardDiscoveryIntervalMs?: number;
  /** How throttling and failed calls back off. Default: 200 ms doubling up to 10 s, with jitter. */
  readonly backoff?: BackoffPolicy;
  /**
   * Failed calls in a row (throttling aside) after which the receiver asks the engine to restart
   * it. Default 10.
   */
  readonly maxConsecutiveErrors?: number;
  /** The clock of pauses and back-off; `kinesisStream` passes the context's. Default: system time. */
  readonly clock?: Clock;
}

/** The options with their defaults filled in. */
export interface ResolvedKinesisOptions<T> extends KinesisReceiverOptions<T> {
  readonly initialPosition: KinesisInitialPosition;
  readonly decoder: KinesisDecoder<T>;
  readonly pollIntervalMs: number;
  readonly maxRecordsPerCall: number;
  readonly shardDiscoveryIntervalMs: number;
  readonly backoff: BackoffPolicy;
  readonly maxConsecutiveErrors: number;
  readonly requestTimeoutMs: number;
}

/** Checks the options and fills in the defaults; throws a ConfigurationError that says what to fix. */
export function resolveReceiverOptions<T>(options: KinesisReceiverOptions<T>): ResolvedKinesisOptions<T> {
  const what = `kinesis receiver${options.streamName ? ` of '${options.streamName}'` : ''}`;
  if (typeof options.streamName !== 'string' || !/^[a-zA-Z0-9_.-]{1,128}$/.test(options.streamName)) {
    throw new ConfigurationError(
      `${what}: streamName must be 1 to 128 letters, digits, '_', '.' or '-', got ${JSON.stringify(options.streamName)}`,
    );
  }
  checkConnectionOptions(what, options);
  const positive = (name: string, value: number | undefined, fallback: number, max = Infinity): number => {
    if (value === undefined) return fallback;
    if (!(Number.isFinite(value) && value > 0 && value <= max)) {
      throw new ConfigurationError(
        `${what}: ${name} must be a number above 0${max < Infinity ? ` and at most ${max}` : ''}, got ${value}`,
      );
    }
    return value;
  };
  const initial = options.initialPosition ?? 'LATEST';
  if (typeof initial === 'object') {
    const ms = initial.timestamp instanceof Date ? initial.timestamp.getTime() : initial.timestamp;
    if (!Number.isFinite(ms)) {
      throw new ConfigurationError(`${what}: initialPosition.timestamp must be a Date or ms since the epoch`);
    }
  } else if (initial !== 'LATEST' && initial !== 'TRIM_HORIZON') {
    throw new ConfigurationError(
      `${what}: initialPosition must be 'TRIM_HORIZON', 'LATEST' or { timestamp }, got '${String(initial)}'`,
    );
  }
  const decoder = options.decoder ?? 'bytes';
  if (typeof decoder !== 'function' && !['bytes', 'string', 'json'].includes(decoder)) {
    throw new ConfigurationError(
      `${what}: decoder must be 'bytes', 'string', 'json' or a function, got '${String(decoder)}'`,
    );
  }
  const maxRecords = positive('maxRecordsPerCall', options.maxRecordsPerCall, 10_000, 10_000);
  if (!Number.isInteger(maxRecords)) {
    throw new ConfigurationError(`${what}: maxRecordsPerCall must be a whole number, got ${maxRecords}`);
  }
  return {
    ...options,
    initialPosition: initial,
    decoder,
    pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs, 1000),
    maxRecordsPerCall: maxRecords,
    shardDiscoveryIntervalMs: positive('shardDiscoveryIntervalMs', options.shardDiscoveryIntervalMs, 10_000),
    backoff: { initialDelay: 200, maxDelay: 10_000, ...options.backoff },
    maxConsecutiveErrors: positive('maxConsecutiveErrors', options.maxConsecutiveErrors, 10),
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
  };
}
