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
      readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
      readonly username: string;
      readonly password: string;
    }
  | {
      readonly mechanism: 'aws';
      readonly authorizationIdentity: string;
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
    }
  | {
      readonly mechanism: 'oauthbearer';
      readonly oauthBearerProvider: () => Promise<{ value: string }>;
    };

/** kafkajs's retry settings of its own calls (`retry` of its client config). */
export interface KafkaRetrySettings {
  readonly maxRetryTime?: number;
  readonly initialRetryTime?: number;
  readonly factor?: number;
  readonly multiplier?: number;
  readonly retries?: number;
  readonly restartOnFailure?: (error: Error) => Promise<boolean>;
}

/** One line kafkajs logs (what its `logCreator` receives). */
export interface KafkaLogEntry {
  readonly namespace: string;
  readonly level: number;
  readonly label: string;
  readonly log: { readonly message: string; readonly timestamp: string; readonly [field: string]: unknown };
}

/** The kafkajs client settings Kindling passes through (kafkajs's `KafkaConfig`, less the connection). */
export interface KafkaClientSettings {
  readonly connectionTimeout?: number;
  readonly authenticationTimeout?: number;
  readonly reauthenticationThreshold?: number;
  readonly requestTimeout?: number;
  readonly enforceRequestTimeout?: boolean;
  readonly retry?: KafkaRetrySettings;
  /** kafkajs's `logLevel`: 0 nothing (Kindling's default), 1 error, 2 warn, 4 info, 5 debug. */
  readonly logLevel?: 0 | 1 | 2 | 4 | 5;
  readonly logCreator?: (logLevel: number) => (entry: KafkaLogEntry) => void;
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
