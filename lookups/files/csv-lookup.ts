/**
 * csvFileLookup: a static table in a local CSV file, read whole and answered from memory.
 */
import { ConfigurationError } from '../../lib/index.js';
import { CsvSyntaxError, checkDelimiter, csvObjects, parseCsv } from '../../systems/rows/csv.js';
import { FileTableLookup, type FileLookupOptions } from './file-table.js';

/** Options of {@link csvFileLookup}: those of every file lookup, and the CSV layout. */
export interface CsvFileLookupOptions<K, V> extends FileLookupOptions<Record<string, string>, K, V> {
  /** True (default) when the first record names the columns. */
  readonly header?: boolean;
  /**
   * With `header: false`, the names of the columns (required). With a header, the columns to
   * keep (the header must name them all); default all.
   */
  readonly columns?: readonly string[];
  /** The field separator, one character. Default `,`. */
  readonly delimiter?: string;
}

/**
 * A lookup over a local CSV file: each record is a row of strings keyed by column name (quoted
 * fields, doubled quotes, CRLF or LF line ends; see `parseCsv`). Read whole on first use (or
 * `await lookup.load()`), answered from memory, reloaded between batches by `refresh`.
 *
 * @param path the file.
 * @param options `key` (a column name or a function of the row), `value` (default: the row, to
 *   convert types), `header`, `columns`, `delimiter`, `refresh`, `name`.
 *
 * @example
 * const users = csvFileLookup('users.csv', {
 *   key: 'id',
 *   value: (row) => ({ name: row.name, followers: Number(row.followers) }),
 *   refresh: { everyMs: minutes(5) },
 * });
 * tweets.enrich(users, (t) => t.userId, (t, u) => ({ ...t, followers: u?.followers ?? 0 }));
 *
 * Gotchas: every field is a string (convert in `value`); a record with another number of fields
 * than columns fails the load with the file and line. Replace the file by rename.
 */
export function csvFileLookup<K = string, V = Record<string, string>>(
  path: string,
  options: CsvFileLookupOptions<K, V>,
): FileTableLookup<Record<string, string>, K, V> {
  const delimiter = options.delimiter ?? ',';
  checkDelimiter(delimiter);
  const header = options.header ?? true;
  const columns = options.columns;
  if (!header && !columns) {
    throw new ConfigurationError(
      `csvFileLookup ${path}: with header: false, give the column names in columns`,
    );
  }
  const parse = (text: string): { row: Record<string, string>; line: number }[] => {
    const records = parseCsv(text, delimiter);
    if (!header || !columns) return csvObjects(records, header ? undefined : columns);
    const names = records[0]?.fields ?? [];
    const absent = columns.filter((c) => !names.includes(c));
    if (absent.length > 0 && records.length > 0) {
      throw new CsvSyntaxError(records[0]?.line ?? 1, `the header has no column ${absent.join(', ')}`);
    }
    return csvObjects(records).map(({ row, line }) => ({
      row: Object.fromEntries(columns.map((c) => [c, row[c] as string])),
      line,
    }));
  };
  return new FileTableLookup(path, parse, options);
}
