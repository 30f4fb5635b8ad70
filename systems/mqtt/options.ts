/**
 * The connection options of the MQTT receiver and output, in Kindling's own types: the public
 * declarations do not need `mqtt` (an optional peer) installed.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';

/**
 * Any option of the `mqtt` client (its `IClientOptions`), passed to it as it is. Typed loosely so
 * that Kindling's declarations need no `mqtt`; the client checks them when it connects.
 */
export type MqttClientSettings = object;

/** MQTT 5 properties of a published message (mqtt's `IPublishPacket['properties']`). */
export interface MqttPublishProperties {
  /** True when the publisher says the payload is UTF-8 text (Payload Format Indicator 1). */
  payloadFormatIndicator?: boolean;
  /** Seconds the broker keeps the message for subscribers before dropping it (Message Expiry Interval). */
  messageExpiryInterval?: number;
  /** A number standing for the topic on this connection, instead of its name (Topic Alias). */
  topicAlias?: number;
  /** The topic a reply should be published to, in request/response (Response Topic). */
  responseTopic?: string;
  /** Bytes the requester set to match a reply to its request (Correlation Data). */
  correlationData?: Buffer;
  /** The publisher's own name/value pairs (User Property); a name sent several times has an array. */
  userProperties?: { [name: string]: string | string[] };
  /** The identifiers of the subscriptions the message matched, for subscriptions made with one. */
  subscriptionIdentifier?: number | number[];
  /** The payload's MIME type, as the publisher gave it (Content Type), e.g. `application/json`. */
  contentType?: string;
}

/**
 * How to reach an MQTT broker: a `url` (`mqtt://host:1883`, `mqtts://` for TLS, `ws://`) or its
 * parts. The password (in `password` or the URL) never appears in Kindling's messages or events.
 */
export interface MqttConnectionOptions {
  /** The broker's URL; `hostname` and `port`, when also given, win. */
  readonly url?: string;
  /** Default `127.0.0.1`. */
  readonly hostname?: string;
  /** Default 1883 (8883 with `tls`). */
  readonly port?: number;
  /** The user name sent in CONNECT; default none (or the URL's). */
  readonly username?: string;
  /** The password sent in CONNECT (or the URL's); never in Kindling's messages or events. */
  readonly password?: string;
  /**
   * TLS settings (`ca`, `cert`, `key`, `servername`, `rejectUnauthorized`, ...); giving them
   * connects with `mqtts`. A client certificate is how most brokers authenticate without a password.
   */
  readonly tls?: TlsOptions;
  /** 4 (MQTT 3.1.1, default), 5 (MQTT 5) or 3 (MQTT 3.1). */
  readonly protocolVersion?: 3 | 4 | 5;
  /** Keep-alive interval, seconds. Default 60. */
  readonly keepalive?: number;
  /** Time limit of the connect (until CONNACK), ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /**
   * Any other option of the `mqtt` client (MQTT 5 `properties`, enhanced authentication with
   * `authPacket`, `will`, `wsOptions`); Kindling's own settings win where both are given.
   */
  readonly clientOptions?: MqttClientSettings;
}
