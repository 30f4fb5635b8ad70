/**
 * How the Kafka output turns records into kafkajs messages, and cuts them into requests that
 * stay under the broker's size limit.
 */

/** Kafka message headers, as kafkajs takes them: a value, or several for a header sent more than once. */
export interface KafkaHeaders {
  [name: string]: Buffer | string | (Buffer | string)[] | undefined;
}

/** A message to produce, in the shape kafkajs's `Message` takes. */
export interface OutgoingKafkaMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: KafkaHeaders;
}

/** How one record becomes a Kafka message; every part is optional. */
export interface KafkaMessageMapping<T> {
  /** The message key (decides the partition). Default: no key. */
  readonly key?: (record: T) => string | Buffer | null;
  /**
   * The message value. Default: the record itself when it is a string or Buffer, else its JSON.
   * `null` writes a tombstone.
   */
  readonly value?: (record: T) => string | Buffer | null;
  /** Message headers. Default: none. */
  readonly headers?: (record: T) => KafkaHeaders;
}

/** The message of each record, per the mapping. */
export function toMessages<T>(
  records: readonly T[],
  mapping: KafkaMessageMapping<T>,
): OutgoingKafkaMessage[] {
  const { key, value, headers } = mapping;
  const messages: OutgoingKafkaMessage[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as T;
    const message: OutgoingKafkaMessage = { value: value ? value(record) : defaultValue(record) };
    if (key) message.key = key(record);
    if (headers) message.headers = headers(record);
    messages[i] = message;
  }
  return messages;
}

function defaultValue(record: unknown): string | Buffer {
  if (typeof record === 'string' || Buffer.isBuffer(record)) return record;
  return JSON.stringify(record);
}

/**
 * The messages cut into requests of at most `maxBytes` (estimated) each, in order: a broker
 * refuses a request whose batch for one partition exceeds its `message.max.bytes` (1 MiB by default).
 */
export function chunkMessages(
  messages: readonly OutgoingKafkaMessage[],
  maxBytes: number,
): OutgoingKafkaMessage[][] {
  const chunks: OutgoingKafkaMessage[][] = [];
  let chunk: OutgoingKafkaMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = sizeOf(m.value) + sizeOf(m.key) + 70;
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function sizeOf(part: string | Buffer | null | undefined): number {
  if (part === null || part === undefined) return 0;
  return typeof part === 'string' ? Buffer.byteLength(part) : part.length;
}
