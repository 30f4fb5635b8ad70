/**
 * How the Kinesis receiver turns a record's bytes into its `data`: kept as bytes, decoded as
 * UTF-8 text, parsed as JSON, or by a function. A record that cannot be decoded becomes a
 * {@link RejectedRecord}, which the engine sends to the stream's dead letters.
 */
import { KindlingError, RejectedRecord, describeError } from '../../lib/index.js';

/**
 * How a record's bytes become its `data`: `'bytes'` (default, a `Uint8Array`), `'string'`
 * (UTF-8; invalid UTF-8 goes to the dead letters), `'json'` (UTF-8 JSON; malformed JSON goes to
 * the dead letters), or a function (a throw sends the record to the dead letters).
 */
export type KinesisDecoder<T> = 'bytes' | 'string' | 'json' | ((bytes: Uint8Array) => T);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes `bytes` with `decoder`; returns a {@link RejectedRecord} (with `where` as its detail)
 * when they cannot be decoded.
 */
export function decodeData<T>(
  bytes: Uint8Array,
  decoder: KinesisDecoder<T>,
  where: string,
): { readonly data: T } | RejectedRecord {
  if (decoder === 'bytes') return { data: bytes as T };
  if (typeof decoder === 'function') {
    try {
      return { data: decoder(bytes) };
    } catch (error) {
      const message = `the decoder threw on the record at ${where}: ${describeError(error)}`;
      return new RejectedRecord(
        Buffer.from(bytes),
        'userFunction',
        new KindlingError(message, { cause: error }),
        where,
      );
    }
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    const message = `the record at ${where} is not valid UTF-8 (${bytes.byteLength} bytes)`;
    return new RejectedRecord(
      Buffer.from(bytes),
      'invalidUtf8',
      new KindlingError(message, { cause: error }),
      where,
    );
  }
  if (decoder === 'string') return { data: text as T };
  try {
    return { data: JSON.parse(text) as T };
  } catch (error) {
    const message = `the record at ${where} is not JSON: ${describeError(error)}`;
    return new RejectedRecord(text, 'malformedJson', new KindlingError(message, { cause: error }), where);
  }
}
