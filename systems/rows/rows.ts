/**
 * Rows of a JSONL or CSV text, read and written: what the S3 and HDFS lookups, the S3 output and
 * its batch reader share. Parsing goes through the one CSV parser (`csv.ts`) and the one JSON
 * Lines parser (`jsonl.ts`).
 */
import { KindlingError } from '../../lib/index.js';
import { CSV_LINE_BREAK, CsvSyntaxError, csvObjects, csvRow, parseCsv } from './csv.js';
import { jsonLines } from './jsonl.js';

/** How the text of an object or file is laid out. */
export type RowFormat = 'jsonl' | 'csv';

/** Options of CSV parsing. */
export interface CsvOptions {
  /** The field separator, one character. Default `,`. */
  readonly delimiter?: string;
  /** Field names; default: the first line of each object or file is the header. */
  readonly columns?: readonly string[];
}

/**
 * The rows of `text`: one JSON value per non-blank line (`jsonl`), or one object of strings per
 * CSV record keyed by the header or by `csv.columns` (`csv`: RFC 4180 quoting, `"a ""b"""`,
 * delimiters and line breaks inside quotes; see `parseCsv`). Throws a KindlingError naming
 * `source` and the line of the first bad row, which ends with `; fix the <unit>`.
 *
 * @param unit - what `source` is, for the message: `'file'` (default) or `'object'`.
 * @example
 * parseRows('id,name\n1,Ada\n', 'csv', 's3://b/users.csv', {}, 'object') // [{ id: '1', name: 'Ada' }]
 */
export function parseRows(
  text: string,
  format: RowFormat,
  source: string,
  csv: CsvOptions = {},
  unit: 'file' | 'object' = 'file',
): unknown[] {
  try {
    if (format === 'jsonl') return [...jsonLines(text)].map(({ value }) => value);
    return csvObjects(parseCsv(text, csv.delimiter ?? ','), csv.columns).map(({ row }) => row);
  } catch (error) {
    const line = (error as { line?: unknown }).line;
    if (typeof line !== 'number') throw error;
    // 's3://b/u.csv:3: a quoted field is never closed', 's3://b/u.jsonl:2 is not JSON (...)'
    const problem =
      error instanceof CsvSyntaxError
        ? `: ${error.message.replace(/^line \d+: /, '')}`
        : ` is ${(error as Error).message}`;
    throw new KindlingError(`${source}:${line}${problem}; fix the ${unit}`, { cause: error });
  }
}

/**
 * The lines of a JSONL or CSV text to write: JSON per record, or CSV with a header of `columns`
 * (default: the first record's keys), written by `csvRow` (RFC 4180 quoting, Dates as ISO 8601,
 * null and undefined empty, CRLF line ends).
 *
 * @example
 * formatRows([{ id: 1 }], 'csv', { columns: ['id'] }) // 'id\r\n1\r\n'
 */
export function formatRows(
  records: readonly unknown[],
  format: RowFormat,
  csv: { readonly columns?: readonly string[]; readonly delimiter?: string } = {},
): string {
  if (format === 'jsonl') return records.map((r) => `${JSON.stringify(r)}\n`).join('');
  const delimiter = csv.delimiter ?? ',';
  const columns = csv.columns ?? Object.keys((records[0] ?? {}) as object);
  const lines = [csvRow(columns, undefined, delimiter)];
  for (const r of records) lines.push(csvRow(r, columns, delimiter));
  return lines.map((line) => `${line}${CSV_LINE_BREAK}`).join('');
}
