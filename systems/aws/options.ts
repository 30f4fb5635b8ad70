/**
 * What the S3 and Kinesis connection options say of the AWS SDK, in Kindling's own types: the
 * public declarations do not need the SDK (an optional peer) installed. A client or settings made
 * with the SDK fit these shapes as they are.
 */

/** Access keys, as the SDK's `AwsCredentialIdentity`. */
export interface AwsCredentials {
  /** The access key id (`AKIA...`, or `ASIA...` for temporary credentials). */
  readonly accessKeyId: string;
  /** The secret access key; never in Kindling's messages or events. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials (STS); absent for long-term keys. */
  readonly sessionToken?: string;
  /** When temporary credentials expire (the SDK then asks the provider again). */
  readonly expiration?: Date;
}

/** Credentials, or a provider of them (`fromIni()`, `fromTemporaryCredentials(...)` of the SDK). */
export type AwsCredentialsOption = AwsCredentials | (() => Promise<AwsCredentials>);

/**
 * A client of the AWS SDK v3 (an `S3Client`, a `KinesisClient`) given ready-made: Kindling sends
 * its commands with `send` and leaves it open (it destroys only the clients it made).
 */
export interface AwsSdkClient {
  /** Sends one command (`GetObjectCommand`, `PutRecordsCommand`, ...) and resolves with its output. */
  send(command: never, options?: never): Promise<unknown>;
  /** Closes the client's connections; Kindling calls it only on a client it made itself. */
  destroy(): void;
}

/**
 * Any other setting of the SDK client's config (`S3ClientConfig`, `KinesisClientConfig`), passed
 * to it as it is: `requestHandler`, `maxAttempts`, `retryStrategy`, `logger`, checksums. Typed
 * loosely so that Kindling's declarations need no SDK; the SDK checks them when it makes the client.
 */
export type AwsClientSettings = object;
