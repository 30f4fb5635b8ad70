/**
 * How a slice's records and results cross between the main thread and a worker. Structured
 * clone rebuilds an object or a tuple one property at a time: reading back an array of records
 * of three short strings costs about 1 µs a record, on the main thread for a stage's results.
 * Records that all have one shape (plain objects with the same keys in the same order, or arrays
 * of one length) and only primitive fields cross as one array per field instead, which is read
 * back and rebuilt in about 0.4 µs (measured with `v8.serialize`/`v8.deserialize`, which
 * `postMessage` uses). Anything else crosses as it is. Either way the other side gets the same
 * records as a structured clone gives: the same keys in the same order, `undefined` and `-0`
 * kept, one record given twice arriving as one object given twice (such a slice crosses as it is).
 * Tuples use the columns of checkpoints (`checkpoint/columns.ts`).
 */
import { fromColumns, type ColumnBatch } from '../../checkpoint/columns.js';

/**
 * A slice's records one array per field (at least one); see {@link sendRecords}. Column c holds
 * every record's field c (the c-th key, or element c), in record order.
 */
export interface RecordColumns extends ColumnBatch {
  /** The records' keys, in order, when they are objects; absent when they are arrays. */
  readonly keys?: readonly string[];
}

/** Records as they are posted to another thread. */
export type SentRecords = readonly unknown[] | RecordColumns;

/**
 * `records[from..to)` as they are posted: as {@link RecordColumns} when every one of them has
 * the first one's shape, with at least one field and only primitive ones, otherwise as an array.
 *
 * @example
 * sendRecords([{ id: 'a', n: 1 }, { id: 'b', n: 2 }]);
 * // { keys: ['id', 'n'], columns: [['a', 'b'], [1, 2]] }
 * sendRecords([['a', 1], ['b', { n: 2 }]]); // [['a', 1], ['b', { n: 2 }]] (a field is an object)
 */
export function sendRecords(records: readonly unknown[], from = 0, to = records.length): SentRecords {
  const asIs = (): readonly unknown[] =>
    from === 0 && to === records.length ? records : records.slice(from, to);
  const first = records[from];
  if (typeof first !== 'object' || first === null) return asIs();
  const proto = Object.getPrototypeOf(first) as unknown;
  let keys: string[] | undefined;
  if (proto === Object.prototype) {
    keys = Object.keys(first);
    // Rebuilt by assignment, a `__proto__` key would set the prototype instead of a field.
    if (keys.includes('__proto__')) return asIs();
  } else if (proto !== Array.prototype) return asIs();
  const width = keys ? keys.length : (first as unknown[]).length;
  if (width === 0) return asIs();
  // Filled with push, not `new Array(n)`: v8.serialize writes a holey array as a sparse one.
  const columns: unknown[][] = [];
  for (let c = 0; c < width; c++) columns.push([]);
  const seen = new Set<object>();
  for (let i = from; i < to; i++) {
    const record = records[i];
    if (typeof record !== 'object' || record === null || Object.getPrototypeOf(record) !== proto)
      return asIs();
    if (seen.has(record)) return asIs();
    seen.add(record);
    if (keys) {
      if (!hasKeys(record, keys)) return asIs();
      for (let c = 0; c < width; c++) {
        const value = (record as Record<string, unknown>)[keys[c] as string];
        if (!isPrimitive(value)) return asIs();
        (columns[c] as unknown[]).push(value);
      }
    } else {
      const row = record as unknown[];
      if (row.length !== width) return asIs();
      for (let c = 0; c < width; c++) {
        const value = row[c];
        // A hole crosses as a hole in a structured clone, not as `undefined`.
        if (!isPrimitive(value) || (value === undefined && !(c in row))) return asIs();
        (columns[c] as unknown[]).push(value);
      }
    }
  }
  return keys ? { keys, columns } : { columns };
}

/** The records {@link sendRecords} sent, as an array. */
export function receiveRecords(sent: SentRecords): unknown[] {
  if (Array.isArray(sent)) return sent as unknown[];
  const { keys, columns } = sent as RecordColumns;
  if (!keys) return fromColumns(sent);
  const length = (columns[0] as unknown[]).length;
  const records: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const record: Record<string, unknown> = {};
    for (let c = 0; c < keys.length; c++) record[keys[c] as string] = (columns[c] as unknown[])[i];
    records.push(record);
  }
  return records;
}

/** Whether `record`'s enumerable keys are `keys`, in that order. */
function hasKeys(record: object, keys: readonly string[]): boolean {
  let n = 0;
  for (const key in record) if (key !== keys[n++]) return false;
  return n === keys.length;
}

/** A value that crosses threads by copy, with no identity to keep (or cannot cross at all). */
function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}
