/**
 * A cheap estimate of how many bytes a record takes in memory, for the receivers' byte bound.
 */

/** What a value of unknown shape counts for: an object header and a few fields. */
const OBJECT_BYTES = 64;
/** How deep arrays and plain objects are walked before a nested value counts as {@link OBJECT_BYTES}. */
const MAX_DEPTH = 2;

/**
 * Estimates the bytes `record` holds, in O(size of its top levels), never by serialising it:
 * a string counts 2 bytes per UTF-16 code unit (its `length * 2`), a `Buffer`, typed array or
 * `ArrayBuffer` its `byteLength`, a number, boolean or `null` 8, a bigint 16, an array 16 plus
 * its elements, a plain object 16 plus 2 bytes per key character plus its values, walked two
 * levels deep; anything deeper or of another kind (a Map, a class instance) counts 64.
 *
 * @example
 * recordBytes('hello');            // 10
 * recordBytes(['word', 1]);        // 16 + 8 + 8 = 32
 * recordBytes(Buffer.alloc(1024)); // 1024
 *
 * Gotcha: it is an estimate, meant to bound memory within a small factor, not to measure it;
 * records that share structure are counted once per record.
 */
export function recordBytes(record: unknown, depth = 0): number {
  switch (typeof record) {
    case 'string':
      return record.length * 2;
    case 'number':
    case 'boolean':
    case 'undefined':
      return 8;
    case 'bigint':
      return 16;
    case 'object':
      return objectBytes(record, depth);
    default:
      return OBJECT_BYTES;
  }
}

function objectBytes(value: object | null, depth: number): number {
  if (value === null) return 8;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
  if (depth >= MAX_DEPTH) return OBJECT_BYTES;
  if (Array.isArray(value)) {
    let bytes = 16;
    for (let i = 0; i < value.length; i++) bytes += recordBytes(value[i], depth + 1);
    return bytes;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return OBJECT_BYTES;
  let bytes = 16;
  for (const key in value) {
    bytes += key.length * 2 + recordBytes((value as Record<string, unknown>)[key], depth + 1);
  }
  return bytes;
}

/** The sum of {@link recordBytes} over `records`. */
export function recordsBytes(records: readonly unknown[]): number {
  let bytes = 0;
  for (let i = 0; i < records.length; i++) bytes += recordBytes(records[i]);
  return bytes;
}
