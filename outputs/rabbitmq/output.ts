/**
 * The RabbitMQ output: publishes each batch's records on a confirm channel; the batch completes
 * once the broker confirmed every message, and fails when it refused (nacked) or could not route
 * one. A lost connection is opened again with back-off and the unconfirmed messages are sent again.
 */
import type { ConfirmChannel } from 'amqplib';
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
  describeTarget,
  openConnection,
  secretsOf,
  type RabbitMQConnection,
} from '../../systems/rabbitmq/client.js';
import type { RabbitMQConnectionOptions, RabbitMQPublishProperties } from '../../systems/rabbitmq/options.js';
import { redact, safeError } from '../../systems/redact.js';

type Outcome = 'ok' | 'nack' | 'lost';

/** The bytes as a Buffer, without copying them. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Resolves when the channel can take more writes, or has closed. */
function drained(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      channel.off('drain', done);
      channel.off('close', done);
      resolve();
    };
    channel.once('drain', done);
    channel.once('close', done);
  });
}

/** One message to publish. */
export interface RabbitMQMessage {
  /** The body: bytes as they are, text as UTF-8. */
  readonly content: Uint8Array | string;
  /** Default: the output's `exchange`. */
  readonly exchange?: string;
  /** Default: the output's `routingKey`. */
  readonly routingKey?: string;
  /** AMQP properties (`headers`, `messageId`, `contentType`, ...); merged over the output's. */
  readonly properties?: RabbitMQPublishProperties;
}

/** Options of {@link RabbitMQOutput}. */
export interface RabbitMQOutputOptions<T> extends RabbitMQConnectionOptions {
  /** The exchange to publish to. Default `''`, the default exchange (the routing key names a queue). */
  readonly exchange?: string;
  /** The routing key (with the default exchange: the queue's name). Default `''`. */
  readonly routingKey?: string;
  /**
   * What to publish for a record. Default: the record as the body (a `Uint8Array` as it is, a
   * string as UTF-8, anything else as JSON with `contentType: 'application/json'`).
   */
  readonly message?: (record: T) => RabbitMQMessage;
  /** Properties of every message. Default `{ persistent: true }` (survives a broker restart in a durable queue). */
  readonly properties?: RabbitMQPublishProperties;
  /** Fail the batch when a message reaches no queue (publishes with `mandatory`). Default true. */
  readonly mandatory?: boolean;
  /** How reconnects back off within one batch; default 5 attempts from 200 ms. */
  readonly retry?: BackoffPolicy;
  /** The clock of the back-off; default the system clock. */
  readonly clock?: Clock;
}

/**
 * Publishes batches to RabbitMQ with publisher confirms: an {@link Output}. Use
 * {@link rabbitmqOutput}, which `ssc.stop()` closes; a `RabbitMQOutput` used as a `foreachBatch`
 * function (`write`) is yours to `close()`.
 *
 * Delivery: at-least-once. A batch completes only when every message is confirmed; a batch that
 * runs again (after a failure or a crash) publishes its messages again, and a reconnect within a
 * batch sends the unconfirmed ones again, so consumers may see duplicates (give `messageId`s to
 * recognise them).
 *
 * @example
 * rabbitmqOutput(alerts, { url: 'amqp://app:secret@mq:5672', exchange: 'alerts', routingKey: 'high' });
 * await ssc.start(); await ssc.awaitTermination(); // ssc.stop() closes the output
 */
export class RabbitMQOutput<T> implements Output<T> {
  readonly name: string;
  readonly delivery: Delivery = {
    guarantee: 'at-least-once',
    when: 'always: a batch completes once every message is confirmed, and a batch or publish sent again may arrive twice',
  };
  private readonly what: string;
  private readonly secrets: readonly string[];
  private readonly clock: Clock;
  private connection:
    { readonly connection: RabbitMQConnection; readonly channel: ConfirmChannel } | undefined;

  /** @throws ConfigurationError when an option is wrong (before anything connects). */
  constructor(private readonly options: RabbitMQOutputOptions<T> = {}) {
    checkConnectionOptions('rabbitmq output', options);
    this.what = `rabbitmq output to ${describeTarget(options)}`;
    this.name = this.what;
    if (options.message !== undefined && typeof options.message !== 'function') {
      throw new ConfigurationError(
        `${this.what}: message must be a function from a record to a RabbitMQMessage`,
      );
    }
    this.secrets = secretsOf(options);
    this.clock = options.clock ?? new SystemClock();
  }

