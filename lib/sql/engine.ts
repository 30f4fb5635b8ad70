/**
 * The SQL engine behind `stream.sql` and `ssc.sql`, as the engine sees it: the operator (in
 * `lib/dstream/operators/sql.ts`) is written against these interfaces only; the implementation
 * (an in-process DuckDB, `systems/duckdb/`) is loaded by `sql-runtime.ts` when a context with SQL
 * streams starts. The options users give are here too, in Kindling's own types.
 */
import type { DStream } from '../dstream/dstream.js';

/**
 * A table's columns: name → SQL type, as DuckDB spells it (`'VARCHAR'`, `'INTEGER'`, `'BIGINT'`,
 * `'DOUBLE'`, `'BOOLEAN'`, `'TIMESTAMP'`, `'DATE'`, `'DECIMAL(10,2)'`, `'VARCHAR[]'`,
 * `'STRUCT(x INTEGER, y VARCHAR)'`, ...), in column order.
 *
 * @example
 * const schema: SqlSchema = { user: 'VARCHAR', likes: 'INTEGER', at: 'TIMESTAMP' };
 */
export type SqlSchema = Readonly<Record<string, string>>;

/**
 * A static table beside the batch: a file (CSV with a header, JSON Lines, Parquet), read once
 * when the context starts, or an array of plain objects (columns inferred from them as from a
 * batch), or a lookup of `kindling/lookups` that can load its whole table (`load()`): each
 * entry is a row, `{ key, ...value }` when the value is a plain object, else `{ key, value }`.
 *
 * @example
 * const tables = { profiles: { parquet: '/data/profiles.parquet' }, topics: [{ tag: 'ts', topic: 'code' }] };
 */
export type SqlTable = SqlFileTable | readonly object[] | SqlLookupTable;

/** A file read into a static table once, at start: CSV with a header, JSON Lines, or Parquet. */
export type SqlFileTable =
  | {
      /** The path of a CSV file with a header line (DuckDB's `read_csv` detects the types). */
      readonly csv: string;
    }
  | {
      /** The path of a JSON Lines file, one object a line (DuckDB's `read_json`). */
      readonly jsonl: string;
    }
  | {
      /** The path of a Parquet file (DuckDB's `read_parquet`). */
      readonly parquet: string;
    };

/** A lookup of `kindling/lookups` as a static table: it must be able to load its whole table. */
export interface SqlLookupTable {
  /** The lookup's name, in errors. */
  readonly name: string;
  /** The whole table; called once, at start. A lookup without it cannot be a SQL table. */
  load?(): Promise<ReadonlyMap<unknown, unknown>>;
  /** The lookup's per-key read (what tells a lookup from the other tables; not called here). */
  getAll(keys: readonly never[]): Promise<ReadonlyMap<unknown, unknown>>;
}

/** The options of `stream.sql(query, options)`. */
export interface SqlStreamOptions {
  /** The name of the batch's table in the query. Default `batch`. */
  readonly table?: string;
  /**
   * The batch table's columns. Without it they are inferred from the first batch that holds a
   * record (see the README, "SQL on micro-batches"), and the query is checked against them then.
   */
  readonly schema?: SqlSchema;
  /** Static tables beside the batch, by name: files, arrays or lookups (see {@link SqlTable}). */
  readonly tables?: Readonly<Record<string, SqlTable>>;
}

/** The options of `ssc.sql(query, options)`: the streams whose batches of a time are its tables. */
export interface SqlQueryOptions {
  /** The streams, by table name; at least one, all of this context and sliding alike. */
  readonly streams: Readonly<Record<string, DStream<unknown>>>;
  /** Declared columns of some of the stream tables, by table name (see {@link SqlSchema}). */
  readonly schemas?: Readonly<Record<string, SqlSchema>>;
  /** Static tables beside the streams', by name (see {@link SqlTable}). */
  readonly tables?: Readonly<Record<string, SqlTable>>;
}

/** The settings of a context's SQL engine: the `sql` option of a StreamingContext. */
export interface SqlEngineOptions {
  /**
   * The most memory the engine may use, in DuckDB's notation (`'512MB'`, `'2GB'`); past it
   * DuckDB spills to `tempDirectory` or fails the query. Default: DuckDB's (80 % of RAM).
   */
  readonly memoryLimit?: string;
  /** How many threads DuckDB may run queries on. Default: DuckDB's (the number of cores). */
  readonly threads?: number;
  /** Where DuckDB spills what does not fit `memoryLimit`. Default: DuckDB's (`.tmp` in the cwd). */
  readonly tempDirectory?: string;
  /**
   * How 64- and 128-bit integers (BIGINT, HUGEINT, `count(*)`, `sum` of integers) come back:
   * `'number'` (default; a value past ±2^53−1 fails the batch, saying to cast or use `'bigint'`)
   * or `'bigint'` (always a JS `bigint`).
   */
  readonly bigint?: 'number' | 'bigint';
}

/** For engine authors: one table of a query fed by a stream: its name, and its columns if declared. */
export interface SqlStreamTable {
  /** The table's name in the query. */
  readonly name: string;
  /** Its declared columns; absent: inferred from the first batch with records. */
  readonly schema?: SqlSchema;
}

/** For engine authors: what a session is opened for, one sql operator. */
export interface SqlSessionSpec {
  /** The operator's name, for messages. */
  readonly operator: string;
  /** The SQL query, one statement. */
  readonly query: string;
  /** The tables fed by streams, in the order of `SqlSession.run`'s batches. */
  readonly streams: readonly SqlStreamTable[];
  /** Static tables: files, and arrays (lookups are loaded into arrays before). */
  readonly tables: Readonly<Record<string, SqlFileTable | readonly object[]>>;
}

/** For engine authors: a record of a batch that does not fit its table's columns. */
export interface SqlMisfit {
  /** The index of the table in `SqlSessionSpec.streams`. */
  readonly table: number;
  /** The record as the stream gave it. */
  readonly record: unknown;
  /** Why, for people: `column 'likes' is INTEGER, got the string "many"`. */
  readonly reason: string;
}

/** For engine authors: what a query over one batch time gave. */
export interface SqlBatchResult {
  /** The result rows, keyed by column name, values mapped as the README's table says. */
  readonly rows: Record<string, unknown>[];
  /** The records left out of their tables because they did not fit (become dead letters). */
  readonly misfits: readonly SqlMisfit[];
}

/** For engine authors: one sql operator's connection: its tables and its prepared query. */
export interface SqlSession {
  /** Loads each stream table with its batch (in `spec.streams` order) and runs the query. */
  run(batches: readonly (readonly unknown[])[]): Promise<SqlBatchResult>;
  /** Closes the connection (after a run under way); later runs fail. */
  close(): Promise<void>;
}

/** For engine authors: one context's SQL engine (one DuckDB instance). */
export interface SqlEngine {
  /**
   * Opens a connection for `spec`, registers its static tables and prepares its query (fully
   * when every stream table has a schema; else it checks the syntax only). Throws the engine's
   * message when the query does not parse or bind.
   */
  openSession(spec: SqlSessionSpec): Promise<SqlSession>;
  /** Closes the instance, after its sessions; a second call does nothing. */
  close(): Promise<void>;
}

/** For engine authors: what `systems/duckdb/engine.ts` exports for `sql-runtime.ts`. */
export interface SqlEngineModule {
  /** Opens one engine (one instance) with the context's `sql` option. */
  openSqlEngine(options: SqlEngineOptions): Promise<SqlEngine>;
}
