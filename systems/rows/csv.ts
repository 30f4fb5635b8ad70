/**
 * CSV read and written. A small parser (RFC 4180, leniently): fields separated by one delimiter
 * character, quoted fields (`"a, b"`) that may hold delimiters, line breaks and doubled quotes
 * (`"say ""hi"""`), records ended by CRLF, LF or CR, a UTF-8 byte-order mark ignored. Each record
 * keeps the line it starts on, for error messages. The one CSV parser: the file, S3 and HDFS
 * lookups and the S3 batch reader all read CSV through it. And the one CSV writer (`csvField`,
 * `csvRow`, CRLF line ends): the line encoder of the file, HDFS, S3 and socket outputs and
 * `formatRows` write CSV through it.
 */
import { ConfigurationError, KindlingError } from '../../lib/index.js';

/** One CSV record: its fields and the (1-based) line it starts on. */
export interface CsvRecord {
  /** The record's fields, unquoted, in order. */
  readonly fields: string[];
  /** The (1-based) line of the text the record starts on. */
  readonly line: number;
}

/** A CSV text that cannot be parsed; `line` is where the bad record starts. */
export class CsvSyntaxError extends KindlingError {
  constructor(
    /** The (1-based) line of the text the bad record starts on. */
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Throws a {@link ConfigurationError} unless `delimiter` is one character other than a quote or line break. */
export function checkDelimiter(delimiter: string): void {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ConfigurationError(
      `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`,
    );
  }
}

/**
 * The records of `text`. Empty lines are skipped; a quote inside an unquoted field is kept as it
 * is. Throws a {@link CsvSyntaxError} for a quoted field that is never closed or is followed by
 * something other than a delimiter or line break.
 *
 * @example
 * parseCsv('id,name\r\n1,"Ada ""the first"", Countess"\r\n')
 * // [{ fields: ['id', 'name'], line: 1 }, { fields: ['1', 'Ada "the first", Countess'], line: 2 }]
 */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  checkDelimiter(delimiter);
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      let field: string;
      if (text[i] === '"') {
        quotedAny = true;
        const fieldLine = line;
        let value = '';
        let from = ++i;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) throw new CsvSyntaxError(fieldLine, 'a quoted field is never closed');
          line += countLineBreaks(text, i, quote);
          if (text[quote + 1] === '"') {
            value += text.slice(from, quote + 1);
            i = from = quote + 2;
            continue;
          }
          value += text.slice(from, quote);
          i = quote + 1;
          break;
        }
        const after = text[i];
        if (i < n && after !== delimiter && after !== '\n' && after !== '\r') {
          throw new CsvSyntaxError(line, `unexpected ${JSON.stringify(after)} after a closing quote`);
        }
        field = value;
      } else {
        let end = i;
        while (end < n) {
          const c = text[end];
          if (c === delimiter || c === '\n' || c === '\r') break;
          end++;
        }
        field = text.slice(i, end);
        i = end;
      }
      fields.push(field);
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    // At a line break or the end of the text.
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    const empty = fields.length === 1 && fields[0] === '' && !quotedAny;
    if (!empty) records.push({ fields, line: start });
    line++;
  }
  return records;
}

/**
 * Objects of strings from CSV `records`: keyed by `columns`, or by the first record (the header)
 * when `columns` is not given. Throws a {@link CsvSyntaxError} for a record with another number
 * of fields than there are columns.
 */
export function csvObjects(
  records: readonly CsvRecord[],
  columns?: readonly string[],
): {
  /** The record's fields by column name. */
  row: Record<string, string>;
  /** The (1-based) line of the text the record starts on. */
  line: number;
}[] {
  const rest = columns ? records : records.slice(1);
  const names = columns ?? records[0]?.fields ?? [];
  return rest.map(({ fields, line }) => {
    if (fields.length !== names.length) {
      throw new CsvSyntaxError(line, `${fields.length} fields where there are ${names.length} columns`);
    }
    const row: Record<string, string> = {};
    for (let c = 0; c < names.length; c++) row[names[c] as string] = fields[c] as string;
    return { row, line };
  });
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '\n') count++;
    else if (c === '\r' && text[i + 1] !== '\n') count++;
  }
  return count;
}

// ---- writing --------------------------------------------------------------------------------

/** The line break that ends a written CSV record (RFC 4180). */
export const CSV_LINE_BREAK = '\r\n';

/**
 * The CSV text of one value, RFC 4180: quoted when it holds the delimiter, a double quote, CR or
 * LF, with a double quote inside doubled. Null and undefined are empty, a Date is ISO 8601
 * (`toISOString`), another object JSON, anything else `String(value)`.
 *
 * @example
 * csvField('say "hi", then') // '"say ""hi"", then"'
 * csvField(new Date(0))      // '1970-01-01T00:00:00.000Z'
 */
export function csvField(value: unknown, delimiter = ','): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  const quote = text.includes(delimiter) || /["\r\n]/.test(text);
  return quote ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One CSV record, without its line break: an array by position, an object by `columns`, any
 * other value as one field. Throws a TypeError for an object without `columns`.
 *
 * @example
 * csvRow({ id: 1, text: 'a, "b"' }, ['id', 'text']) // '1,"a, ""b"""'
 * csvRow(['k', 3], undefined, ';')                   // 'k;3'
 */
export function csvRow(record: unknown, columns: readonly string[] | undefined, delimiter = ','): string {
  const field = (value: unknown): string => csvField(value, delimiter);
  if (Array.isArray(record)) return record.map(field).join(delimiter);
  if (columns !== undefined && record !== null && typeof record === 'object') {
    const fields = record as Record<string, unknown>;
    return columns.map((c) => field(fields[c])).join(delimiter);
  }
  if (columns === undefined && record !== null && typeof record === 'object') {
    throw new TypeError(
      'a CSV record that is an object needs `columns` to say which fields to write, in order',
    );
  }
  return field(record);
}
