/**
 * The records of a Kafka direct stream and their deserializers: raw buffers, UTF-8 strings, or
 * JSON. A key or value that is not UTF-8, or a value that is not JSON, is not a record: it
 * becomes a {@link RejectedRecord}, which the engine turns into a dead letter.
 */
import { isUtf8 } from 'node:buffer';
import { KindlingError, RejectedRecord } from '../../lib/index.js';

/** A message as kafkajs fetches it (the fields of its `KafkaMessage` that records are made of). */
export interface KafkaMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly headers?: { readonly [name: string]: Buffer | string | (Buffer | string)[] | undefined };
}

/** How record keys, values and headers are turned from bytes into values. */
export type KafkaDeserializer = 'string' | 'json' | 'buffer';

/**
 * One record of a Kafka topic, as a direct stream gives it.
 *
 * - `V`: the value's type (`string`, a parsed JSON type, or `Buffer`).
 * - `K`: the key's type (`string`, or `Buffer` with the `buffer` deserializer); `null` when absent.
 * - `H`: a header value's type (`string`, or `Buffer` with the `buffer` deserializer).
 */
export interface KafkaRecord<V = string, K = string, H = string> {
  /** The topic the record was read from. */
  readonly topic: string;
  /** The record's partition of the topic, as Kafka numbers it (from 0). */
  readonly partition: number;
  /** The record's offset in its partition (a number: exact up to 2^53). */
  readonly offset: number;
  /** The record's key, deserialized; `null` when the producer sent none. */
  readonly key: K | null;
  /** `null` for a tombstone (a record without a value). */
  readonly value: V | null;
  /** Header values by name; a header sent several times has an array. Strings are decoded leniently. */
  readonly headers: Readonly<Record<string, H | H[]>>;
  /** The record's timestamp, ms since the epoch (create time or log-append time, per the topic). */
  readonly timestamp: number;
}

/** A record of any deserializer, as the source builds it before the caller's type is applied. */
export type AnyKafkaRecord = KafkaRecord<unknown, string | Buffer, string | Buffer>;

/**
 * Turns the messages of one partition (`offsets`: their offsets as numbers) into records, or into
 * rejected records for those that do not decode, in offset order.
 */
export function deserializeMessages(
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
  offsets: Float64Array,
  deserializer: KafkaDeserializer,
): (AnyKafkaRecord | RejectedRecord)[] {
  const out: (AnyKafkaRecord | RejectedRecord)[] = [];
  if (deserializer === 'buffer') {
    // Buffers never fail to decode: one tight loop, no rejected records to consider. Messages
    // of one produce request share their timestamp string: it is parsed once per run of them.
    let stamp = '';
    let timestamp = NaN;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as KafkaMessage;
      if (message.timestamp !== stamp) {
        stamp = message.timestamp;
        timestamp = Number(stamp);
      }
      out.push(bufferRecord(topic, partition, message, offsets[i] as number, timestamp));
    }
    return out;
  }
  for (let i = 0; i < messages.length; i++)
    out.push(deserialize(topic, partition, messages[i] as KafkaMessage, offsets[i] as number, deserializer));
  return out;
}

/** The headers of records without any: one shared, frozen object (most records have none). */
const NO_HEADERS: Readonly<Record<string, never>> = Object.freeze({});

function deserialize(
  topic: string,
  partition: number,
  message: KafkaMessage,
  offset: number,
  deserializer: KafkaDeserializer,
): AnyKafkaRecord | RejectedRecord {
  const timestamp = Number(message.timestamp);
  const where = `${topic}/${partition}@${offset}`;
  for (const [what, bytes] of [['key', message.key] as const, ['value', message.value] as const]) {
    if (bytes !== null && !isUtf8(bytes)) {
      const error = new KindlingError(`the ${what} of the record at ${where} is not valid UTF-8`);
      return new RejectedRecord(Buffer.from(bytes), 'invalidUtf8', error, where);
    }
  }
  const key = message.key === null ? null : message.key.toString('utf8');
  const text = message.value === null ? null : message.value.toString('utf8');
  let value: unknown = text;
  if (deserializer === 'json' && text !== null) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const error = new KindlingError(
        `the value of the record at ${where} is not JSON: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
      return new RejectedRecord(text, 'malformedJson', error, where);
    }
  }
  const headers = headersOf(message, String);
  return { topic, partition, offset, key, value, headers, timestamp };
}

/** The record of `message` with the 'buffer' deserializer: its bytes as they are. */
function bufferRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
  offset: number,
  timestamp: number,
): AnyKafkaRecord {
  const headers = headersOf(message, toBuffer);
  return { topic, partition, offset, key: message.key, value: message.value, headers, timestamp };
}

/** The message's headers with each value decoded by `one`; the shared empty object when none. */
function headersOf<H>(message: KafkaMessage, one: (v: Buffer | string) => H): Record<string, H | H[]> {
  const raw = message.headers;
  let headers: Record<string, H | H[]> = NO_HEADERS;
  for (const name in raw) {
    const v = raw[name];
    if (v === undefined) continue;
    if (headers === NO_HEADERS) headers = {};
    headers[name] = Array.isArray(v) ? v.map(one) : one(v);
  }
  return headers;
}

function toBuffer(v: Buffer | string): Buffer {
  return typeof v === 'string' ? Buffer.from(v) : v;
}
