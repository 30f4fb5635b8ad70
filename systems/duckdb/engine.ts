/**
 * The SQL engine of `stream.sql` and `ssc.sql`: one in-process DuckDB instance (in memory) per
 * context, a connection per sql operator (see `session.ts`). `lib/sql/sql-runtime.ts` imports this
 * module when a context with sql operators starts.
 */
import type { DuckDBInstance } from '@duckdb/node-api';
import {
  ConfigurationError,
  type SqlEngine,
  type SqlEngineOptions,
  type SqlSession,
  type SqlSessionSpec,
} from '../../lib/index.js';
import { loadDuckApi, type DuckApi } from './api.js';
import { resultConverter } from './results.js';
import { DuckDbSession } from './session.js';

/** DuckDB's settings for the engine's options (`memory_limit`, `threads`, `temp_directory`). */
export function duckDbConfig(options: SqlEngineOptions): Record<string, string> {
  const config: Record<string, string> = {};
  if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new ConfigurationError(`sql.threads must be a whole number >= 1, got ${options.threads}`);
    }
    config['threads'] = String(options.threads);
  }
  if (options.tempDirectory !== undefined) config['temp_directory'] = options.tempDirectory;
  return config;
}

class DuckDbEngine implements SqlEngine {
  private closed = false;

  constructor(
    private readonly api: DuckApi,
    private readonly instance: DuckDBInstance,
    private readonly options: SqlEngineOptions,
  ) {}

  async openSession(spec: SqlSessionSpec): Promise<SqlSession> {
    const connection = await this.instance.connect();
    const converter = resultConverter(this.api, this.options.bigint ?? 'number');
    return DuckDbSession.open(this.api, connection, spec, converter);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.instance.closeSync();
  }
}

/**
 * Opens an in-memory DuckDB instance with `options` (a bad `memoryLimit` fails with DuckDB's
 * message, as a ConfigurationError).
 */
export async function openSqlEngine(options: SqlEngineOptions): Promise<SqlEngine> {
  const api = loadDuckApi();
  if (options.bigint !== undefined && options.bigint !== 'number' && options.bigint !== 'bigint') {
    throw new ConfigurationError(`sql.bigint must be 'number' or 'bigint', got '${String(options.bigint)}'`);
  }
  let instance: DuckDBInstance;
  try {
    instance = await api.DuckDBInstance.create(':memory:', duckDbConfig(options));
  } catch (error) {
    throw new ConfigurationError(`the SQL engine (DuckDB) could not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return new DuckDbEngine(api, instance, options);
}
