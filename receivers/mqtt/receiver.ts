/**
 * The MQTT receiver: subscribes at QoS 1 in a persistent session (clean: false, a stable client
 * id) and sends each message's PUBACK only once `store` resolved (with the write-ahead log on:
 * once it is logged). Messages published while it was away, and those it received but never
 * acknowledged, the broker delivers again when it reconnects.
 */
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import {
  ConfigurationError,
  Receiver,
  type DStream,
  type ReceiverOptions,
  type RejectedRecord,
  type StreamingContext,
} from '../../lib/index.js';
import { decodeContent, decoderProblem, type PayloadDecoder } from '../../systems/rows/payload.js';
import { safeError } from '../../systems/redact.js';
import {
  checkConnectionOptions,
  closeClient,
  describeTarget,
  openClient,
  secretsOf,
} from '../../systems/mqtt/client.js';
import type { MqttConnectionOptions, MqttPublishProperties } from '../../systems/mqtt/options.js';

/** One message received from MQTT. */
export interface MqttRecord<T = Uint8Array> {
  /** The topic the message was published to (not the subscription's filter). */
  readonly topic: string;
  /** The payload, decoded by the receiver's `decoder` (bytes by default). */
  readonly payload: T;
  /** True for a retained message the broker sent on subscribing (the topic's stored last message). */
  readonly retain: boolean;
  /** True when the broker sent it before without getting its PUBACK (a possible duplicate). */
  readonly dup: boolean;
  /** MQTT 5 properties (user properties, content type, ...), when there are any. */
  readonly properties?: MqttPublishProperties;
}

/** Options of {@link MqttReceiver} and {@link mqttStream}. */
export interface MqttReceiverOptions<T> extends MqttConnectionOptions {
  /** The topic filters to subscribe to (`sensors/+/temperature`, `logs/#`). */
  readonly topics: string | readonly string[];
  /**
   * The session's client id. Keep it stable across restarts: the broker keeps the session's
   * messages under it while the receiver is away. Default `kindling-<name>`.
   */
  readonly clientId?: string;
  /**
   * MQTT 5 only: how long the broker keeps the session after a disconnect, seconds. Default one
   * week (MQTT 5's own default, 0, would drop the session, and its messages, at once).
   */
  readonly sessionExpirySeconds?: number;
  /** How the payload becomes `payload`; default `'bytes'`. See {@link PayloadDecoder}. */
  readonly decoder?: PayloadDecoder<T>;
  /** The receiver's name in events and errors. Default `mqtt:<topics>`. */
  readonly name?: string;
}

/** One connection, from connect to close. */
interface Session {
  closed: boolean;
  client?: MqttClient;
}

/**
 * Subscribes to MQTT topics at QoS 1; see {@link mqttStream}, which makes one and its DStream.
 *
 * Delivery: at-least-once with the context's `writeAheadLog` on (a message is acknowledged only
 * once in the log, so the broker sends it again, `dup: true`, to the restarted job's session).
 * Without it, a message is acknowledged once buffered in memory, and a crash loses what was
 * acknowledged but not in a completed batch. Messages arrive one at a time (the client reads the
 * next only after the previous one's PUBACK), so the broker's in-flight window and queue hold the
 * rest: that is the backpressure. Gotcha: a broker drops queued messages of an offline session past
 * its limits (Mosquitto's `max_queued_messages`, 1000 by default).
 */
export class MqttReceiver<T = Uint8Array> extends Receiver<MqttRecord<T>> {
  /** Payloads that cannot be decoded are stored as RejectedRecords and become dead letters. */
  readonly storesRejectedRecords = true as const;
  private readonly topics: readonly string[];
  private readonly clientId: string;
  private readonly decoder: PayloadDecoder<T>;
  private readonly target: string;
  private readonly secrets: readonly string[];
  private session: Session | undefined;

