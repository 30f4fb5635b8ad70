/**
 * What the S3 lookup, the S3 output, the S3 text stream and the S3 checkpoint store share: how a
 * client is made from options, `s3://` addresses, and calls retried with back-off.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  ConfigurationError,
  KindlingError,
  SystemClock,
  retry,
  type BackoffPolicy,
  type Clock,
} from '../../lib/index.js';

/**
 * How to reach S3 (or MinIO, Ceph, R2...). Give a ready `client`, or the settings to make one.
 * Credentials are never logged by Kindling; leave them out to use the AWS SDK's default provider
 * chain (environment, profile, instance role).
 */
export interface S3ConnectionOptions {
  /** A client to use as it is (its settings win over every other connection field). */
  readonly client?: S3Client;
  /** The region, e.g. `eu-west-1`. Default: the SDK's (`AWS_REGION`, profile). */
  readonly region?: string;
  /** Another endpoint, e.g. `http://127.0.0.1:9000` for MinIO. */
  readonly endpoint?: string;
  /** Address buckets as `endpoint/bucket/key` (needed by MinIO). Default true. */
  readonly forcePathStyle?: boolean;
  /** Access key and secret (and session token); default: the SDK's provider chain. */
  readonly credentials?: S3ClientConfig['credentials'];
  /**
   * Any other client setting (TLS: `requestHandler: new NodeHttpHandler({ httpsAgent })`,
   * checksums, a logger). The SDK's own retries are off (`maxAttempts: 1`) unless set here:
   * Kindling retries with `backoff`/`maxAttempts` below.
   */
  readonly clientConfig?: S3ClientConfig;
  /** Time limit of one call, ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Attempts in all for a call, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** How retries back off. Default: 100 ms doubling up to 5 s, with jitter. */
  readonly backoff?: BackoffPolicy;
  /** The clock retries wait on. Default: system time (the wait is for the server, not for batches). */
  readonly clock?: Pick<Clock, 'sleep'>;
}

/** A client and how to call it: what every S3 connector holds. */
export interface S3Connection {
  readonly client: S3Client;
  /** Whether the connector made the client (and destroys it on close). */
  readonly owned: boolean;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly clock: Pick<Clock, 'sleep'>;
  /** Told of each failed attempt that will be tried again (for `connectorError` events). */
  onRetry?: (message: string, error: unknown, retryIn: number) => void;
}

/** Checks the options and makes the connection they describe; throws ConfigurationError. */
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
  const config: S3ClientConfig = {
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
    forcePathStyle: options.forcePathStyle ?? true,
    ...options.clientConfig,
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
