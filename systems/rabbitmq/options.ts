/**
 * The options of the RabbitMQ receiver and output, in Kindling's own types: the public
 * declarations do not need `amqplib` (an optional peer) installed. The shapes are amqplib's.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';

/** amqplib's socket options that Kindling does not set itself (it sets the time limit and credentials). */
export interface RabbitMQSocketSettings extends TlsOptions {
  readonly noDelay?: boolean;
  readonly keepAlive?: boolean;
  readonly keepAliveDelay?: number;
  /** What the broker shows of this connection (`connection_name`, ...). */
  readonly clientProperties?: Record<string, unknown>;
}

/** How to declare a queue (amqplib's `assertQueue` options). */
export interface RabbitMQQueueSettings {
  readonly exclusive?: boolean;
  readonly durable?: boolean;
  readonly autoDelete?: boolean;
  /** Queue arguments (`x-queue-type`, `x-max-length`, ...). */
  readonly arguments?: Record<string, unknown>;
  readonly messageTtl?: number;
  readonly expires?: number;
  readonly deadLetterExchange?: string;
  readonly deadLetterRoutingKey?: string;
  readonly maxLength?: number;
  readonly maxPriority?: number;
  readonly overflow?: string;
  readonly queueMode?: string;
}

/** The AMQP properties of a published message (amqplib's `Options.Publish`). */
export interface RabbitMQPublishProperties {
  readonly expiration?: string | number;
  readonly userId?: string;
  readonly CC?: string | string[];
  readonly mandatory?: boolean;
  readonly persistent?: boolean;
  readonly deliveryMode?: boolean | number;
  readonly BCC?: string | string[];
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly headers?: Record<string, unknown>;
  readonly priority?: number;
  readonly correlationId?: string;
  readonly replyTo?: string;
  readonly messageId?: string;
  readonly timestamp?: number;
  readonly type?: string;
  readonly appId?: string;
}

/** The AMQP properties of a received message (amqplib's `MessageProperties`); absent ones are undefined. */
export interface RabbitMQMessageProperties {
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** Headers by name (`x-death` and the like included). */
  readonly headers: Readonly<Record<string, unknown>> | undefined;
  readonly deliveryMode: number | undefined;
  readonly priority: number | undefined;
  readonly correlationId: string | undefined;
  readonly replyTo: string | undefined;
  readonly expiration: string | undefined;
  readonly messageId: string | undefined;
  readonly timestamp: number | undefined;
  readonly type: string | undefined;
  readonly userId: string | undefined;
  readonly appId: string | undefined;
  readonly clusterId: string | undefined;
}

/**
 * How to reach RabbitMQ: a `url` (`amqp://user:password@host:5672/vhost`, `amqps://` for TLS) or
 * its parts. The password (in `password` or the URL) never appears in Kindling's messages or
 * events.
 */
export interface RabbitMQConnectionOptions {
  /** The broker's URL; its parts below, when also given, win. */
  readonly url?: string;
  /** Default `127.0.0.1`. */
  readonly hostname?: string;
  /** Default 5672 (5671 with `tls`). */
  readonly port?: number;
  /** Default `/`. */
  readonly vhost?: string;
  /** Default `guest` (which RabbitMQ accepts only from the same machine). */
  readonly username?: string;
  readonly password?: string;
  /**
   * TLS settings (`ca`, `cert`, `key`, `servername`, `rejectUnauthorized`, ...), passed to Node's
   * `tls.connect`; giving them connects with `amqps`.
   */
  readonly tls?: TlsOptions;
  /**
   * The SASL mechanism: `PLAIN` (default), `AMQPLAIN`, or `EXTERNAL` (the TLS client certificate
   * says who connects; give `tls.cert` and `tls.key`).
   */
  readonly sasl?: 'PLAIN' | 'AMQPLAIN' | 'EXTERNAL';
  /** Heartbeat interval the client asks for, seconds. Default: the broker's (60). */
  readonly heartbeat?: number;
  /** Time limit of the TCP (and TLS) connect, ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Any other socket option of amqplib (`keepAlive`, `clientProperties`, ...). */
  readonly socketOptions?: RabbitMQSocketSettings;
}
