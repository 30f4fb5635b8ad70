/**
 * What the Kafka direct stream and the Kafka output share: the connection options, how a kafkajs
 * client is made from them, their validation, and error messages that never carry a credential.
 */
import type * as KafkaJS from 'kafkajs';
import { ConfigurationError, describeError } from '../../lib/index.js';
import { loadOptional } from '../optional.js';
import type { KafkaConnectionOptions } from './options.js';

export type { KafkaConnectionOptions } from './options.js';

/** The kafkajs library, loaded on the first call; `forWhat` names who needs it in the error. */
export function kafkajs(forWhat: string): typeof KafkaJS {
  return loadOptional<typeof KafkaJS>('kafkajs', forWhat);
}

/**
 * The kafkajs client the options describe, for `forWhat` (`the Kafka receiver`): the first call
 * loads kafkajs, and throws a ConfigurationError with the install command when it is missing.
 */
export function createKafka(options: KafkaConnectionOptions, forWhat: string): KafkaJS.Kafka {
  const { Kafka, logLevel } = kafkajs(forWhat);
  // kafkajs 2 prints a warning about its default partitioner on every producer otherwise.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    ...options.clientConfig,
    brokers: [...options.brokers],
    clientId: options.clientId ?? 'kindling',
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    // Kindling's own shapes of kafkajs's types (options.ts): the same fields.
    ...(options.sasl === undefined ? {} : { sasl: options.sasl as KafkaJS.SASLOptions }),
  } as KafkaJS.KafkaConfig);
}

/**
 * A connected transactional producer of `transactionalId` whose id is initialised: kafkajs does
 * that (fencing every older producer of the id, and having the broker finish or abort its open
 * transaction) at the first transaction, so an empty one is committed here for that alone. A
 * producer that fails to start is disconnected.
 */
export async function transactionalProducer(
  kafka: KafkaJS.Kafka,
  transactionalId: string,
): Promise<KafkaJS.Producer> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  try {
    await producer.connect();
    await (await producer.transaction()).commit();
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    throw error;
  }
  return producer;
}

/** Checks the connection options of `what` (a stream's or output's name); throws ConfigurationError. */
export function checkConnectionOptions(what: string, options: KafkaConnectionOptions): void {
  const brokers = options.brokers as unknown;
  if (!Array.isArray(brokers) || brokers.length === 0) {
    throw new ConfigurationError(
      `${what}: brokers must list at least one 'host:port', e.g. ['127.0.0.1:9092']`,
    );
  }
  for (const broker of brokers) {
    if (typeof broker !== 'string' || !/^[^:\s]+:\d+$/.test(broker)) {
      throw new ConfigurationError(
        `${what}: broker '${String(broker)}' is not 'host:port'; write it as '127.0.0.1:9092'`,
      );
    }
  }
  const sasl = options.sasl as { mechanism?: unknown } | undefined;
  if (sasl !== undefined) {
    const known = ['plain', 'scram-sha-256', 'scram-sha-512', 'aws', 'oauthbearer'];
    if (typeof sasl !== 'object' || sasl === null || !known.includes(String(sasl.mechanism))) {
      throw new ConfigurationError(
        `${what}: sasl.mechanism must be one of ${known.join(', ')}, got '${String(sasl?.mechanism)}'`,
      );
    }
  }
}

/**
 * The secrets in the options (SASL password, secret key, token), to keep out of messages.
 * kafkajs does not put them in its errors; this makes sure of it.
 */
export function secretsOf(options: KafkaConnectionOptions): string[] {
  const sasl = options.sasl as Record<string, unknown> | undefined;
  if (!sasl) return [];
  return ['password', 'secretAccessKey', 'sessionToken']
    .map((key) => sasl[key])
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** The message of `error` (and its causes), with every secret replaced by `***`. */
export function describeKafkaError(error: unknown, secrets: readonly string[]): string {
  let message = describeError(error);
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  if (cause instanceof Error && !message.includes(cause.message)) message += ` (${cause.message})`;
  for (const secret of secrets) message = message.split(secret).join('***');
  return message;
}

/**
 * True when trying again may help: kafkajs marks each error (a lost connection, a timeout, a
 * leader moving are retriable; a failed login or an unknown topic are not). An error that says
 * kafkajs ran out of retries is judged by the error it gave up on.
 */
export function isRetriableKafkaError(error: unknown): boolean {
  // kafkajs wraps what its own retries gave up on (KafkaJSNumberOfRetriesExceeded, and
  // KafkaJSNonRetriableError around a lost connection): look through the whole cause chain.
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e.name === 'KafkaJSSASLAuthenticationError') return false;
    if (CONNECTION_ERRORS.has(e.name)) return true;
    // KafkaJSNonRetriableError(e) keeps only e's message, not e: a lost connection shows there.
    if (e.name === 'KafkaJSNonRetriableError' && LOST_CONNECTION.test(e.message)) return true;
    if ((e as { retriable?: boolean }).retriable === true) return true;
  }
  return false;
}

const LOST_CONNECTION = /Connection (error|closed)|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Request timed out/;

/** kafkajs errors of a broker that is down or restarting: always worth trying again. */
const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);
