/**
 * A context's SQL engine: opened at start when the graph has a sql operator (one engine, one
 * DuckDB instance, per context), a session (its own connection) per operator, all closed at stop.
 *
 * The one place where `lib/` reaches into `systems/`: the engine module is imported dynamically
 * (`loadEngineModule`), so that the engine (written against `engine.ts`) knows nothing of DuckDB,
 * importing `kindling` loads neither the module nor `@duckdb/node-api`, and `stream.sql` needs no
 * setup from the user (CONTRIBUTING.md, "Import boundaries").
 */
import { ConfigurationError, KindlingError, describe } from '../errors.js';
import type { Node } from '../dstream/node.js';
import { SqlNode } from '../dstream/operators/sql.js';
import type {
  SqlEngine,
  SqlEngineModule,
  SqlEngineOptions,
  SqlLookupTable,
  SqlSessionSpec,
  SqlTable,
} from './engine.js';

/** Imports the DuckDB engine; tests may pass another loader. */
export type SqlEngineLoader = () => Promise<SqlEngineModule>;

/** The DuckDB engine of `systems/duckdb/` (the lint exception of CONTRIBUTING.md). */
const loadEngineModule: SqlEngineLoader = async () =>
  (await import('../../systems/duckdb/engine.js')) as SqlEngineModule;

/** Opens and closes the SQL engine and sessions of one context; see the file summary. */
export class SqlRuntime {
  private engine: SqlEngine | undefined;
  private nodes: SqlNode[] = [];

  constructor(
    private readonly options: SqlEngineOptions = {},
    private readonly load: SqlEngineLoader = loadEngineModule,
  ) {}

  /**
   * Opens the engine and a session per sql operator among `nodes` (nothing without one). A query
   * that does not parse, or (with schemas) does not bind, fails with a ConfigurationError that
   * names the operator and gives the engine's message.
   */
  async start(nodes: readonly Node<unknown>[]): Promise<void> {
    const sqlNodes = nodes.filter((n): n is SqlNode => n instanceof SqlNode);
    if (sqlNodes.length === 0) return;
    const module = await this.load();
    this.engine = await module.openSqlEngine(this.options);
    for (const node of sqlNodes) {
      const tables = await loadTables(node);
      try {
        node.session = await this.engine.openSession(node.sessionSpec(tables));
      } catch (error) {
        if (error instanceof KindlingError) throw error;
        throw new ConfigurationError(`sql '${node.name}': ${describe(error)}`, { cause: error });
      }
      this.nodes.push(node);
    }
  }

  /** Closes every session, then the engine. Later queries fail. A second call does nothing. */
  async close(): Promise<void> {
    const nodes = this.nodes;
    this.nodes = [];
    await Promise.allSettled(
      nodes.map(async (node) => {
        const session = node.session;
        node.session = undefined;
        await session?.close();
      }),
    );
    const engine = this.engine;
    this.engine = undefined;
    await engine?.close();
  }
}

/** `node`'s static tables, each lookup loaded into an array of rows. */
async function loadTables(node: SqlNode): Promise<SqlSessionSpec['tables']> {
  const out: Record<string, Exclude<SqlTable, SqlLookupTable>> = {};
  for (const [name, table] of Object.entries(node.tables)) {
    if (Array.isArray(table) || !isLookup(table)) {
      out[name] = table as Exclude<SqlTable, SqlLookupTable>;
      continue;
    }
    if (typeof table.load !== 'function') {
      throw new ConfigurationError(
        `sql '${node.name}': lookup '${table.name}' (table '${name}') cannot load its whole table ` +
          '(it has no load()); register a file or an array instead, or join it with joinLookup',
      );
    }
    const entries = await table.load();
    const rows: object[] = [];
    for (const [key, value] of entries) {
      rows.push(isPlainObject(value) ? { key, ...value } : { key, value });
    }
    out[name] = rows;
  }
  return out;
}

function isLookup(table: SqlTable): table is SqlLookupTable {
  return typeof (table as { getAll?: unknown }).getAll === 'function';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
