/**
 * What the HBase lookup and the HBase output share about a connection: where they connect (new
 * connection options, or a shared adapter), opening it, and the checks of their common options.
 */
import { ConfigurationError } from '../../lib/index.js';
import { HBaseAdapter, type HBaseConnectionOptions } from './adapter.js';
import { hbaseLibrary } from './library.js';

/**
 * Where the lookup and the output connect: connection options (a new connection, closed with
 * them), or `{ adapter }`, a connection shared with others (closed by its owner).
 */
export type HBaseConnection =
  | HBaseConnectionOptions
  | {
      /** An open adapter shared with other lookups and outputs; its owner closes it. */
      readonly adapter: HBaseAdapter;
    };

/** The adapter of `connection`, and whether the caller owns it (must close it). */
export function openConnection(connection: HBaseConnection): { adapter: HBaseAdapter; owned: boolean } {
  if ('adapter' in connection) return { adapter: connection.adapter, owned: false };
  return { adapter: new HBaseAdapter(connection), owned: true };
}

const TABLE = /^([a-zA-Z0-9_.-]+:)?[a-zA-Z0-9_.-]+$/;

/**
 * Checks what the HBase lookup and output share, and loads hbase-rpc-client; throws a
 * ConfigurationError naming the fix.
 */
export function checkHBaseOptions(
  what: string,
  options: HBaseConnection & { table: string; columns: Readonly<Record<string, string>> },
): void {
  // The connector's first use: its client library is loaded now, so that a missing one fails
  // where the connector is made, with the install command.
  hbaseLibrary(what);
  if (!('adapter' in options)) {
    if (typeof options.zookeeper !== 'string' || !/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/.test(options.zookeeper)) {
      throw new ConfigurationError(
        `${what}: zookeeper must be 'host:port[,host:port...]', e.g. '127.0.0.1:2181', got ${JSON.stringify(options.zookeeper)}`,
      );
    }
  }
  if (typeof options.table !== 'string' || !TABLE.test(options.table)) {
    throw new ConfigurationError(
      `${what}: table must be 'name' or 'namespace:name' (letters, digits, '_', '-', '.'), got ${JSON.stringify(options.table)}`,
    );
  }
  const columns = options.columns as unknown;
  if (typeof columns !== 'object' || columns === null || Object.keys(columns).length === 0) {
    throw new ConfigurationError(
      `${what}: columns must map at least one field to 'family:qualifier', e.g. { name: 'p:name' }`,
    );
  }
  for (const [field, column] of Object.entries(options.columns)) {
    if (typeof column !== 'string' || !/^[^:]+:.*$/.test(column)) {
      throw new ConfigurationError(
        `${what}: column of field '${field}' must be 'family:qualifier', e.g. 'p:${field}', got ${JSON.stringify(column)}`,
      );
    }
  }
  const timeout = 'adapter' in options ? undefined : options.requestTimeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new ConfigurationError(`${what}: requestTimeoutMs must be a positive number of ms, got ${timeout}`);
  }
}

/** A whole number of at least 1, or a ConfigurationError. */
export function checkCount(what: string, name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new ConfigurationError(`${what}: ${name} must be a whole number of at least 1, got ${value}`);
  }
}
