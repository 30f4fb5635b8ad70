/**
 * Which columns of the stream tables a query reads, from DuckDB's own parse of it
 * (`json_serialize_sql`), so that a batch's other columns need not be moved into DuckDB: they are
 * still checked (a misfit is a dead letter all the same) but written as NULL, which costs no
 * call into DuckDB per value. Whenever the parse cannot say for sure, every column is read: a
 * statement other than SELECT, a `*` or `COLUMNS(...)`, a NATURAL join, PIVOT or UNPIVOT (which
 * group by the columns they do not name), or a bare name that is not a column of a stream table
 * (a whole row as a struct, a lambda's parameter, or a select-list alias).
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** The lower-cased names of the columns `query` reads; undefined when it may read them all. */
export async function columnsRead(
  connection: DuckDBConnection,
  query: string,
  streamColumns: ReadonlySet<string>,
): Promise<Set<string> | undefined> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [query]);
  const ast = String(reader.getRows()[0]?.[0] ?? '');
  if (!ast.startsWith('{') || /"error":true|"class":"STAR"|NATURAL|PIVOT/.test(ast)) return undefined;
  const names = new Set<string>();
  for (const [, list] of ast.matchAll(/"(?:column_names|using_columns)":\[([^\]]*)\]/g)) {
    const parts = [...(list ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(
      ([, name]) => JSON.parse(`"${name}"`) as string,
    );
    const lower = parts.map((p) => p.toLowerCase());
    if (lower.length === 1 && !streamColumns.has(lower[0] as string)) return undefined;
    for (const name of lower) names.add(name);
  }
  return names;
}
