/**
 * The connection options of the Kinesis receiver and output, in Kindling's own types: the public
 * declarations do not need `@aws-sdk/client-kinesis` (an optional peer) installed.
 */
import type { AwsClientSettings, AwsCredentialsOption, AwsSdkClient } from '../aws/options.js';

/**
 * How to reach Kinesis. Give a ready `client`, or the settings to make one. Credentials are
 * never logged by Kindling; leave them out to use the AWS SDK's default provider chain
 * (environment, profile, instance role).
 */
export interface KinesisConnectionOptions {
  /** A client to use as it is (its settings win over every other field here). */
  readonly client?: AwsSdkClient;
  /** The AWS region, e.g. `eu-west-1`. Default: the SDK's (`AWS_REGION`, profile). */
  readonly region?: string;
  /** Another endpoint, e.g. `http://127.0.0.1:4567` for kinesalite or a VPC endpoint. */
  readonly endpoint?: string;
  /** Access key and secret (and session token); default: the SDK's provider chain. */
  readonly credentials?: AwsCredentialsOption;
  /**
   * Any other client setting (TLS: `requestHandler: new NodeHttpHandler({ httpsAgent })`; retries,
   * logger). Without a `requestHandler`, an HTTP/1.1 `NodeHttpHandler` is used: kinesalite and
   * some proxies do not speak HTTP/2.
   */
  readonly clientConfig?: AwsClientSettings;
  /** Time limit of one call, ms (calls that hang, as an AT_TIMESTAMP iterator may). Default 10 000. */
  readonly requestTimeoutMs?: number;
}
