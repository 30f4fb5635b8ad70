/**
 * What the Kinesis receiver and the Kinesis output share: how a client is made from options, how
 * each call gets a time limit, and which errors of the service are worth trying again.
 */
import type * as KinesisSdk from '@aws-sdk/client-kinesis';
import { ConfigurationError } from '../../lib/index.js';
import { httpHandlerLibrary, nodeHttpHandler } from '../aws/http-handler.js';
import { loadOptional } from '../optional.js';
import type { KinesisConnectionOptions } from './options.js';

export type { KinesisConnectionOptions } from './options.js';

/** `@aws-sdk/client-kinesis`, loaded on the first call; `forWhat` names who needs it in the error. */
export function kinesisSdk(forWhat: string): typeof KinesisSdk {
  return loadOptional<typeof KinesisSdk>('@aws-sdk/client-kinesis', forWhat);
}

/**
 * The client the options describe, and whether it is ours to destroy; the first call loads the
 * SDK for `forWhat` (a ConfigurationError with the install command when it is missing).
 */
export function createKinesisClient(
  options: KinesisConnectionOptions,
  forWhat: string,
): {
  readonly client: KinesisSdk.KinesisClient;
  readonly owned: boolean;
} {
  // A given client is an SDK KinesisClient (AwsSdkClient is its shape, without the SDK's types).
  if (options.client) return { client: options.client as KinesisSdk.KinesisClient, owned: false };
  const { KinesisClient } = kinesisSdk(forWhat);
  const config: KinesisSdk.KinesisClientConfig = {
    requestHandler: nodeHttpHandler(forWhat),
    ...(options.clientConfig as KinesisSdk.KinesisClientConfig | undefined),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
  return { client: new KinesisClient(config), owned: true };
}

/**
 * Checks the connection options of `what` (a receiver's or output's name), and loads the SDK;
 * throws ConfigurationError.
 */
export function checkConnectionOptions(what: string, options: KinesisConnectionOptions): void {
  // The connector's first use: its client library is loaded now, so that a missing one fails
  // where the connector is made, with the install command.
  kinesisSdk(what);
  httpHandlerLibrary(what);
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
