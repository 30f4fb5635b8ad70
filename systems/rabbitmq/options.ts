/**
 * The options of the RabbitMQ receiver and output, in Kindling's own types: the public
 * declarations do not need `amqplib` (an optional peer) installed. The shapes are amqplib's.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';

/** amqplib's socket options that Kindling does not set itself (it sets the time limit and credentials). */
export interface RabbitMQSocketSettings extends TlsOptions {
  /** Disable Nagle's algorithm (TCP_NODELAY), sending frames at once. Default false. */
  readonly noDelay?: boolean;
  /** Enable TCP keep-alive probes on the connection. Default false. */
  readonly keepAlive?: boolean;
  /** Idle time before the first keep-alive probe, ms (with `keepAlive`). Default 0: the system's. */
  readonly keepAliveDelay?: number;
  /** What the broker shows of this connection (`connection_name`, ...). */
  readonly clientProperties?: Record<string, unknown>;
}

/** How to declare a queue (amqplib's `assertQueue` options). */
export interface RabbitMQQueueSettings {
  /** Only this connection may use the queue, and it is deleted when the connection closes. */
  readonly exclusive?: boolean;
  /** The queue survives a broker restart (amqplib's default true). */
  readonly durable?: boolean;
  /** The queue is deleted once its last consumer unsubscribes. */
  readonly autoDelete?: boolean;
  /** Queue arguments (`x-queue-type`, `x-max-length`, ...). */
  readonly arguments?: Record<string, unknown>;
  /** How long a message may stay in the queue before it expires, ms (`x-message-ttl`). */
  readonly messageTtl?: number;
  /** How long the queue may go unused before the broker deletes it, ms (`x-expires`). */
  readonly expires?: number;
  /** Where rejected or expired messages are republished (`x-dead-letter-exchange`). */
  readonly deadLetterExchange?: string;
  /** The routing key they are republished with (`x-dead-letter-routing-key`); default their own. */
  readonly deadLetterRoutingKey?: string;
  /** Most messages the queue holds (`x-max-length`); `overflow` says what happens past it. */
  readonly maxLength?: number;
  /** Highest message priority the queue honours, 1 to 255 (`x-max-priority`). */
  readonly maxPriority?: number;
  /** What a full queue does: `drop-head`, `reject-publish` or `reject-publish-dlx` (`x-overflow`). */
  readonly overflow?: string;
  /** `lazy` to keep messages on disk (`x-queue-mode`; classic queues before RabbitMQ 3.12). */
  readonly queueMode?: string;
}

/** The AMQP properties of a published message (amqplib's `Options.Publish`). */
export interface RabbitMQPublishProperties {
  /** Per-message TTL, ms (sent as a string): the message expires in a queue after it. */
  readonly expiration?: string | number;
  /** The user publishing; the broker checks it is the connection's user. */
  readonly userId?: string;
  /** More routing keys to route the message with (a `CC` header). */
  readonly CC?: string | string[];
  /** Return the message to the publisher when no queue takes it (`basic.return`). */
  readonly mandatory?: boolean;
  /** Write the message to disk in a durable queue (delivery mode 2). */
  readonly persistent?: boolean;
  /** As `persistent`: 2 (or true) persistent, 1 (or false) transient. */
  readonly deliveryMode?: boolean | number;
  /** As `CC`, but the header is removed before delivery (RabbitMQ's `BCC`). */
  readonly BCC?: string | string[];
  /** The body's MIME type, e.g. `application/json`. */
  readonly contentType?: string;
  /** The body's encoding, e.g. `gzip`. */
  readonly contentEncoding?: string;
  /** Application headers, by name. */
  readonly headers?: Record<string, unknown>;
  /** The message's priority, 0 to 9 usually (a queue honours it up to its `maxPriority`). */
  readonly priority?: number;
  /** Matches a reply to its request (request/reply, RPC). */
  readonly correlationId?: string;
  /** The queue a reply should go to. */
  readonly replyTo?: string;
  /** The application's id of the message. */
  readonly messageId?: string;
  /** When the message was made, seconds since the epoch (AMQP's timestamp property). */
  readonly timestamp?: number;
  /** The application's name for the kind of message. */
  readonly type?: string;
  /** The id of the application that published it. */
  readonly appId?: string;
}

/** The AMQP properties of a received message (amqplib's `MessageProperties`); absent ones are undefined. */
export interface RabbitMQMessageProperties {
  /** The body's MIME type, as the publisher set it. */
  readonly contentType: string | undefined;
  /** The body's encoding, as the publisher set it (e.g. `gzip`). */
  readonly contentEncoding: string | undefined;
  /** Headers by name (`x-death` and the like included). */
  readonly headers: Readonly<Record<string, unknown>> | undefined;
  /** 2 for a persistent message, 1 for a transient one. */
  readonly deliveryMode: number | undefined;
  /** The message's priority, as published. */
  readonly priority: number | undefined;
  /** Matches a reply to its request (request/reply, RPC). */
  readonly correlationId: string | undefined;
  /** The queue a reply should go to. */
  readonly replyTo: string | undefined;
  /** The per-message TTL it was published with, ms, as a string. */
  readonly expiration: string | undefined;
  /** The application's id of the message. */
  readonly messageId: string | undefined;
  /** When the message was made, seconds since the epoch, as the publisher set it. */
  readonly timestamp: number | undefined;
  /** The application's name for the kind of message. */
  readonly type: string | undefined;
  /** The user that published it, when the publisher set it (the broker checked it). */
  readonly userId: string | undefined;
  /** The id of the application that published it. */
  readonly appId: string | undefined;
  /** Deprecated in AMQP 0-9-1; set only by old publishers. */
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
  /** Default `guest` (or the URL's); never in Kindling's messages or events. */
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
