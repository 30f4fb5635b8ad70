/**
 * The MQTT output: publishes each batch's records at QoS 1; the batch completes once every
 * PUBACK arrived. A lost connection is opened again with back-off and the unacknowledged messages
 * are sent again.
 */
import type { IClientPublishOptions, MqttClient } from 'mqtt';
import {
  ConfigurationError,
  KindlingError,
  SystemClock,
  addOutput,
  retry,
  type BackoffPolicy,
  type Clock,
  type Delivery,
  type DStream,
  type Output,
} from '../../lib/index.js';
import {
  checkConnectionOptions,
  closeClient,
  describeTarget,
  openClient,
} from '../../systems/mqtt/client.js';
import type { MqttConnectionOptions, MqttPublishProperties } from '../../systems/mqtt/options.js';

/** One message to publish. */
export interface MqttMessage {
  /** Default: the output's `topic`. */
  readonly topic?: string;
  /** Bytes as they are, text as UTF-8. */
  readonly payload: Uint8Array | string;
  /** Keep it as the topic's retained message. Default false. */
  readonly retain?: boolean;
  /** MQTT 5 properties (user properties, content type, message expiry). */
  readonly properties?: MqttPublishProperties;
}

/** Options of {@link MqttOutput}. */
export interface MqttOutputOptions<T> extends MqttConnectionOptions {
  /** The topic to publish to, unless `message` names one per record. */
  readonly topic?: string;
  /**
   * What to publish for a record. Default: the record as the payload (a `Uint8Array` as it is, a
   * string as UTF-8, anything else as JSON) to `topic`.
   */
  readonly message?: (record: T) => MqttMessage;
  /** The client id. Default: a new random one per connection (the output keeps no session). */
  readonly clientId?: string;
  /** How reconnects back off within one batch; default 5 attempts from 200 ms. */
  readonly retry?: BackoffPolicy;
  /** The clock of the back-off; default the system clock. */
  readonly clock?: Clock;
}

/**
 * Publishes batches to an MQTT broker at QoS 1: an {@link Output}. Use {@link mqttOutput}, which
 * `ssc.stop()` closes; an `MqttOutput` used as a `foreachBatch` function (`write`) is yours to
 * `close()`.
 *
 * Delivery: at-least-once. A batch completes only once the broker acknowledged (PUBACK) every
 * message; a batch that runs again publishes its messages again, and a reconnect within a batch
 * sends the unacknowledged ones again, so subscribers may see duplicates.
 *
 * @example
 * mqttOutput(alerts, { url: 'mqtt://broker:1883', topic: 'alerts/high' });
 * await ssc.start(); await ssc.awaitTermination(); // ssc.stop() closes the output
 */
export class MqttOutput<T> implements Output<T> {
  readonly name: string;
  readonly delivery: Delivery = {
    guarantee: 'at-least-once',
    when: 'always: a batch completes once every PUBACK arrived, and a batch or publish sent again may arrive twice',
  };
  private readonly what: string;
  private readonly clock: Clock;
  private client: MqttClient | undefined;

