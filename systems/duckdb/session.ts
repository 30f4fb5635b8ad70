/**
 * One sql operator's DuckDB connection: its static tables (created once, at start), its stream
 * tables (temporary tables emptied and filled again each batch, in data chunks through an
 * appender, never a row at a time), and its query.
 *
 * The query is prepared at start only to check it (when every stream table's columns are
 * declared), and planned again for each batch: a statement prepared over one batch's table is
 * optimized with that table's statistics (an empty table at start), and DuckDB 1.5 then gives
 * wrong strings for a GROUP BY over a later batch (its compressed materialization of strings).
 */
import type { DuckDBConnection, DuckDBType, DuckDBValueConverter, JS } from '@duckdb/node-api';
import {
  ConfigurationError,
  KindlingError,
  type SqlBatchResult,
  type SqlMisfit,
  type SqlSession,
  type SqlSessionSpec,
} from '../../lib/index.js';
import { quoteIdentifier, quoteLiteral, type DuckApi } from './api.js';
import { Misfit, columnsOf, inferColumns, rowOf, type ChunkValue, type Column } from './columns.js';
import { columnsRead } from './projection.js';

/** Rows per data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/** A stream table: its name, and its columns once declared or inferred. */
interface StreamTable {
  readonly name: string;
  columns: Column[] | undefined;
  /** The statement that creates the table empty (again: see `load`). */
  create?: string;
}

/** The DuckDB side of one sql operator; see the file summary. */
export class DuckDbSession implements SqlSession {
  private readonly tables: StreamTable[];
  /**
   * The lower-cased names of the columns the query reads (see `projection.ts`), once every stream
   * table has its columns; undefined: all of them.
   */
  private read: Set<string> | undefined;
  /** Runs one at a time: a window over this stream may ask for several batch times at once. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly api: DuckApi,
    private readonly connection: DuckDBConnection,
    private readonly spec: SqlSessionSpec,
    private readonly converter: DuckDBValueConverter<JS>,
  ) {
    this.tables = spec.streams.map((s) => ({ name: s.name, columns: undefined }));
  }

  /** Opens the session: static tables, declared stream tables, and the query prepared or parsed. */
  static async open(
    api: DuckApi,
    connection: DuckDBConnection,
    spec: SqlSessionSpec,
    converter: DuckDBValueConverter<JS>,
  ): Promise<DuckDbSession> {
    const session = new DuckDbSession(api, connection, spec, converter);
    try {
      await session.createStaticTables();
      for (const [i, stream] of spec.streams.entries()) {
        if (stream.schema) await session.createStreamTable(i, Object.entries(stream.schema));
      }
      if (session.tables.every((t) => t.columns)) {
        await connection.prepare(spec.query);
        await session.findColumnsRead();
      } else await session.checkSyntax();
    } catch (error) {
      connection.closeSync();
      throw error;
    }
    return session;
  }

  run(batches: readonly (readonly unknown[])[]): Promise<SqlBatchResult> {
    const next = this.queue.then(() => this.runNow(batches));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
  }

  private async runNow(batches: readonly (readonly unknown[])[]): Promise<SqlBatchResult> {
    for (const [i, table] of this.tables.entries()) {
      if (table.columns) continue;
      const inferred = inferColumns(this.api, batches[i] ?? []);
      if (!inferred) return { rows: [], misfits: [] }; // nothing to infer the columns from yet
      await this.createStreamTable(
        i,
        inferred.map(([name, type]) => [name, type.toString()]),
      );
      if (this.tables.every((t) => t.columns)) await this.findColumnsRead();
    }
    const misfits: SqlMisfit[] = [];
    for (const [i, table] of this.tables.entries()) {
      await this.load(table, batches[i] ?? [], (record, reason) =>
        misfits.push({ table: i, record, reason }),
      );
    }
    const reader = await this.connection.runAndReadAll(this.spec.query);
    const rows = reader.convertRowObjects(this.converter) as Record<string, unknown>[];
    return { rows, misfits };
  }

