/**
 * What the MongoDB lookup and the MongoDB output share: how a client is made from options, which
 * errors are worth trying again, calls retried with back-off, and messages without secrets.
 */
import type * as MongoDB from 'mongodb';
import {
  ConfigurationError,
  KindlingError,
  SystemClock,
  retry,
  type BackoffPolicy,
  type Clock,
} from '../../lib/index.js';
import { loadOptional } from '../optional.js';
import { redact, safeError } from '../redact.js';
import type { MongoConnectionOptions } from './options.js';

export type { MongoConnectionOptions } from './options.js';

/** The mongodb driver, loaded on the first call; `forWhat` names who needs it in the error. */
export function mongodb(forWhat: string): typeof MongoDB {
  return loadOptional<typeof MongoDB>('mongodb', forWhat);
}

/** A client and how to call it: what the lookup and the output hold. */
export interface MongoConnection {
  readonly client: MongoDB.MongoClient;
  /** Whether the connector made the client (and closes it). */
  readonly owned: boolean;
  /** Passwords to keep out of messages. */
  readonly secrets: readonly string[];
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly clock: Pick<Clock, 'sleep'>;
  readonly onRetry: ((message: string, error: Error, retryIn: number) => void) | undefined;
  /** The connect under way or made, shared by every call; cleared when it fails. */
  connecting: Promise<void> | undefined;
}

/**
 * Checks the connection options of `what` (a lookup's or output's name), and loads the driver;
 * throws ConfigurationError.
 */
export function checkConnectionOptions(what: string, options: MongoConnectionOptions): void {
  // The connector's first use: its client library is loaded now, so that a missing one fails
  // where the connector is made, with the install command.
  mongodb(what);
  if (options.client === undefined) {
    if (typeof options.url !== 'string' || !/^mongodb(\+srv)?:\/\//.test(options.url)) {
      throw new ConfigurationError(
        `${what}: give a client, or a url that starts with mongodb:// or mongodb+srv:// ` +
          `(e.g. mongodb://127.0.0.1:27017), got ${options.url === undefined ? 'none' : 'another value'}`,
      );
    }
  } else if (!(options.client instanceof mongodb(what).MongoClient)) {
    throw new ConfigurationError(`${what}: client must be a MongoClient of the 'mongodb' package`);
  }
  const attempts = options.maxAttempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1)) {
    throw new ConfigurationError(
      `${what}: maxAttempts must be a whole number of at least 1, got ${attempts}`,
    );
  }
}

/** The passwords of the options: the URL's and `clientOptions.auth`'s. */
function secretsOf(options: MongoConnectionOptions): string[] {
  const secrets: string[] = [];
  const password = (options.clientOptions as MongoDB.MongoClientOptions | undefined)?.auth?.password;
  if (password) secrets.push(password);
  const match = options.url === undefined ? null : /^[^:]+:\/\/[^:@/]*:([^@/]*)@/.exec(options.url);
  if (match?.[1]) secrets.push(match[1], decodeURIComponent(match[1]));
  return secrets;
}

/** The connection the (checked) options describe; the client connects on its first call. */
export function createMongoConnection(options: MongoConnectionOptions, forWhat: string): MongoConnection {
  // A given client is a MongoClient (checkConnectionOptions checked it; MongoDriverClient is its shape).
  const client =
    (options.client as MongoDB.MongoClient | undefined) ??
    new (mongodb(forWhat).MongoClient)(options.url as string, {
      serverSelectionTimeoutMS: 10_000,
      ...(options.clientOptions as MongoDB.MongoClientOptions | undefined),
    });
  return {
    client,
    owned: options.client === undefined,
    secrets: secretsOf(options),
    maxAttempts: options.maxAttempts ?? 5,
    backoff: { initialDelay: 100, maxDelay: 5000, ...options.backoff },
    clock: options.clock ?? new SystemClock(),
    onRetry: options.onRetry,
    connecting: undefined,
  };
}

/**
 * Connects the client, once for all the calls made meanwhile. A connect that fails closes the
 * client's topology: calls left to connect on their own would then fail with
 * MongoTopologyClosedError, which names no cause and is not retried; here each gets the
 * connect's own error (ECONNREFUSED and the address), which is retried, and connects anew.
 */
function connect(connection: MongoConnection): Promise<void> {
  connection.connecting ??= connection.client.connect().then(
    () => undefined,
    (error: unknown) => {
      connection.connecting = undefined;
      throw error;
    },
  );
  return connection.connecting;
}

/** Server error codes that say "try again later": shutdown, step-down, network, time limits. */
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** True when trying the same call again may succeed (a lost connection, no server, a step-down). */
export function isTransient(error: unknown): boolean {
  const { MongoError, MongoNetworkError, MongoServerSelectionError } = mongodb('MongoDB connectors');
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  if (!(error instanceof MongoError)) return false;
  if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool')) return true;
  return typeof error.code === 'number' && TRANSIENT_CODES.has(error.code);
}

/**
 * The error's name and message, without secrets; for a failed server selection, what each server
 * said (the driver's message names one at most), and a hint when connections were refused.
 */
export function describe(error: unknown, secrets: readonly string[]): string {
  const name = error instanceof Error ? error.name : 'error';
  let text = redact(error, secrets);
  for (const [address, said] of serverErrors(error)) {
    const message = redact(said, secrets);
    if (!text.includes(message)) text += `; ${address}: ${message}`;
  }
  if (refused(error)) {
    text += ' (connection refused: nothing listens there; start the server, or correct the host and port)';
  }
  return `${name}: ${text}`;
}

/** The errors of the servers a failed server selection tried, by address. */
function serverErrors(error: unknown): [string, unknown][] {
  const servers = (error as { reason?: { servers?: unknown } } | null)?.reason?.servers;
  if (!(servers instanceof Map)) return [];
  return [...(servers as Map<unknown, { error?: unknown } | null>)].flatMap(([address, server]) =>
    server?.error ? [[String(address), server.error] as [string, unknown]] : [],
  );
}

/** True when the error, its causes or a server it tried say ECONNREFUSED. */
function refused(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    if ((next as { code?: unknown }).code === 'ECONNREFUSED') return true;
    pending.push((next as { cause?: unknown }).cause, ...serverErrors(next).map(([, said]) => said));
  }
  return false;
}

/**
 * Runs `call` until it succeeds, retrying transient errors with back-off. When attempts run out,
 * or at once for an error retrying cannot mend, throws a KindlingError that starts with `what`
 * and says how many attempts were made (`retriable` when the last error was transient).
 */
export function withRetries<T>(
  connection: MongoConnection,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  const { maxAttempts, secrets } = connection;
  const failed = (error: unknown): string => `${what} failed: ${describe(error, secrets)}`;
  return retry(
    async () => {
      await connect(connection);
      return call();
    },
    connection.clock,
    {
      ...connection.backoff,
      maxAttempts,
      shouldRetry: isTransient,
      onRetry: (error, attempt, delay) =>
        connection.onRetry?.(
          `${failed(error)}; retrying in ${delay} ms (attempt ${attempt} of ${maxAttempts})`,
          safeError(error, secrets),
          delay,
        ),
      giveUp: (error, attempt) => {
        const transient = isTransient(error);
        return new KindlingError(
          `${failed(error)} (attempt ${attempt} of ${maxAttempts}${transient ? '' : ', not retried'})`,
          { cause: safeError(error, secrets), retriable: transient },
        );
      },
    },
  );
}