  /** @throws ConfigurationError when an option is wrong (before anything connects). */
  constructor(private readonly options: MqttOutputOptions<T>) {
    checkConnectionOptions('mqtt output', options);
    this.what = `mqtt output to ${describeTarget(options)}`;
    this.name = this.what;
    if (options.message !== undefined && typeof options.message !== 'function') {
      throw new ConfigurationError(
        `${this.what}: message must be a function from a record to an MqttMessage`,
      );
    }
    if (options.message === undefined && (typeof options.topic !== 'string' || options.topic === '')) {
      throw new ConfigurationError(
        `${this.what}: give the topic to publish to, or a message function that names one`,
      );
    }
    if (options.topic !== undefined && /[+#]/.test(options.topic)) {
      throw new ConfigurationError(
        `${this.what}: topic '${options.topic}' has a wildcard (+ or #); publish to one topic`,
      );
    }
    this.clock = options.clock ?? new SystemClock();
  }

  /** Publishes `records` and resolves once every PUBACK arrived. A `foreachBatch` function (bound). */
  readonly write = async (records: readonly T[], time?: number): Promise<void> => {
    if (records.length === 0) return;
    let unacked = records.map((record) => this.toMessage(record));
    await retry(
      async () => {
        unacked = await this.publish(unacked);
        if (unacked.length > 0) {
          const batch = time === undefined ? '' : ` of the batch at ${time}`;
          throw new KindlingError(
            `${this.what}: the connection was lost with ${unacked.length} messages${batch} unacknowledged`,
            { retriable: true },
          );
        }
      },
      this.clock,
      {
        initialDelay: 200,
        maxAttempts: 5,
        ...this.options.retry,
        shouldRetry: (e) => e instanceof KindlingError && e.retriable,
      },
    );
  };

  /** Closes the connection (a later `write` opens a new one); does nothing when none is open. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await closeClient(client);
  }

  /** Publishes `messages`; returns those whose PUBACK did not come because the connection was lost. */
  private async publish(
    messages: readonly (MqttMessage & { topic: string })[],
  ): Promise<(MqttMessage & { topic: string })[]> {
    const client = await this.connectedClient();
    const results = await Promise.all(
      messages.map(
        (m) =>
          new Promise<Error | undefined>((resolve) => {
            const payload =
              typeof m.payload === 'string'
                ? m.payload
                : Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength);
            const options: IClientPublishOptions = {
              qos: 1,
              retain: m.retain ?? false,
              ...(m.properties === undefined ? {} : { properties: m.properties }),
            };
            client.publish(m.topic, payload, options, (error) => resolve(error ?? undefined));
          }),
      ),
    );
    // Publishes that failed because the connection went away are sent again; others were refused.
    const lost = (error: Error): boolean =>
      !client.connected || error.message === 'Connection closed' || error.message === 'client disconnecting';
    const refused = results.filter((r) => r !== undefined && !lost(r));
    if (refused.length > 0) {
      throw new KindlingError(
        `${this.what}: the broker refused ${refused.length} of ${messages.length} messages: ${(refused[0] as Error).message}`,
      );
    }
    return messages.filter((_, i) => results[i] !== undefined);
  }

  /** The connected client, connecting first when there is none (or it was lost). */
  private async connectedClient(): Promise<MqttClient> {
    if (this.client) return this.client;
    const client = await openClient('the MQTT output', this.options, {
      clean: true,
      ...(this.options.clientId === undefined ? {} : { clientId: this.options.clientId }),
    });
    // On a lost connection, end the client: that fails its pending publishes ('Connection closed').
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
      client.end(true);
    });
    this.client = client;
    return client;
  }

  private toMessage(record: T): MqttMessage & { topic: string } {
    const topic = this.options.topic ?? '';
    if (this.options.message) {
      const m = this.options.message(record);
      return { ...m, topic: m.topic ?? topic };
    }
    if (record instanceof Uint8Array || typeof record === 'string') return { topic, payload: record };
    return { topic, payload: JSON.stringify(record) };
  }
}

/**
 * Publishes every batch of `stream` to an MQTT broker at QoS 1 (see {@link MqttOutput});
 * `ssc.stop()` closes the connection once the last batch is published.
 *
 * @returns the output (calling its `close()` is not needed; it does nothing once closed).
 * @example
 * const out = mqttOutput(alerts, { url: 'mqtt://127.0.0.1:1883', topic: 'alerts' });
 *
 * Gotcha: at-least-once; a batch that fails is reported by the context like any failed output.
 */
export function mqttOutput<T>(stream: DStream<T>, options: MqttOutputOptions<T>): MqttOutput<T> {
  const output = new MqttOutput<T>(options);
  addOutput(stream, output);
  return output;
}