  /** Publishes `records` and resolves once all are confirmed. A `foreachBatch` function (bound). */
  readonly write = async (records: readonly T[], time?: number): Promise<void> => {
    if (records.length === 0) return;
    const messages = records.map((record) => this.toMessage(record));
    let unconfirmed = messages;
    const batch = time === undefined ? '' : ` of the batch at ${time}`;
    await retry(
      async () => {
        unconfirmed = await this.publish(unconfirmed, batch);
        if (unconfirmed.length > 0) {
          throw new KindlingError(
            `${this.what}: the connection was lost with ${unconfirmed.length} messages unconfirmed`,
            {
              retriable: true,
            },
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
    const open = this.connection;
    this.connection = undefined;
    await open?.connection.model.close();
  }

  /**
   * Publishes `messages`; returns those whose confirm did not come because the channel closed.
   * Throws a non-retriable error when the broker nacked or returned any.
   */
  private async publish(
    messages: readonly Required<RabbitMQMessage>[],
    batch: string,
  ): Promise<Required<RabbitMQMessage>[]> {
    const { channel } = await this.openChannel();
    const mandatory = this.options.mandatory ?? true;
    const returned: string[] = [];
    const onReturn = (message: { fields: { exchange: string; routingKey: string } }): void => {
      returned.push(`exchange '${message.fields.exchange}', routing key '${message.fields.routingKey}'`);
    };
    channel.on('return', onReturn);
    const outcomes: Promise<Outcome>[] = [];
    let channelClosed = false;
    const markClosed = (): void => {
      channelClosed = true;
    };
    channel.once('close', markClosed);
    // A channel the broker closes with an error (no such exchange, access refused) says why here.
    let channelError: Error | undefined;
    const keepError = (error: Error): void => {
      channelError = error;
    };
    channel.on('error', keepError);
    try {
      for (const m of messages) {
        if (channelClosed) {
          outcomes.push(Promise.resolve('lost'));
          continue;
        }
        let settle!: (outcome: Outcome) => void;
        outcomes.push(new Promise<Outcome>((resolve) => (settle = resolve)));
        const body = typeof m.content === 'string' ? Buffer.from(m.content) : toBuffer(m.content);
        let written: boolean;
        try {
          written = channel.publish(
            m.exchange,
            m.routingKey,
            body,
            { mandatory, ...m.properties },
            (error: unknown) =>
              settle(!error ? 'ok' : (error as Error).message === 'message nacked' ? 'nack' : 'lost'),
          );
        } catch {
          settle('lost');
          continue;
        }
        // The socket's buffer is full: wait for it to drain (or the channel to close) before writing more.
        if (!written) await drained(channel);
      }
      const results = await Promise.all(outcomes);
      const nacked = results.filter((r) => r === 'nack').length;
      if (nacked > 0) {
        throw new KindlingError(
          `${this.what}: the broker refused (nacked) ${nacked} of ${messages.length} messages${batch}; ` +
            'a queue limit (x-overflow reject-publish) or a broker error; see its log',
        );
      }
      if (returned.length > 0) {
        throw new KindlingError(
          `${this.what}: ${returned.length} of ${messages.length} messages${batch} reached no queue (first: ${returned[0]}); ` +
            'bind a queue to the exchange, or pass mandatory: false to let them be dropped',
        );
      }
      const lost = messages.filter((_, i) => results[i] === 'lost');
      if (lost.length > 0 && channelError) {
        throw new KindlingError(
          `${this.what}: the broker closed the channel with ${lost.length} of ${messages.length} messages${batch} ` +
            `unconfirmed: ${redact(channelError, this.secrets)}`,
          { cause: safeError(channelError, this.secrets) },
        );
      }
      return lost;
    } finally {
      channel.off('return', onReturn);
      channel.off('close', markClosed);
      channel.off('error', keepError);
    }
  }

  /** The open confirm channel, connecting first when there is none (or it closed). */
  private async openChannel(): Promise<{
    readonly connection: RabbitMQConnection;
    readonly channel: ConfirmChannel;
  }> {
    if (this.connection) return this.connection;
    const connection = await openConnection(this.options, 'the RabbitMQ output');
    try {
      const channel = await connection.model.createConfirmChannel();
      const open = { connection, channel };
      const forget = (): void => {
        if (this.connection === open) this.connection = undefined;
      };
      connection.model.on('error', () => undefined);
      connection.model.on('close', forget);
      channel.on('error', () => undefined);
      // A channel the broker closed is not used again; nor is its connection, which is closed.
      channel.on('close', () => {
        forget();
        connection.model.close().catch(() => undefined);
      });
      this.connection = open;
      return open;
    } catch (error) {
      await connection.model.close().catch(() => undefined);
      throw new KindlingError(
        `${this.what}: could not open a confirm channel: ${redact(error, this.secrets)}`,
        {
          cause: safeError(error, this.secrets),
          retriable: true,
        },
      );
    }
  }

  private toMessage(record: T): Required<RabbitMQMessage> {
    const base = this.options.properties ?? { persistent: true };
    const exchange = this.options.exchange ?? '';
    const routingKey = this.options.routingKey ?? '';
    if (this.options.message) {
      const m = this.options.message(record);
      return {
        content: m.content,
        exchange: m.exchange ?? exchange,
        routingKey: m.routingKey ?? routingKey,
        properties: { ...base, ...m.properties },
      };
    }
    if (record instanceof Uint8Array || typeof record === 'string') {
      return { content: record, exchange, routingKey, properties: base };
    }
    return {
      content: JSON.stringify(record),
      exchange,
      routingKey,
      properties: { contentType: 'application/json', ...base },
    };
  }
}

/**
 * Publishes every batch of `stream` to RabbitMQ with publisher confirms (see
 * {@link RabbitMQOutput}); `ssc.stop()` closes the connection once the last batch is confirmed.
 *
 * @returns the output (calling its `close()` is not needed; it does nothing once closed).
 * @example
 * const out = rabbitmqOutput(events, { url: 'amqp://127.0.0.1:5672', routingKey: 'events' });
 *
 * Gotcha: at-least-once; a batch that fails is reported by the context like any failed output.
 */
export function rabbitmqOutput<T>(stream: DStream<T>, options: RabbitMQOutputOptions<T>): RabbitMQOutput<T> {
  const output = new RabbitMQOutput<T>(options);
  addOutput(stream, output);
  return output;
}
