/**
 * What the S3 lookup, the S3 output, the S3 text stream and the S3 checkpoint store share: how a
 * client is made from options, `s3://` addresses, and calls retried with back-off.
 */
import type * as S3Sdk from '@aws-sdk/client-s3';
import { ConfigurationError, KindlingError, SystemClock, retry } from '../../lib/index.js';
import { nodeHttpHandler } from '../aws/http-handler.js';
import type { S3Connection, S3ConnectionOptions } from './options.js';
import { s3Sdk } from './sdk.js';

export type { S3Connection, S3ConnectionOptions } from './options.js';

/**
 * Checks the options and makes the connection they describe; throws ConfigurationError (also
 * when the SDK, loaded by the first call, is not installed: `what` is named with the command).
 */
export function connectS3(what: string, options: S3ConnectionOptions): S3Connection {
  checkConnectionOptions(what, options);
  const backoff = { initialDelay: 100, maxDelay: 5000, ...options.backoff };
  const common = {
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    maxAttempts: options.maxAttempts ?? 5,
    backoff,
    clock: options.clock ?? new SystemClock(),
  };
  if (options.client) return { client: options.client, owned: false, ...common };
  const { S3Client } = s3Sdk(what);
  const config: S3Sdk.S3ClientConfig = {
    requestHandler: nodeHttpHandler(what),
    maxAttempts: 1,
    forcePathStyle: options.forcePathStyle ?? true,
    ...(options.clientConfig as S3Sdk.S3ClientConfig | undefined),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
  return { client: new S3Client(config), owned: true, ...common };
}

/** Checks the connection options of `what` (a connector's name); throws ConfigurationError. */
export function checkConnectionOptions(what: string, options: S3ConnectionOptions): void {
  const timeout = options.requestTimeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new ConfigurationError(`${what}: requestTimeoutMs must be a positive number of ms, got ${timeout}`);
  }
  const attempts = options.maxAttempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1)) {
    throw new ConfigurationError(
      `${what}: maxAttempts must be a whole number of at least 1, got ${attempts}`,
    );
  }
  if (options.endpoint !== undefined) {
    try {
      new URL(options.endpoint);
    } catch {
      throw new ConfigurationError(
        `${what}: endpoint '${options.endpoint}' is not a URL; write it as http://127.0.0.1:9000`,
      );
    }
  }
}

/** A bucket and a key or prefix, from `s3://bucket/key`. */
export interface S3Location {
  readonly bucket: string;
  /** The key or prefix; empty for the whole bucket. */
  readonly key: string;
}

/**
 * Splits `s3://bucket/some/key` into bucket and key; throws ConfigurationError naming `what`.
 *
 * @example
 * parseS3Url('job', 's3://data/users/') // { bucket: 'data', key: 'users/' }
 */
export function parseS3Url(what: string, url: string): S3Location {
  const match = typeof url === 'string' ? /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url) : null;
  if (!match?.[1]) {
    throw new ConfigurationError(
      `${what}: ${JSON.stringify(url)} is not an S3 address; write it as s3://bucket/prefix`,
    );
  }
  return { bucket: match[1], key: match[2] ?? '' };
}

/** The HTTP status of an SDK error, if the server answered. */
export function httpStatus(error: unknown): number | undefined {
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return meta?.httpStatusCode;
}

/** True when trying the same call again may help: no answer (connection), 5xx, 429, throttling. */
export function isRetriableS3Error(error: unknown): boolean {
  if (error instanceof KindlingError) return error.retriable;
  const status = httpStatus(error);
  if (status === undefined) return true;
  if (status >= 500 || status === 429) return true;
  const name = error instanceof Error ? error.name : '';
  return name === 'SlowDown' || name === 'RequestTimeout' || name === 'RequestTimeTooSkewed';
}

/** The message of anything thrown, for error messages (never the client's settings). */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  const message = error.message || error.name;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * Runs `call` with a time limit, retrying what {@link isRetriableS3Error} accepts with back-off;
 * when attempts run out (or at once for a permanent error), throws a KindlingError naming `what`.
 *
 * @example
 * const out = await s3Call(conn, `reading s3://${bucket}/${key}`, (signal) =>
 *   conn.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }));
 */
export function s3Call<T>(
  conn: S3Connection,
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return retry((_attempt, signal) => call(signal), conn.clock, {
    ...conn.backoff,
    maxAttempts: conn.maxAttempts,
    tryTimeout: conn.requestTimeoutMs,
    shouldRetry: isRetriableS3Error,
    onRetry: (error, attempt, wait) =>
      conn.onRetry?.(`${what} failed (attempt ${attempt}): ${describe(error)}; retrying`, error, wait),
    giveUp: (error, attempts) => {
      const tries = attempts === 1 ? '' : ` after ${attempts} attempts`;
      return new KindlingError(`${what} failed${tries}: ${describe(error)}`, {
        cause: error,
        retriable: isRetriableS3Error(error),
      });
    },
  });
}