  /** @throws ConfigurationError when an option is wrong (before anything connects). */
  constructor(private readonly options: MqttReceiverOptions<T>) {
    const topics = typeof options.topics === 'string' ? [options.topics] : [...(options.topics ?? [])];
    const what = `mqtt receiver of ${topics.length > 0 ? topics.join(', ') : 'no topic'}`;
    if (topics.length === 0 || topics.some((topic) => typeof topic !== 'string' || topic === '')) {
      throw new ConfigurationError(`${what}: topics must be one or more topic filters, e.g. 'sensors/#'`);
    }
    checkConnectionOptions(what, options);
    const problem = decoderProblem(options.decoder);
    if (problem) throw new ConfigurationError(`${what}: ${problem}`);
    const expiry = options.sessionExpirySeconds;
    if (expiry !== undefined && !(Number.isInteger(expiry) && expiry >= 0 && expiry <= 0xffffffff)) {
      throw new ConfigurationError(
        `${what}: sessionExpirySeconds must be a whole number of seconds >= 0, got ${expiry}`,
      );
    }
    const name = options.name ?? `mqtt:${topics.join(',')}`;
    super(name);
    this.topics = topics;
    this.clientId = options.clientId ?? `kindling-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
    if (this.clientId === '' || Buffer.byteLength(this.clientId) > 65535) {
      throw new ConfigurationError(`${what}: clientId must be 1 to 65535 bytes of UTF-8`);
    }
    this.decoder = options.decoder ?? 'bytes';
    this.target = describeTarget(options);
    this.secrets = secretsOf(options);
  }

  onStart(): void {
    const session: Session = { closed: false };
    this.session = session;
    this.consume(session).catch((error: unknown) =>
      this.fail(session, `could not subscribe to ${this.topics.join(', ')} at ${this.target}`, error),
    );
  }

  /** Closes the connection; messages not yet acknowledged stay with the broker's session. */
  async onStop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.closed = true;
    if (session.client) await closeClient(session.client);
  }

  private async consume(session: Session): Promise<void> {
    const v5 = (this.options.protocolVersion ?? 4) === 5;
    const settings: IClientOptions = {
      clientId: this.clientId,
      clean: false,
      resubscribe: false,
      ...(v5
        ? {
            properties: {
              // clientOptions are mqtt's IClientOptions (MqttClientSettings is their loose type).
              ...(this.options.clientOptions as IClientOptions | undefined)?.properties,
              sessionExpiryInterval: this.options.sessionExpirySeconds ?? 7 * 24 * 3600,
            },
          }
        : {}),
    };
    // The client calls handleMessage for each message and sends its PUBACK when the callback is
    // called (for every protocol version; `customHandleAcks` works with MQTT 5 only).
    const client = await openClient('the MQTT receiver', this.options, settings, (c) => {
      c.handleMessage = (packet, callback) => this.receive(session, packet, callback);
    });
    if (session.closed) {
      await closeClient(client);
      return;
    }
    session.client = client;
    client.on('error', (error) =>
      this.reportError(`MQTT client error at ${this.target}`, safeError(error, this.secrets)),
    );
    client.on('close', () => this.fail(session, `the connection to ${this.target} was lost`, undefined));
    const granted = await client.subscribeAsync([...this.topics], { qos: 1 });
    const refused = granted.filter((g) => g.qos !== 0 && g.qos !== 1 && g.qos !== 2);
    if (refused.length > 0) {
      throw new ConfigurationError(
        `the broker at ${this.target} refused the subscription to ${refused.map((g) => g.topic).join(', ')} (is the user allowed to read it?)`,
      );
    }
    const downgraded = granted.filter((g) => g.qos === 0);
    if (downgraded.length > 0) {
      this.reportError(
        `the broker granted QoS 0 only for ${downgraded.map((g) => g.topic).join(', ')}: messages there may be lost`,
      );
    }
  }

  /**
   * Stores one message; acknowledges it (PUBACK) once stored. A message not stored is never
   * acknowledged. The client reads the next message only once `ack` was called.
   */
  private receive(session: Session, packet: IPublishPacket, ack: (error?: Error) => void): void {
    if (session.closed) return;
    const topic = packet.topic;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const where = `topic '${topic}' at ${this.target}`;
    const decoded = decodeContent(payload, this.decoder, where);
    const record: MqttRecord<T> | RejectedRecord =
      'content' in decoded
        ? {
            topic,
            payload: decoded.content,
            retain: packet.retain,
            dup: packet.dup,
            ...(packet.properties === undefined ? {} : { properties: packet.properties }),
          }
        : decoded;
    this.store([record as MqttRecord<T>]).then(
      () => {
        if (!session.closed) ack();
      },
      (error: unknown) => this.fail(session, `could not store a message from ${where}`, error),
    );
  }

  /** Ends `session` (once) and asks for a restart, with a message and cause free of secrets. */
  private fail(session: Session, reason: string, error: unknown): void {
    if (session.closed) return;
    session.closed = true;
    if (session.client) void closeClient(session.client);
    if (this.session !== session) return;
    const cause = error === undefined ? undefined : safeError(error, this.secrets);
    // The supervisor's event message ends with the cause's message.
    this.restart(reason, cause);
  }
}

/**
 * A DStream of the messages of MQTT topics, read by an {@link MqttReceiver} under the context's
 * supervisor (restarts with back-off, errors on `ssc.events`).
 *
 * @param ssc the context.
 * @param options the topic filters, the client id of the session, how to connect, the decoder;
 *   `maxRate` caps records per second.
 * @example
 * const ssc = new StreamingContext({ batchInterval: seconds(1), checkpointDir: '/var/ckpt', writeAheadLog: true });
 * const readings = mqttStream<Reading>(ssc, {
 *   url: 'mqtt://broker:1883', topics: 'sensors/+/temperature', clientId: 'temperature-job', decoder: 'json',
 * });
 * readings.map((m) => m.payload.celsius).reduce(Math.max).print();
 *
 * Gotchas: at-least-once (see {@link MqttReceiver}): turn on `writeAheadLog`, and expect
 * duplicates after a crash (`dup: true`). Two jobs must not share a `clientId`: the broker
 * disconnects the older one. Undecodable payloads go to `deadLetters()`.
 */
export function mqttStream<T = Uint8Array>(
  ssc: StreamingContext,
  options: MqttReceiverOptions<T> & ReceiverOptions,
): DStream<MqttRecord<T>> {
  const { maxRate, ...rest } = options;
  const receiver = new MqttReceiver<T>(rest);
  return ssc.receiverStream(receiver, maxRate === undefined ? {} : { maxRate }, 'mqttStream');
}
