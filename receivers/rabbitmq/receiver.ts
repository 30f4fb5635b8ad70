/**
 * The RabbitMQ receiver: consumes one queue with manual acknowledgements, stores what arrives and
 * acks it only once `store` resolved (with the write-ahead log on: once it is logged). The
 * consumer prefetch bounds what is unacknowledged, so a receiver that cannot store fast enough
 * makes the broker hold the rest (backpressure).
 */
import type { Channel, ConsumeMessage } from 'amqplib';
import {
  ConfigurationError,
  KindlingError,
  Receiver,
  type DStream,
  type ReceiverOptions,
  type RejectedRecord,
  type StreamingContext,
} from '../../lib/index.js';
import {
  checkConnectionOptions,
  describeTarget,
  openConnection,
  secretsOf,
  type RabbitMQConnection,
} from '../../systems/rabbitmq/client.js';
import type {
  RabbitMQConnectionOptions,
  RabbitMQMessageProperties,
  RabbitMQQueueSettings,
} from '../../systems/rabbitmq/options.js';
import { safeError } from '../../systems/redact.js';
import { decodeContent, decoderProblem, type PayloadDecoder } from '../../systems/rows/payload.js';

/** One message received from RabbitMQ. */
export interface RabbitMQRecord<T = Uint8Array> {
  /** The body, decoded by the receiver's `decoder` (bytes by default). */
  readonly content: T;
  /** The routing key the message was published with. */
  readonly routingKey: string;
  /** The exchange it was published to; empty for the default exchange. */
  readonly exchange: string;
  /** The AMQP properties: `headers`, `contentType`, `messageId`, `timestamp`, ... */
  readonly properties: RabbitMQMessageProperties;
  /** True when the broker delivered it before, to a consumer that did not ack it (a possible duplicate). */
  readonly redelivered: boolean;
}

/** Options of {@link RabbitMQReceiver} and {@link rabbitmqStream}. */
export interface RabbitMQReceiverOptions<T> extends RabbitMQConnectionOptions {
  /** The queue to consume. */
  readonly queue: string;
  /**
   * Declare the queue before consuming (`true`, or amqplib's `assertQueue` options such as
   * `{ durable: true }`). Default: the queue must exist; a missing one is reported and retried.
   */
  readonly declareQueue?: boolean | RabbitMQQueueSettings;
  /** Most messages delivered and not yet acknowledged (the consumer prefetch). Default 1000. */
  readonly prefetch?: number;
  /** How the body becomes `content`; default `'bytes'`. See {@link PayloadDecoder}. */
  readonly decoder?: PayloadDecoder<T>;
  /** The receiver's name in events and errors. Default `rabbitmq:<queue>`. */
  readonly name?: string;
}

/** One connection's consumer, from connect to close. */
interface Session {
  closed: boolean;
  connection?: RabbitMQConnection;
  channel?: Channel;
  /** Delivered, not yet stored. */
  readonly pending: ConsumeMessage[];
  /** The store-then-ack loop, while it runs. */
  flushing?: Promise<void> | undefined;
}

/**
 * Consumes a RabbitMQ queue; see {@link rabbitmqStream}, which makes one and its DStream.
 *
 * Delivery: at-least-once with the context's `writeAheadLog` on: a message is acked only after
 * it is in the log, so a crash before that makes the broker deliver it again (to this job after
 * its restart, with `redelivered: true`). Duplicates are possible: redelivered messages are passed
 * on. Without the log, a message is acked once buffered in memory, and a crash loses what was
 * acked but not yet in a completed batch.
 */
export class RabbitMQReceiver<T = Uint8Array> extends Receiver<RabbitMQRecord<T>> {
  /** Bodies that cannot be decoded are stored as RejectedRecords and become dead letters. */
  readonly storesRejectedRecords = true as const;
  private readonly prefetch: number;
  private readonly decoder: PayloadDecoder<T>;
  private readonly where: string;
  private readonly secrets: readonly string[];
  private session: Session | undefined;

  /** @throws ConfigurationError when an option is wrong (before anything connects). */
  constructor(private readonly options: RabbitMQReceiverOptions<T>) {
    const what = `rabbitmq receiver${typeof options.queue === 'string' ? ` of queue '${options.queue}'` : ''}`;
    if (typeof options.queue !== 'string' || options.queue === '') {
      throw new ConfigurationError(`${what}: queue must be the name of the queue to consume`);
    }
    checkConnectionOptions(what, options);
    const prefetch = options.prefetch ?? 1000;
    if (!(Number.isInteger(prefetch) && prefetch >= 1 && prefetch <= 65535)) {
      throw new ConfigurationError(
        `${what}: prefetch must be a whole number from 1 to 65535 (unacked messages at once), got ${prefetch}`,
      );
    }
    const problem = decoderProblem(options.decoder);
    if (problem) throw new ConfigurationError(`${what}: ${problem}`);
    super(options.name ?? `rabbitmq:${options.queue}`);
    this.prefetch = prefetch;
    this.decoder = options.decoder ?? 'bytes';
    this.where = `queue '${options.queue}' at ${describeTarget(options)}`;
    this.secrets = secretsOf(options);
  }

  onStart(): void {
    const session: Session = { closed: false, pending: [] };
    this.session = session;
    this.consume(session).catch((error: unknown) =>
      this.fail(session, `could not consume ${this.where}`, error),
    );
  }

