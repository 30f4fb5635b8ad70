/**
 * What the Kinesis receiver and the Kinesis output share: how a client is made from options, how
 * each call gets a time limit, and which errors of the service are worth trying again.
 */
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConfigurationError } from '../../lib/index.js';

/**
 * How to reach Kinesis. Give a ready `client`, or the settings to make one. Credentials are
 * never logged by Kindling; leave them out to use the AWS SDK's default provider chain
 * (environment, profile, instance role).
 */
export interface KinesisConnectionOptions {
  /** A client to use as it is (its settings win over every other field here). */
  readonly client?: KinesisClient;
  /** The AWS region, e.g. `eu-west-1`. Default: the SDK's (`AWS_REGION`, profile). */
  readonly region?: string;
  /** Another endpoint, e.g. `http://127.0.0.1:4567` for kinesalite or a VPC endpoint. */
  readonly endpoint?: string;
  /** Access key and secret (and session token); default: the SDK's provider chain. */
  readonly credentials?: KinesisClientConfig['credentials'];
  /**
   * Any other client setting (TLS: `requestHandler: new NodeHttpHandler({ httpsAgent })`; retries,
   * logger). Without a `requestHandler`, an HTTP/1.1 `NodeHttpHandler` is used: kinesalite and
   * some proxies do not speak HTTP/2.
   */
  readonly clientConfig?: KinesisClientConfig;
  /** Time limit of one call, ms (calls that hang, as an AT_TIMESTAMP iterator may). Default 10 000. */
  readonly requestTimeoutMs?: number;
}

/** The client the options describe, and whether it is ours to destroy. */
export function createKinesisClient(options: KinesisConnectionOptions): {
  readonly client: KinesisClient;
  readonly owned: boolean;
} {
  if (options.client) return { client: options.client, owned: false };
  const config: KinesisClientConfig = {
    requestHandler: new NodeHttpHandler(),
    ...options.clientConfig,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
  return { client: new KinesisClient(config), owned: true };
}

/** Checks the connection options of `what` (a receiver's or output's name); throws ConfigurationError. */
export function checkConnectionOptions(what: string, options: KinesisConnectionOptions): void {
  const timeout = options.requestTimeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new ConfigurationError(`${what}: requestTimeoutMs must be a positive number of ms, got ${timeout}`);
  }
  if (options.endpoint !== undefined) {
    try {
      new URL(options.endpoint);
    } catch {
      throw new ConfigurationError(
        `${what}: endpoint '${options.endpoint}' is not a URL; write it as http://127.0.0.1:4567`,
      );
    }
  }
}

/** An abort signal that fires after `ms`, or when `signal` does. */
export function callSignal(ms: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** The service's error name (`ProvisionedThroughputExceededException`, ...), if it is one. */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
]);

/** True when the service asked the caller to slow down: back off, then try again. */
export function isThrottling(error: unknown): boolean {
  return THROTTLING.has(errorName(error) ?? '');
}

const PERMANENT = new Set([
  'ResourceNotFoundException',
  'InvalidArgumentException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'ValidationException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSNotFoundException',
  'KMSInvalidStateException',
]);

/** True when trying the same call again cannot help (a missing stream, a bad argument, no access). */
export function isPermanent(error: unknown): boolean {
  return PERMANENT.has(errorName(error) ?? '');
}
