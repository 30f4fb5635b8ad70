/**
 * Records into DuckDB columns: the types inferred from JS values, and each column's check of a
 * value (what fits, and the reason given for what does not).
 */
import test from 'ava';
import { loadDuckApi } from '../../../systems/duckdb/api.js';
import { Misfit, columnWriter, inferColumns, inferType, rowOf } from '../../../systems/duckdb/columns.js';

const api = loadDuckApi();

test('types inferred from JS values', (t) => {
  const cases: [unknown, string | undefined][] = [
    ['x', 'VARCHAR'],
    [1.5, 'DOUBLE'],
    [7n, 'BIGINT'],
    [true, 'BOOLEAN'],
    [new Date(0), 'TIMESTAMP'],
    [new Uint8Array([1]), 'BLOB'],
    [[null, 'a'], 'VARCHAR[]'],
    [[], 'VARCHAR[]'],
    [{ x: 1, y: null }, 'STRUCT("x" DOUBLE, "y" VARCHAR)'],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [value, type] of cases) t.is(inferType(api, value)?.toString(), type, String(value));
});

test('columns inferred from a batch: every key in first-seen order, typed by its first non-null value', (t) => {
  const columns = inferColumns(api, [{ a: null, b: 'x' }, { a: 2, c: true }, 'loose']);
  t.deepEqual(
    columns?.map(([name, type]) => [name, type.toString()]),
    [
      ['a', 'DOUBLE'],
      ['b', 'VARCHAR'],
      ['c', 'BOOLEAN'],
      ['value', 'VARCHAR'],
    ],
  );
  t.is(inferColumns(api, []), undefined);
  t.deepEqual(rowOf(3), { value: 3 });
});

test('what each column takes, and why it refuses the rest', (t) => {
  const reason = (type: Parameters<typeof columnWriter>[1], value: unknown): string | undefined => {
    try {
      columnWriter(api, type, "column 'c'")(value);
      return undefined;
    } catch (error) {
      t.true(error instanceof Misfit);
      return (error as Error).message;
    }
  };
  t.is(reason(api.INTEGER, 2147483647), undefined);
  t.is(reason(api.INTEGER, 2147483648), "column 'c' is INTEGER, got the number 2147483648");
  t.is(reason(api.TINYINT, -129), "column 'c' is TINYINT, got the number -129");
  t.is(reason(api.BIGINT, 2n ** 63n), "column 'c' is BIGINT, got the bigint 9223372036854775808");
  t.is(reason(api.BIGINT, 12), undefined);
  t.is(reason(api.BIGINT, 0.5), "column 'c' is BIGINT, got the number 0.5");
  t.is(reason(api.DOUBLE, '1'), `column 'c' is DOUBLE, got the string "1"`);
  t.is(reason(api.DECIMAL(10, 2), 1.25), undefined);
  t.is(reason(api.DATE, new Date(Number.NaN)), "column 'c' is DATE, got the Date Invalid Date");
  t.is(reason(api.VARCHAR, null), undefined);
  t.is(reason(api.BOOLEAN, 1), "column 'c' is BOOLEAN, got the number 1");
  t.is(reason(api.LIST(api.INTEGER), [1, 'two']), `an item of column 'c' is INTEGER, got the string "two"`);
  t.is(reason(api.STRUCT({ x: api.VARCHAR }), { x: 1 }), "column 'c'.x is VARCHAR, got the number 1");
  t.is(reason(api.STRUCT({ x: api.VARCHAR }), ['x']), 'column \'c\' is STRUCT("x" VARCHAR), got an array');
  t.is(reason(api.BLOB, 'bytes'), `column 'c' is BLOB, got the string "bytes"`);
});
