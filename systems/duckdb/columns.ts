/**
 * Records into DuckDB columns: a table's column types inferred from records (or read back from a
 * declared schema), and for each column a writer that checks a JS value against the column's
 * type and gives what DuckDB's data chunk takes, or says why it does not fit (a dead letter).
 */
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { DuckApi } from './api.js';

/** A value for a data chunk's vector: a DuckDB value, or a primitive the vector takes as is. */
export type ChunkValue = DuckDBValue;

/** Checks and converts one JS value for one column; throws a {@link Misfit} when it does not fit. */
export type ColumnWriter = (value: unknown) => ChunkValue;

/** Why a value does not fit a column (becomes the dead letter's reason). */
export class Misfit extends Error {}

/** A table's column as the loader writes it. */
export interface Column {
  readonly name: string;
  readonly type: DuckDBType;
  readonly write: ColumnWriter;
}

/** A record as a row: itself when a plain object, else `{ value: record }` (a stream of strings). */
export function rowOf(record: unknown): Record<string, unknown> {
  return isPlainObject(record) ? record : { value: record };
}

/** True for `{}`-made objects (not arrays, dates, buffers or class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The columns of a table inferred from `records` (rows as {@link rowOf} makes them): every key
 * seen, in first-seen order, typed by its first value that is not null; undefined when there is
 * no record yet.
 */
export function inferColumns(api: DuckApi, records: readonly unknown[]): [string, DuckDBType][] | undefined {
  if (records.length === 0) return undefined;
  const types = new Map<string, DuckDBType | undefined>();
  for (const record of records) {
    const row = rowOf(record);
    for (const key of Object.keys(row)) {
      if (types.get(key) !== undefined) continue;
      types.set(key, inferType(api, row[key]));
    }
  }
  return [...types].map(([name, type]) => [name, type ?? api.VARCHAR]);
}

/** The DuckDB type of a JS value; undefined for null or undefined (decided by a later value). */
export function inferType(api: DuckApi, value: unknown): DuckDBType | undefined {
  switch (typeof value) {
    case 'string':
      return api.VARCHAR;
    case 'number':
      return api.DOUBLE;
    case 'bigint':
      return api.BIGINT;
    case 'boolean':
      return api.BOOLEAN;
    case 'undefined':
      return undefined;
  }
  if (value === null) return undefined;
  if (value instanceof Date) return api.TIMESTAMP;
  if (value instanceof Uint8Array) return api.BLOB;
  if (Array.isArray(value)) {
    const first = value.find((item) => item !== null && item !== undefined);
    return api.LIST(inferType(api, first) ?? api.VARCHAR);
  }
  if (isPlainObject(value)) {
    const entries: Record<string, DuckDBType> = {};
    for (const [key, entry] of Object.entries(value)) entries[key] = inferType(api, entry) ?? api.VARCHAR;
    return api.STRUCT(entries);
  }
  return api.VARCHAR;
}

/** A short description of a JS value for a misfit's reason: `the string "many"`. */
function described(value: unknown): string {
  if (value instanceof Date) return `the Date ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return isPlainObject(value) ? 'an object' : `a ${value?.constructor?.name}`;
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const short = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return `the ${typeof value} ${short}`;
}

const INT_RANGES: Record<string, readonly [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  UTINYINT: [0, 255],
  USMALLINT: [0, 65535],
  UINTEGER: [0, 4294967295],
};

/** The writer of a column of `type`, named `where` in reasons (`column 'likes'`). */
export function columnWriter(api: DuckApi, type: DuckDBType, where: string): ColumnWriter {
  const id = api.DuckDBTypeId;
  const toDuck = api.jsToDuckDBValue as (value: unknown, type: DuckDBType) => DuckDBValue;
  const misfit = (value: unknown): Misfit =>
    new Misfit(`${where} is ${type.toString()}, got ${described(value)}`);
  const nullable =
    (write: ColumnWriter): ColumnWriter =>
    (value) =>
      value === null || value === undefined ? null : write(value);
  const name = id[type.typeId];
  const range = name === undefined ? undefined : INT_RANGES[name];
  if (range) {
    const [min, max] = range;
    return nullable((v) => {
      if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
      throw misfit(v);
    });
  }
  switch (type.typeId) {
    case id.BOOLEAN:
      return nullable((v) => {
        if (typeof v === 'boolean') return v;
        throw misfit(v);
      });
    case id.BIGINT:
    case id.UBIGINT:
    case id.HUGEINT:
    case id.UHUGEINT: {
      const unsigned = type.typeId === id.UBIGINT || type.typeId === id.UHUGEINT;
      const bits = type.typeId === id.BIGINT || type.typeId === id.UBIGINT ? 64n : 128n;
      const min = unsigned ? 0n : -(1n << (bits - 1n));
      const max = unsigned ? (1n << bits) - 1n : (1n << (bits - 1n)) - 1n;
      return nullable((v) => {
        const big = typeof v === 'bigint' ? v : Number.isSafeInteger(v) ? BigInt(v as number) : undefined;
        if (big !== undefined && big >= min && big <= max) return big;
        throw misfit(v);
      });
    }
    case id.FLOAT:
    case id.DOUBLE:
      return (v) => {
        if (typeof v === 'number' || v === null || v === undefined) return v ?? null;
        throw misfit(v);
      };
    case id.DECIMAL:
      return nullable((v) => {
        if (typeof v === 'number' && Number.isFinite(v)) return toDuck(v, type);
        throw misfit(v);
      });
    case id.VARCHAR:
      return (v) => {
        if (typeof v === 'string' || v === null || v === undefined) return v ?? null;
        throw misfit(v);
      };
    case id.TIMESTAMP:
    case id.TIMESTAMP_MS:
    case id.TIMESTAMP_S:
    case id.TIMESTAMP_NS:
    case id.TIMESTAMP_TZ:
    case id.DATE:
      return nullable((v) => {
        if (v instanceof Date && !Number.isNaN(v.getTime())) return toDuck(v, type);
        throw misfit(v);
      });
    case id.BLOB:
      return nullable((v) => {
        if (v instanceof Uint8Array) return api.blobValue(v);
        throw misfit(v);
      });
    case id.LIST: {
      const item = columnWriter(api, (type as { valueType: DuckDBType }).valueType, `an item of ${where}`);
      return nullable((v) => {
        if (!Array.isArray(v)) throw misfit(v);
        return api.listValue(v.map(item));
      });
    }
    case id.STRUCT: {
      const struct = type as unknown as { entryNames: string[]; entryTypes: DuckDBType[] };
      const fields = struct.entryNames.map(
        (field, i) =>
          [field, columnWriter(api, struct.entryTypes[i] as DuckDBType, `${where}.${field}`)] as const,
      );
      return nullable((v) => {
        if (!isPlainObject(v)) throw misfit(v);
        const entries: Record<string, ChunkValue> = {};
        for (const [field, write] of fields) entries[field] = write(v[field]);
        return api.structValue(entries);
      });
    }
    default:
      return nullable((v) => {
        try {
          return toDuck(v, type);
        } catch {
          throw misfit(v);
        }
      });
  }
}

/** The columns of a table of these names and types, with their writers. */
export function columnsOf(api: DuckApi, names: readonly string[], types: readonly DuckDBType[]): Column[] {
  return names.map((name, i) => {
    const type = types[i] as DuckDBType;
    return { name, type, write: columnWriter(api, type, `column '${name}'`) };
  });
}
