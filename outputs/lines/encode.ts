/**
 * Records as lines of text: JSON Lines, CSV (RFC 4180, written by the one CSV writer of
 * `systems/rows/csv.ts`) or plain text, shared by the file, socket and console outputs.
 */
import { ConfigurationError } from '../../lib/index.js';
import { CSV_LINE_BREAK, csvRow } from '../../systems/rows/csv.js';

/**
 * How a record becomes a line: `'jsonl'` (one JSON value per line), `'csv'` (RFC 4180, CRLF line
 * breaks, a header row of `columns`), `'text'` (a string as it is, anything else as JSON), or a
 * function that returns the line's text (without its line break).
 */
export type LineFormat<T> = 'jsonl' | 'csv' | 'text' | ((record: T) => string);

/** What an output needs to say how records become lines. */
export interface LineFormatOptions<T> {
  /** Default: `'jsonl'` for files, `'text'` for sockets and the console. */
  readonly format?: LineFormat<T>;
  /**
   * CSV only: the fields to write, in order, and the header row. Needed when records are objects;
   * array records are written by position (no header without `columns`).
   */
  readonly columns?: readonly string[];
}

/** Turns records into line text for one format. */
export interface LineEncoder<T> {
  /** The header line (with its line break) that starts every file, or '' (CSV with `columns` only). */
  readonly header: string;
  /** The line break: `\r\n` for CSV, `\n` otherwise. */
  readonly newline: string;
  /** The file name extension: `jsonl`, `csv` or `txt`. */
  readonly extension: string;
  /** One record's line, without its line break. Throws a TypeError for a record it cannot write. */
  line(record: T): string;
}

/**
 * The encoder for `options`, checked now (a ConfigurationError names what is wrong).
 *
 * @param what - names the output in error messages.
 * @example
 * const enc = lineEncoder('file output', { format: 'csv', columns: ['id', 'text'] }, 'jsonl');
 * enc.header + records.map((r) => enc.line(r) + enc.newline).join('');
 */
export function lineEncoder<T>(
  what: string,
  options: LineFormatOptions<T>,
  defaultFormat: 'jsonl' | 'text',
): LineEncoder<T> {
  const format = options.format ?? defaultFormat;
  const columns = options.columns;
  if (columns !== undefined) {
    if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string')) {
      throw new ConfigurationError(`${what}: columns must be a non-empty array of field names`);
    }
    if (format !== 'csv') {
      throw new ConfigurationError(`${what}: columns is for format 'csv' only, and the format is not 'csv'`);
    }
  }
  if (typeof format === 'function') return { header: '', newline: '\n', extension: 'txt', line: format };
  switch (format) {
    case 'jsonl':
      return { header: '', newline: '\n', extension: 'jsonl', line: jsonLine };
    case 'text':
      return {
        header: '',
        newline: '\n',
        extension: 'txt',
        line: (r) => (typeof r === 'string' ? r : jsonLine(r)),
      };
    case 'csv':
      return {
        header: columns === undefined ? '' : `${csvRow(columns, undefined)}${CSV_LINE_BREAK}`,
        newline: CSV_LINE_BREAK,
        extension: 'csv',
        line: (r) => csvRow(r, columns),
      };
    default:
      throw new ConfigurationError(
        `${what}: format must be 'jsonl', 'csv', 'text' or a function from a record to a line, ` +
          `got ${JSON.stringify(format)}`,
      );
  }
}

function jsonLine(record: unknown): string {
  const text = JSON.stringify(record);
  if (text === undefined) throw new TypeError(`${typeof record} cannot be written as JSON`);
  return text;
}

/**
 * The text of `records`, one line each with its line break, in chunks of about 64 KiB (no header).
 * A record that cannot be encoded fails with its index in the batch.
 *
 * @example
 * for (const chunk of encodeLines(records, enc)) socket.write(chunk);
 */
export function* encodeLines<T>(records: readonly T[], encoder: LineEncoder<T>): Generator<string> {
  let chunk = '';
  for (let i = 0; i < records.length; i++) {
    let line: string;
    try {
      line = encoder.line(records[i] as T);
    } catch (error) {
      throw new TypeError(`record ${i} of the batch cannot be written: ${(error as Error).message}`, {
        cause: error,
      });
    }
    chunk += line + encoder.newline;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
