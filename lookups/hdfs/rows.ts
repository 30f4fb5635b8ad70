/**
 * Rows of a JSONL or CSV text, for the HDFS lookup. A local parser: `lookups/files/` did not
 * exist when this was written; the file and object lookups may share one parser later.
 */
import { KindlingError } from '../../lib/index.js';

/** How a file's text is laid out. */
export type RowFormat = 'jsonl' | 'csv';

/** CSV settings. */
export interface CsvOptions {
  /** The field separator, one character. Default `,`. */
  readonly delimiter?: string;
  /** Field names; default: the file's first line is the header. */
  readonly columns?: readonly string[];
}

/**
 * The rows of `text`: one JSON value per non-blank line (`jsonl`), or one object of strings per
 * CSV record keyed by the header (`csv`, RFC 4180 quoting, CRLF or LF). Throws a KindlingError
 * naming `source` and the line of the first bad row.
 *
 * @example
 * parseRows('id,name\n1,Ada\n', 'csv', 'hdfs://nn/users.csv') // [{ id: '1', name: 'Ada' }]
 */
export function parseRows(text: string, format: RowFormat, source: string, csv: CsvOptions = {}): unknown[] {
  if (format === 'jsonl') {
    const rows: unknown[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      try {
        rows.push(JSON.parse(line));
      } catch (error) {
        throw new KindlingError(`${source}:${i + 1} is not JSON (${(error as Error).message}); fix the file`);
      }
    }
    return rows;
  }
  const records = csvRecords(text, csv.delimiter ?? ',', source);
  const columns = csv.columns ?? records.shift()?.fields;
  if (!columns) return [];
  return records.map(({ fields, line }) => {
    if (fields.length !== columns.length) {
      throw new KindlingError(
        `${source}:${line} has ${fields.length} fields where the header has ${columns.length}; fix the file`,
      );
    }
    return Object.fromEntries(columns.map((c, i) => [c, fields[i] as string]));
  });
}

function csvRecords(text: string, delimiter: string, source: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let any = false;
  let line = 1;
  let start = 1;
  const end = (): void => {
    if (any || field !== '') records.push({ fields: [...fields, field], line: start });
    fields = [];
    field = '';
    any = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = any = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      end();
      start = ++line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw new KindlingError(`${source}:${start} has a quote that is never closed; fix the file`);
  end();
  return records;
}