  /**
   * Empties `table` and appends `records` to it in data chunks of {@link CHUNK_ROWS} rows, a
   * column at a time; a record with a value that does not fit goes to `reject` and is left out.
   */
  private async load(
    table: StreamTable,
    records: readonly unknown[],
    reject: (record: unknown, reason: string) => void,
  ): Promise<void> {
    const columns = table.columns as Column[];
    // Made anew rather than emptied: in DuckDB 1.5, rows DELETEd (or TRUNCATEd) from a temporary
    // table keep their memory, about 4.7 MB more per batch of 100k rows, without end.
    await this.connection.run(table.create as string);
    if (records.length === 0) return;
    const rows = records.map(rowOf);
    const misfits = new Map<number, string>();
    const values = columns.map((column) => {
      const { name, write } = column;
      const out = new Array<ChunkValue>(rows.length);
      const unread = this.read !== undefined && !this.read.has(name.toLowerCase());
      for (let i = 0; i < rows.length; i++) {
        try {
          const value = write((rows[i] as Record<string, unknown>)[name]);
          out[i] = unread ? null : value;
        } catch (error) {
          if (!(error instanceof Misfit)) throw error;
          if (!misfits.has(i)) misfits.set(i, error.message);
          out[i] = null;
        }
      }
      return out;
    });
    let kept = values;
    if (misfits.size > 0) {
      for (const [i, reason] of [...misfits].sort((a, b) => a[0] - b[0])) reject(records[i], reason);
      kept = values.map((column) => column.filter((_, i) => !misfits.has(i)));
    }
    const count = rows.length - misfits.size;
    if (count === 0) return;
    const types = columns.map((c) => c.type);
    const appender = await this.connection.createAppender(table.name, 'main', 'temp');
    try {
      for (let offset = 0; offset < count; offset += CHUNK_ROWS) {
        const size = Math.min(CHUNK_ROWS, count - offset);
        const chunk = this.api.DuckDBDataChunk.create(types, size);
        chunk.setColumns(kept.map((column) => column.slice(offset, offset + size)));
        appender.appendDataChunk(chunk);
      }
    } finally {
      appender.closeSync();
    }
  }

  /** Creates stream table `i` with these columns (SQL types as text) and reads their types back. */
  private async createStreamTable(i: number, columns: readonly (readonly [string, string])[]): Promise<void> {
    const table = this.tables[i] as StreamTable;
    if (columns.length === 0) {
      throw new ConfigurationError(`table '${table.name}' has no columns: give its schema at least one`);
    }
    const list = columns.map(([name, type]) => `${quoteIdentifier(name)} ${type}`).join(', ');
    table.create = `CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(table.name)} (${list})`;
    await this.connection.run(table.create);
    const reader = await this.connection.runAndReadAll(
      `SELECT * FROM ${quoteIdentifier(table.name)} LIMIT 0`,
    );
    const types: DuckDBType[] = reader.columnTypes();
    table.columns = columnsOf(this.api, reader.columnNames(), types);
  }

  /** Creates the static tables: files read once, arrays loaded as a batch would be. */
  private async createStaticTables(): Promise<void> {
    for (const [name, source] of Object.entries(this.spec.tables)) {
      const target = quoteIdentifier(name);
      if (Array.isArray(source)) {
        const inferred = inferColumns(this.api, source);
        if (!inferred) {
          throw new ConfigurationError(`table '${name}' is an empty array: its columns cannot be inferred`);
        }
        const list = inferred
          .map(([column, type]) => `${quoteIdentifier(column)} ${type.toString()}`)
          .join(', ');
        const table: StreamTable = {
          name,
          columns: columnsOf(
            this.api,
            inferred.map(([column]) => column),
            inferred.map(([, type]) => type),
          ),
          create: `CREATE OR REPLACE TEMP TABLE ${target} (${list})`,
        };
        const rejected: string[] = [];
        await this.load(table, source, (_record, reason) => rejected.push(reason));
        if (rejected.length > 0) {
          throw new ConfigurationError(
            `table '${name}': ${rejected.length} row(s) do not fit the columns inferred from the array, ` +
              `the first: ${rejected[0]}`,
          );
        }
        continue;
      }
      const file = source as { csv?: string; jsonl?: string; parquet?: string };
      const read =
        file.csv !== undefined
          ? `read_csv(${quoteLiteral(file.csv)}, header = true)`
          : file.jsonl !== undefined
            ? `read_json(${quoteLiteral(file.jsonl)}, format = 'newline_delimited')`
            : file.parquet !== undefined
              ? `read_parquet(${quoteLiteral(file.parquet)})`
              : undefined;
      if (read === undefined) {
        throw new ConfigurationError(
          `table '${name}': give { csv: path }, { jsonl: path }, { parquet: path }, an array of objects or a lookup`,
        );
      }
      await this.connection.run(`CREATE OR REPLACE TEMP TABLE ${target} AS SELECT * FROM ${read}`);
    }
  }

  /** Notes which stream columns the query reads, once every stream table has its columns. */
  private async findColumnsRead(): Promise<void> {
    const names = new Set(this.tables.flatMap((t) => (t.columns ?? []).map((c) => c.name.toLowerCase())));
    this.read = await columnsRead(this.connection, this.spec.query, names);
  }

  /** Parses the query (its columns cannot be checked before the tables have theirs). */
  private async checkSyntax(): Promise<void> {
    const statements = await this.connection.extractStatements(this.spec.query);
    if (statements.count !== 1) {
      throw new KindlingError(`the query must be one statement, got ${statements.count}`);
    }
  }
}
