/**
 * The connection options of the S3 connectors, in Kindling's own types: the public declarations
 * do not need `@aws-sdk/client-s3` (an optional peer) installed.
 */
import type { BackoffPolicy, Clock } from '../../lib/index.js';
import type { AwsClientSettings, AwsCredentialsOption, AwsSdkClient } from '../aws/options.js';

/**
 * How to reach S3 (or MinIO, Ceph, R2...). Give a ready `client`, or the settings to make one.
 * Credentials are never logged by Kindling; leave them out to use the AWS SDK's default provider
 * chain (environment, profile, instance role).
 */
export interface S3ConnectionOptions {
  /** A client to use as it is (its settings win over every other connection field). */
  readonly client?: AwsSdkClient;
  /** The region, e.g. `eu-west-1`. Default: the SDK's (`AWS_REGION`, profile). */
  readonly region?: string;
  /** Another endpoint, e.g. `http://127.0.0.1:9000` for MinIO. */
  readonly endpoint?: string;
  /** Address buckets as `endpoint/bucket/key` (needed by MinIO). Default true. */
  readonly forcePathStyle?: boolean;
  /** Access key and secret (and session token); default: the SDK's provider chain. */
  readonly credentials?: AwsCredentialsOption;
  /**
   * Any other client setting (TLS: `requestHandler: new NodeHttpHandler({ httpsAgent })`,
   * checksums, a logger). The SDK's own retries are off (`maxAttempts: 1`) unless set here:
   * Kindling retries with `backoff`/`maxAttempts` below.
   */
  readonly clientConfig?: AwsClientSettings;
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
  /** An SDK `S3Client` (typed by its shape, so that this declaration needs no SDK). */
  readonly client: AwsSdkClient;
  /** Whether the connector made the client (and destroys it on close). */
  readonly owned: boolean;
  /** Time limit of one call, ms (the option's value, or 30 000). */
  readonly requestTimeoutMs: number;
  /** Attempts in all for a call, the first included (the option's value, or 5). */
  readonly maxAttempts: number;
  /** How retries back off: the option's policy over 100 ms doubling up to 5 s. */
  readonly backoff: BackoffPolicy;
  /** The clock retries wait on. */
  readonly clock: Pick<Clock, 'sleep'>;
  /** Told of each failed attempt that will be tried again (for `connectorError` events). */
  onRetry?: (message: string, error: unknown, retryIn: number) => void;
}
