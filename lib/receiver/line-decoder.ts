/**
 * Cuts a byte stream into lines and decodes each one, for the text sources (socketTextStream,
 * textFileStream). It works on bytes: each line is checked as UTF-8 on its own, and a line longer
 * than `maxRecordBytes` is discarded as it streams in, so memory stays bounded whatever arrives.
 */
import { createReadStream } from 'node:fs';
import { ConfigurationError, KindlingError, describe } from '../errors.js';
import { RejectedRecord } from '../dstream/dead-letters/dead-letter-log.js';

/** How a text source turns each line into a record. */
export interface LineDecodingOptions {
  /**
   * `'text'` (default): each line is a string. `'json'`: each line is parsed with `JSON.parse`
   * (JSON Lines); an empty line is no record. Lines that are not UTF-8, not JSON (with `'json'`)
   * or longer than `maxRecordBytes` go to the stream's dead letters, never into the batch.
   */
  readonly decode?: 'text' | 'json';
  /**
   * The longest line taken, in bytes of UTF-8 (the line end not counted). Default 1 MiB
   * (1,048,576). A longer line is cut off and dropped as it arrives; its first bytes (at most
   * 1 KiB) go to the dead letters with reason `oversized`.
   */
  readonly maxRecordBytes?: number;
  /** `utf8` (default) or `latin1`, in which every byte is a character and no line is invalid. */
  readonly encoding?: 'utf8' | 'latin1';
}

/** The default `maxRecordBytes`: 1 MiB. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/** How many bytes of an oversized line its dead letter keeps. */
const PREFIX_BYTES = 1024;
const LF = 0x0a;
const CR = 0x0d;

/** Checks `options`, throwing a {@link ConfigurationError} that names `source`. */
export function checkLineDecoding(source: string, options: LineDecodingOptions): void {
  const { decode, maxRecordBytes } = options;
  if (decode !== undefined && decode !== 'text' && decode !== 'json') {
    throw new ConfigurationError(`${source}: decode must be 'text' or 'json', got '${String(decode)}'`);
  }
  if (maxRecordBytes !== undefined && !(Number.isInteger(maxRecordBytes) && maxRecordBytes > 0)) {
    throw new ConfigurationError(
      `${source}: maxRecordBytes must be a whole number of bytes > 0, got ${String(maxRecordBytes)}`,
    );
  }
}

/**
 * Splits bytes at `\n` (a `\r` before it is dropped) and decodes each line: the result of `write`
 * and `end` is the lines' records, in order, with a {@link RejectedRecord} in place of each line
 * that is not UTF-8, not JSON (with `decode: 'json'`) or longer than `maxRecordBytes`.
 *
 * @example
 * const lines = new LineDecoder({ decode: 'json', maxRecordBytes: 65_536 });
 * socket.on('data', (chunk) => store(lines.write(chunk)));
 * socket.on('close', () => store(lines.end()));
 *
 * Gotcha: a line is bounded, a chunk is not: `write` keeps at most `maxRecordBytes + 1` bytes of
 * an unfinished line, but holds on to the chunk it was given until it returns.
 */
export class LineDecoder {
  private readonly json: boolean;
  private readonly max: number;
  private readonly latin1: boolean;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Bytes of the unfinished line, when it started in an earlier chunk. */
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  /** Set while an oversized line streams by: its first bytes and how many bytes it had so far. */
  private oversized: { prefix: Buffer; bytes: number; lastByte: number } | undefined;
  /** Lines finished so far. */
  private lines = 0;

  /**
   * @param options `decode` and `maxRecordBytes`.
   * @param where where line `n` (from 1) is, for a rejected line's `detail`; default: nothing.
   */
  constructor(
    options: LineDecodingOptions = {},
    private readonly where: (line: number) => string | undefined = () => undefined,
  ) {
    this.json = options.decode === 'json';
    this.max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.latin1 = options.encoding === 'latin1';
  }

  /** The records of the lines that `chunk` finishes. */
  write(chunk: Uint8Array): unknown[] {
    const out: unknown[] = [];
    let from = 0;
    for (;;) {
      const end = chunk.indexOf(LF, from);
      if (end === -1) {
        if (from < chunk.length) this.append(chunk.subarray(from));
        return out;
      }
      const tail = chunk.subarray(from, end);
      if (this.pieceBytes === 0 && !this.oversized) this.line(tail, out);
      else {
        this.append(tail);
        this.finish(out);
      }
      from = end + 1;
    }
  }

