/**
 * How a message's body becomes a record's `content` (RabbitMQ, MQTT): kept as bytes, decoded as UTF-8 text, parsed
 * as JSON, or by a function. A body that cannot be decoded becomes a {@link RejectedRecord}, which
 * the engine sends to the stream's dead letters.
 */
import { KindlingError, RejectedRecord } from '../../lib/index.js';

/**
 * How a body's bytes become `content`: `'bytes'` (default, a `Uint8Array`), `'string'` (UTF-8;
 * invalid UTF-8 goes to the dead letters), `'json'` (UTF-8 JSON; malformed JSON goes to the dead
 * letters), or a function (a throw sends the message to the dead letters).
 */
export type PayloadDecoder<T> = 'bytes' | 'string' | 'json' | ((bytes: Uint8Array) => T);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Checks a decoder option; returns the problem, or undefined when it is fine. */
export function decoderProblem(decoder: unknown): string | undefined {
  if (decoder === undefined || typeof decoder === 'function') return undefined;
  if (decoder === 'bytes' || decoder === 'string' || decoder === 'json') return undefined;
  return `decoder must be 'bytes', 'string', 'json' or a function, got ${JSON.stringify(decoder)}`;
}

/** Decodes `bytes`; a {@link RejectedRecord} (with `where` as its detail) when they cannot be. */
export function decodeContent<T>(
  bytes: Uint8Array,
  decoder: PayloadDecoder<T>,
  where: string,
): { readonly content: T } | RejectedRecord {
  if (decoder === 'bytes') return { content: bytes as T };
  if (typeof decoder === 'function') {
    try {
      return { content: decoder(bytes) };
    } catch (error) {
      const message = `the decoder threw on the message from ${where}: ${(error as Error).message}`;
      return new RejectedRecord(bytes, 'userFunction', new KindlingError(message, { cause: error }), where);
    }
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    const message = `the message from ${where} is not valid UTF-8 (${bytes.byteLength} bytes)`;
    return new RejectedRecord(bytes, 'invalidUtf8', new KindlingError(message, { cause: error }), where);
  }
  if (decoder === 'string') return { content: text as T };
  try {
    return { content: JSON.parse(text) as T };
  } catch (error) {
    const message = `the message from ${where} is not JSON: ${(error as Error).message}`;
    return new RejectedRecord(text, 'malformedJson', new KindlingError(message, { cause: error }), where);
  }
}
