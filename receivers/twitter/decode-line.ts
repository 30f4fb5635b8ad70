/**
 * What one line of a stream becomes: nothing (a keep-alive), a {@link Tweet}, a notice to report,
 * or a {@link RejectedRecord} for the dead letters (not UTF-8, not JSON, no tweet, too long).
 */
import { KindlingError, RejectedRecord } from '../../lib/index.js';
import type { OversizedLine } from './line-splitter.js';
import { normalize } from './normalize.js';
import type { Tweet, TweetFormat } from './tweet.js';

/** The outcome of one line. */
export type LineOutcome =
  | { readonly keepAlive: true }
  | { readonly tweet: Tweet }
  | { readonly notice: string }
  | { readonly rejected: RejectedRecord };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes `line` of a `format` stream; `where` says where it came from (URL, connection, line),
 * for a dead letter's origin.
 *
 * @example
 * decodeLine(Buffer.from(''), 'v2', where)                 // { keepAlive: true }
 * decodeLine(Buffer.from('{"data":{'), 'v2', where)        // { rejected: RejectedRecord (malformedJson) }
 */
export function decodeLine(line: Buffer | OversizedLine, format: TweetFormat, where: string): LineOutcome {
  if (!Buffer.isBuffer(line)) {
    const error = new KindlingError(
      `${where}: a line of ${line.bytes} bytes is longer than maxLineBytes; its first ${line.prefix.length} bytes are kept here (raise maxLineBytes to take such lines)`,
    );
    return { rejected: new RejectedRecord(line.prefix, 'oversized', error, where) };
  }
  if (line.length === 0) return { keepAlive: true };
  let text: string;
  try {
    text = utf8.decode(line);
  } catch (cause) {
    const error = new KindlingError(`${where}: the line (${line.length} bytes) is not valid UTF-8`, {
      cause,
    });
    return { rejected: new RejectedRecord(Buffer.from(line), 'invalidUtf8', error, where) };
  }
  if (text.trim() === '') return { keepAlive: true };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const error = new KindlingError(`${where}: the line is not JSON: ${(cause as Error).message}`, { cause });
    return { rejected: new RejectedRecord(text, 'malformedJson', error, where) };
  }
  const outcome = normalize(json, format);
  if ('problem' in outcome) {
    const error = new KindlingError(`${where}: the line is JSON but no ${format} tweet: ${outcome.problem}`);
    return { rejected: new RejectedRecord(text, 'malformedJson', error, where) };
  }
  return outcome;
}

/**
 * The dead letter of a line that the connection's end cut off (the tweet around a drop): its
 * bytes (at most 1 KiB of a long one).
 *
 * @example
 * const partial = lines.end();
 * if (partial) await store([cutLine(partial, `${url}, connection 2, line 41`)]);
 */
export function cutLine(partial: Buffer | OversizedLine, where: string): RejectedRecord {
  const bytes = Buffer.isBuffer(partial) ? partial : partial.prefix;
  const error = new KindlingError(
    `${where}: the connection ended in the middle of this line (${Buffer.isBuffer(partial) ? partial.length : partial.bytes} bytes); the tweet in it is lost`,
  );
  return new RejectedRecord(bytes, 'malformedJson', error, where);
}