  /** The record of the last line, if the stream did not end with a line end. */
  end(): unknown[] {
    const out: unknown[] = [];
    if (this.pieceBytes > 0 || this.oversized) this.finish(out);
    return out;
  }

  /** Keeps part of an unfinished line, or only counts it once the line is too long. */
  private append(bytes: Uint8Array): void {
    const over = this.oversized;
    if (over) {
      over.bytes += bytes.length;
      if (bytes.length > 0) over.lastByte = bytes[bytes.length - 1] as number;
      const room = PREFIX_BYTES - over.prefix.length;
      if (room > 0) over.prefix = Buffer.concat([over.prefix, bytes.subarray(0, room)]);
      return;
    }
    // One byte more than the limit may be a `\r` before the line end.
    if (this.pieceBytes + bytes.length <= this.max + 1) {
      this.pieces.push(Buffer.from(bytes));
      this.pieceBytes += bytes.length;
      return;
    }
    const total = this.pieceBytes + bytes.length;
    const prefix = Buffer.concat([...this.pieces, bytes], Math.min(PREFIX_BYTES, total)); // copies those only
    const lastByte = bytes.length > 0 ? (bytes[bytes.length - 1] as number) : 0;
    this.oversized = { prefix, bytes: total, lastByte };
    this.pieces = [];
    this.pieceBytes = 0;
  }

  /** Ends the unfinished line. */
  private finish(out: unknown[]): void {
    const over = this.oversized;
    if (over) {
      this.oversized = undefined;
      const bytes = over.lastByte === CR ? over.bytes - 1 : over.bytes;
      this.lines++;
      out.push(this.reject(over.prefix, 'oversized', this.tooLong(bytes, over.prefix.length)));
      return;
    }
    const line = this.pieces.length === 1 ? (this.pieces[0] as Uint8Array) : Buffer.concat(this.pieces);
    this.pieces = [];
    this.pieceBytes = 0;
    this.line(line, out);
  }

  /** Decodes one whole line (without its `\n`) into `out`. */
  private line(bytes: Uint8Array, out: unknown[]): void {
    this.lines++;
    const content = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes;
    if (content.length > this.max) {
      const prefix = Buffer.from(content.subarray(0, PREFIX_BYTES));
      out.push(this.reject(prefix, 'oversized', this.tooLong(content.length, prefix.length)));
      return;
    }
    let text: string;
    try {
      text = this.latin1 ? latin1(content) : this.utf8.decode(content);
    } catch (error) {
      const message = `line ${this.lines} (${content.length} bytes) is not valid UTF-8: ${describe(error)}`;
      out.push(
        this.reject(Buffer.from(content), 'invalidUtf8', new KindlingError(message, { cause: error })),
      );
      return;
    }
    if (!this.json) {
      out.push(text);
      return;
    }
    if (text.length === 0) return;
    try {
      out.push(JSON.parse(text));
    } catch (error) {
      const message = `line ${this.lines} is malformed JSON: ${describe(error)}`;
      out.push(this.reject(text, 'malformedJson', new KindlingError(message, { cause: error })));
    }
  }

  private tooLong(bytes: number, kept: number): KindlingError {
    return new KindlingError(
      `line ${this.lines} of ${bytes} bytes is longer than maxRecordBytes ${this.max}; it was dropped ` +
        `and its first ${kept} bytes kept here (raise maxRecordBytes to take such lines)`,
    );
  }

  private reject(record: unknown, reason: RejectedRecord['reason'], error: Error): RejectedRecord {
    return new RejectedRecord(record, reason, error, this.where(this.lines));
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/**
 * The records of the lines of the file at `path`, read as a stream through a {@link LineDecoder}
 * (so an oversized line is never held whole); rejected lines' `detail` is `path:line`.
 * `undefined` when the file does not exist (any other error is thrown).
 */
export async function readLines(path: string, options: LineDecodingOptions): Promise<unknown[] | undefined> {
  const decoder = new LineDecoder(options, (line) => `${path}:${line}`);
  const records: unknown[] = [];
  const push = (items: unknown[]): void => {
    for (let i = 0; i < items.length; i++) records.push(items[i]);
  };
  try {
    for await (const chunk of createReadStream(path)) push(decoder.write(chunk as Buffer));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  push(decoder.end());
  return records;
}
