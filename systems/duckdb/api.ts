/**
 * DuckDB's Node API (`@duckdb/node-api`), an optional peer dependency: loaded when a context with
 * SQL streams starts, never by an import.
 */
import type * as duckdb from '@duckdb/node-api';
import { loadOptional } from '../optional.js';

/** The `@duckdb/node-api` module. */
export type DuckApi = typeof duckdb;

/** Loads `@duckdb/node-api`; a ConfigurationError with the install command when it is missing. */
export function loadDuckApi(): DuckApi {
  return loadOptional<DuckApi>('@duckdb/node-api', 'stream.sql (SQL on micro-batches, in DuckDB)');
}

/** `name` quoted as a SQL identifier: `"name"`, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `text` as a SQL string literal: `'text'`, inner quotes doubled. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
