/**
 * Rows of a JSONL or CSV text: the small parser the S3 lookup uses (a local one; the file lookup
 * may share its own later).
 */
import { KindlingError } from '../../lib/index.js';

/** How the text of an object is laid out. */
export type RowFormat = 'jsonl' | 'csv';

/** Options of CSV parsing. */
export interface CsvOptions {
  /** The field separator, one character. Default `,`. */
  readonly delimiter?: string;
  /** Field names; default: the first line of each object is the header. */
  readonly columns?: readonly string[];
}

/**
 * The rows of `text`: one JSON value per non-blank line (`jsonl`), or one object per CSV record
 * keyed by the header (`csv`, RFC 4180 quoting: `"a ""b"""`, separators and newlines inside quotes).
 * Throws a KindlingError naming `source` and the line of the first bad row.
 *
 * @example
 * parseRows('id,name\n1,Ada\n', 'csv', 's3://b/users.csv') // [{ id: '1', name: 'Ada' }]
 */
export function parseRows(text: string, format: RowFormat, source: string, csv: CsvOptions = {}): unknown[] {
  return format === 'jsonl' ? parseJsonl(text, source) : parseCsv(text, source, csv);
}

function parseJsonl(text: string, source: string): unknown[] {
  const rows: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    try {
      rows.push(JSON.parse(line));
    } catch (error) {
      throw new KindlingError(`${source}:${i + 1} is not JSON (${(error as Error).message}); fix the object`);
    }
  }
  return rows;
}

function parseCsv(text: string, source: string, options: CsvOptions): Record<string, string>[] {
  const records = csvRecords(text, options.delimiter ?? ',', source);
  const columns = options.columns ?? records.shift()?.fields;
  if (!columns) return [];
  return records.map(({ fields, line }) => {
    if (fields.length !== columns.length) {
      throw new KindlingError(
        `${source}:${line} has ${fields.length} fields where the header has ${columns.length}; fix the object`,
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
  let line = 1;
  let start = 1;
  let any = false;
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
      quoted = true;
      any = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (any || field !== '') records.push({ fields: [...fields, field], line: start });
      fields = [];
      field = '';
      any = false;
      line++;
      start = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw new KindlingError(`${source}:${start} has a quote that is never closed; fix the object`);
  if (any || field !== '') records.push({ fields: [...fields, field], line: start });
  return records;
}

/**
 * The lines of a JSONL or CSV text to write: JSON per record, or CSV with a header of `columns`
 * (values quoted when they hold the delimiter, a quote or a newline; null and undefined empty).
 *
 * @example
 * formatRows([{ id: 1 }], 'csv', { columns: ['id'] }) // 'id\n1\n'
 */
export function formatRows(
  records: readonly unknown[],
  format: RowFormat,
  csv: { readonly columns?: readonly string[]; readonly delimiter?: string } = {},
): string {
  if (format === 'jsonl') return records.map((r) => `${JSON.stringify(r)}\n`).join('');
  const delimiter = csv.delimiter ?? ',';
  const columns = csv.columns ?? Object.keys((records[0] ?? {}) as object);
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s.includes(delimiter) || /["\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [columns.map(cell).join(delimiter)];
  for (const r of records)
    lines.push(columns.map((c) => cell((r as Record<string, unknown>)[c])).join(delimiter));
  return `${lines.join('\n')}\n`;
}
