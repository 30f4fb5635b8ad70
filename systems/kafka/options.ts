/**
 * The connection options of the Kafka connectors, in Kindling's own types: the public declarations
 * of `kindling/receivers` and `kindling/outputs` do not need kafkajs (an optional peer) installed.
 * The shapes are those kafkajs 2 takes, and go to it as they are.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

/**
 * SASL settings, as kafkajs takes them: `plain` and `scram-sha-256`/`-512` with a user name and
 * password, `aws` (IAM) with keys, `oauthbearer` with a token provider.
 */
export type KafkaSaslOptions =
  | {
      /** SASL/PLAIN, or SCRAM with SHA-256 or SHA-512: a user name and password. */
      readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
      /** The SASL user name. */
      readonly username: string;
      /** The SASL password; never in Kindling's messages or events. */
      readonly password: string;
    }
  | {
      /** AWS IAM (MSK): the request is signed with AWS keys. */
      readonly mechanism: 'aws';
      /** The IAM identity to authorize as: the user's or role's unique id (`aws:userid`). */
      readonly authorizationIdentity: string;
      /** The AWS access key id. */
      readonly accessKeyId: string;
      /** The AWS secret access key; never in Kindling's messages or events. */
      readonly secretAccessKey: string;
      /** The session token of temporary credentials (STS). */
      readonly sessionToken?: string;
    }
  | {
      /** OAUTHBEARER: a token from a provider. */
      readonly mechanism: 'oauthbearer';
      /** Resolves with a valid token; kafkajs calls it at each (re)authentication. */
      readonly oauthBearerProvider: () => Promise<{
        /** The bearer token (e.g. a JWT), as the broker checks it. */
        value: string;
      }>;
    };

/** kafkajs's retry settings of its own calls (`retry` of its client config). */
export interface KafkaRetrySettings {
  /** The longest wait between retries, ms (kafkajs's default 30 000). */
  readonly maxRetryTime?: number;
  /** The first wait before a retry, ms, randomized by `factor` (kafkajs's default 300). */
  readonly initialRetryTime?: number;
  /** How much each wait is randomized, a fraction (kafkajs's default 0.2). */
  readonly factor?: number;
  /** What each wait is multiplied by for the next retry (kafkajs's default 2). */
  readonly multiplier?: number;
  /** Retries of a call before it fails (kafkajs's default 5). */
  readonly retries?: number;
  /** For a consumer that crashed on a retriable error after its retries: resolve true to restart it. */
  readonly restartOnFailure?: (error: Error) => Promise<boolean>;
}

/** One line kafkajs logs (what its `logCreator` receives). */
export interface KafkaLogEntry {
  /** The part of kafkajs that logged it (`Connection`, `Consumer`, `BrokerPool`, ...). */
  readonly namespace: string;
  /** Its level, numbered as `logLevel` (1 error to 5 debug). */
  readonly level: number;
  /** The level's name: `ERROR`, `WARN`, `INFO` or `DEBUG`. */
  readonly label: string;
  /** The line: its message and time, and fields of context (`broker`, `clientId`, `error`, ...). */
  readonly log: {
    /** What happened. */
    readonly message: string;
    /** When, ISO 8601. */
    readonly timestamp: string;
    readonly [field: string]: unknown;
  };
}

/** The kafkajs client settings Kindling passes through (kafkajs's `KafkaConfig`, less the connection). */
export interface KafkaClientSettings {
  /** Time limit of a connection to a broker, ms (kafkajs's default 1000). */
  readonly connectionTimeout?: number;
  /** Time limit of SASL authentication, ms (kafkajs's default 10 000). */
  readonly authenticationTimeout?: number;
  /** Re-authenticate when this many ms remain of a session (`connections.max.reauth.ms`); default 10 000. */
  readonly reauthenticationThreshold?: number;
  /** Time limit of a request to a broker, ms (kafkajs's default 30 000). */
  readonly requestTimeout?: number;
  /** Whether `requestTimeout` is enforced (kafkajs's default true). */
  readonly enforceRequestTimeout?: boolean;
  /** How kafkajs retries its own requests. */
  readonly retry?: KafkaRetrySettings;
  /** kafkajs's `logLevel`: 0 nothing (Kindling's default), 1 error, 2 warn, 4 info, 5 debug. */
  readonly logLevel?: 0 | 1 | 2 | 4 | 5;
  /** Makes kafkajs's logger: given the log level, returns the function each log line goes to. */
  readonly logCreator?: (logLevel: number) => (entry: KafkaLogEntry) => void;
  /** Makes the socket of each broker connection (a proxy, a custom TLS setup); default `net`/`tls`. */
  readonly socketFactory?: (args: {
    host: string;
    port: number;
    ssl: ConnectionOptions;
    onConnect: () => void;
  }) => Socket;
}

/** How to reach a Kafka cluster. TLS and SASL options go to kafkajs as they are. */
export interface KafkaConnectionOptions {
  /** Bootstrap brokers, `host:port`; write `127.0.0.1`, not `localhost` (Node may try ::1). */
  readonly brokers: readonly string[];
  /** The client id brokers see in their logs and quotas. Default `kindling`. */
  readonly clientId?: string;
  /** TLS: `true`, or Node's `tls.connect` options (ca, cert, key, servername, ...). */
  readonly ssl?: ConnectionOptions | boolean;
  /** SASL: `{ mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }`, or aws/oauthbearer. */
  readonly sasl?: KafkaSaslOptions;
  /**
   * Any other kafkajs client setting (`connectionTimeout`, `requestTimeout`, `retry`, `logLevel`,
   * `logCreator`, `socketFactory`). kafkajs logs nothing by default here: Kindling reports the
   * errors that matter on `ssc.events`; pass `logLevel` to see kafkajs's own lines.
   */
  readonly clientConfig?: KafkaClientSettings;
}