  /**
   * Stops consuming: waits for the store under way to be acked, then closes the connection;
   * what was delivered and not acked goes back to the queue.
   */
  async onStop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.closed = true;
    await session.flushing;
    await session.connection?.model.close().catch(() => undefined);
  }

  private async consume(session: Session): Promise<void> {
    const connection = await openConnection(this.options, 'the RabbitMQ receiver');
    if (session.closed) {
      await connection.model.close().catch(() => undefined);
      return;
    }
    session.connection = connection;
    const { model } = connection;
    // 'error' comes before 'close' when the broker or the network ends the connection.
    model.on('error', () => undefined);
    model.on('close', (error?: Error) =>
      this.fail(session, `the connection to ${connection.target} was lost`, error ?? 'closed by the broker'),
    );
    model.on('blocked', (reason: string) =>
      this.reportError(`RabbitMQ at ${connection.target} blocked the connection: ${reason}`),
    );
    const channel = await model.createChannel();
    session.channel = channel;
    // The broker closes a channel with an error (a deleted queue, a refused operation): keep it
    // for the 'close' that follows.
    let channelError: Error | undefined;
    channel.on('error', (error: Error) => (channelError = error));
    await channel.prefetch(this.prefetch);
    const declare = this.options.declareQueue;
    if (declare) {
      await channel.assertQueue(this.options.queue, declare === true ? {} : declare);
    } else {
      await channel.checkQueue(this.options.queue).catch((error: unknown) => {
        throw new KindlingError(
          `${(error as Error).message}; declare the queue first, or pass declareQueue`,
          { cause: error, retriable: true },
        );
      });
    }
    await channel.consume(this.options.queue, (message) => this.deliver(session, message), { noAck: false });
    // Only now: a failure while setting up rejects the step that failed, with its own message.
    channel.on('close', () =>
      this.fail(
        session,
        `the channel consuming ${this.where} was closed`,
        channelError ?? 'closed by the broker',
      ),
    );
  }

  private deliver(session: Session, message: ConsumeMessage | null): void {
    if (message === null) {
      this.fail(
        session,
        `the broker cancelled the consumer of ${this.where} (was the queue deleted?)`,
        undefined,
      );
      return;
    }
    session.pending.push(message);
    session.flushing ??= this.flush(session);
  }

  /**
   * Stores what was delivered, then acks it with one `multiple` ack; repeats while more arrived
   * meanwhile. One store at a time, so an ack never covers a message not yet stored.
   */
  private async flush(session: Session): Promise<void> {
    // Let the deliveries already read from the socket join this store.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (session.pending.length > 0 && !session.closed) {
        const messages = session.pending.splice(0);
        const last = messages[messages.length - 1] as ConsumeMessage;
        try {
          await this.store(messages.map((m) => this.toRecord(m)) as readonly RabbitMQRecord<T>[]);
        } catch (error) {
          // Not acked: the broker delivers them again once this connection is gone.
          this.fail(session, `could not store ${messages.length} messages from ${this.where}`, error);
          return;
        }
        try {
          (session.channel as Channel).ack(last, true);
        } catch (error) {
          this.fail(session, `could not ack ${messages.length} stored messages; they will come again`, error);
          return;
        }
      }
    } finally {
      session.flushing = undefined;
    }
  }

  private toRecord(message: ConsumeMessage): RabbitMQRecord<T> | RejectedRecord {
    const decoded = decodeContent(message.content, this.decoder, this.where);
    if (!('content' in decoded)) return decoded;
    return {
      content: decoded.content,
      routingKey: message.fields.routingKey,
      exchange: message.fields.exchange,
      properties: message.properties,
      redelivered: message.fields.redelivered,
    };
  }

  /** Ends `session` (once) and asks for a restart, with a message and cause free of secrets. */
  private fail(session: Session, reason: string, error: unknown): void {
    const cause = error === undefined ? undefined : safeError(error, this.secrets);
    if (session.closed) return;
    session.closed = true;
    if (this.session !== session) return;
    // The supervisor's event message ends with the cause's message.
    this.restart(reason, cause);
  }
}

/**
 * A DStream of the messages of a RabbitMQ queue, read by a {@link RabbitMQReceiver} under the
 * context's supervisor (restarts with back-off, errors on `ssc.events`).
 *
 * @param ssc the context.
 * @param options the queue, how to connect, the decoder, the prefetch; `maxRate` caps records per second.
 * @example
 * const ssc = new StreamingContext({ batchInterval: seconds(1), checkpointDir: '/var/ckpt', writeAheadLog: true });
 * const orders = rabbitmqStream<Order>(ssc, { url: 'amqp://app:secret@mq:5672', queue: 'orders', decoder: 'json' });
 * orders.map((m) => m.content.total).reduce((a, b) => a + b).print();
 *
 * Gotchas: at-least-once (see {@link RabbitMQReceiver}): turn on `writeAheadLog`, and expect
 * duplicates after a crash (`redelivered: true`). Undecodable bodies go to `deadLetters()`.
 */
export function rabbitmqStream<T = Uint8Array>(
  ssc: StreamingContext,
  options: RabbitMQReceiverOptions<T> & ReceiverOptions,
): DStream<RabbitMQRecord<T>> {
  const { maxRate, ...rest } = options;
  const receiver = new RabbitMQReceiver<T>(rest);
  return ssc.receiverStream(receiver, maxRate === undefined ? {} : { maxRate }, 'rabbitmqStream');
}
