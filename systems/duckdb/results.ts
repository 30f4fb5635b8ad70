/**
 * Result rows into plain objects: DuckDB's JS conversion (TIMESTAMP and DATE to Date, DECIMAL to a
 * double, LIST to an array, STRUCT to an object, MAP to `{ key, value }` entries, BLOB to bytes),
 * with 64- and 128-bit integers as numbers unless `bigint: 'bigint'` (README, "SQL on
 * micro-batches").
 */
import type { DuckDBType, DuckDBValue, DuckDBValueConverter, JS } from '@duckdb/node-api';
import { KindlingError } from '../../lib/index.js';
import type { DuckApi } from './api.js';

/** The converter of result values: integers by `bigint`, the rest as DuckDB's JS converter does. */
export function resultConverter(api: DuckApi, bigint: 'number' | 'bigint'): DuckDBValueConverter<JS> {
  const id = api.DuckDBTypeId;
  const wide = new Set<number>([id.BIGINT, id.UBIGINT, id.HUGEINT, id.UHUGEINT, id.BIGNUM]);
  const convert = (value: DuckDBValue, type: DuckDBType, self: DuckDBValueConverter<JS>): JS | null => {
    if (bigint === 'number' && typeof value === 'bigint' && wide.has(type.typeId)) {
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new KindlingError(
          `the ${type.toString()} value ${value} is past ±2^53−1, which a number cannot hold exactly: ` +
            "cast it in the query (to DOUBLE or VARCHAR) or create the context with sql: { bigint: 'bigint' }",
        );
      }
      return Number(value);
    }
    return api.JSDuckDBValueConverter(value, type, self);
  };
  return convert as DuckDBValueConverter<JS>;
}
