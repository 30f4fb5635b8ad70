/**
 * jsonlFileLookup: a static table in a local JSON Lines file (one JSON object per line), read
 * whole and answered from memory.
 */
import { KindlingError } from '../../lib/index.js';
import { jsonLines } from '../../systems/rows/jsonl.js';
import { FileTableLookup, type FileLookupOptions, type ParsedRow } from './file-table.js';

/**
 * A lookup over a local JSON Lines file: each non-blank line is one row, keyed by `key`. The file
 * is read whole on first use (or `await lookup.load()`, to fail before the job starts), and
 * `getAll` answers from memory. With `refresh`, the file is read again between batches when the
 * policy says so, and the new table is swapped in only once all of it parsed.
 *
 * @param path the file.
 * @param options `key` (a field name or a function of the row), `value` (default: the row),
 *   `refresh` (`{ everyMs }` or `'onChange'`), `name`.
 *
 * @example
 * const profiles = jsonlFileLookup<Profile, string>('data/profiles.jsonl', { key: 'id', refresh: 'onChange' });
 * await profiles.load(); // optional: a missing or bad file fails here rather than in the first batch
 * tweets.joinLookup(profiles, (t) => t.userId, { missing: 'drop' });
 *
 * Gotchas: a line that is not JSON, or a row without its key, fails the load with the file and
 * line (and so the batch, when it happens in a refresh; the previous table is kept). When a key
 * appears on several lines, the last line wins. Replace the file by writing a temporary file and
 * renaming it over the old one, so that a refresh never reads a half-written file.
 */
export function jsonlFileLookup<R = Record<string, unknown>, K = unknown, V = R>(
  path: string,
  options: FileLookupOptions<R, K, V>,
): FileTableLookup<R, K, V> {
  return new FileTableLookup<R, K, V>(path, (text) => parseJsonLines<R>(text), options);
}

/** The rows of a JSON Lines text, skipping blank lines; a bad line throws with its number as `line`. */
export function parseJsonLines<R>(text: string): ParsedRow<R>[] {
  const rows: ParsedRow<R>[] = [];
  for (const { value, line } of jsonLines(text)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw Object.assign(new KindlingError('not a JSON object'), { line });
    }
    rows.push({ row: value as R, line });
  }
  return rows;
}
