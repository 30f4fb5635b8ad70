/**
 * CSV as RFC 4180 writes it: fields separated by commas, a field quoted when it holds a comma, a
 * double quote, CR or LF, and a double quote inside a quoted field doubled.
 */

/** The CSV text of one value: empty for null and undefined, ISO 8601 for a Date, JSON for an object. */
export function csvField(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One CSV row (without its line break): an array by position, an object by `columns`.
 *
 * @example
 * csvRow({ id: 1, text: 'a, "b"' }, ['id', 'text']) // '1,"a, ""b"""'
 */
export function csvRow(record: unknown, columns: readonly string[] | undefined): string {
  if (Array.isArray(record)) return record.map(csvField).join(',');
  if (columns !== undefined && record !== null && typeof record === 'object') {
    const fields = record as Record<string, unknown>;
    return columns.map((c) => csvField(fields[c])).join(',');
  }
  if (columns === undefined && record !== null && typeof record === 'object') {
    throw new TypeError(
      'a CSV record that is an object needs `columns` to say which fields to write, in order',
    );
  }
  return csvField(record);
}
