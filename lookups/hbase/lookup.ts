/**
 * The HBase lookup: a batch's distinct keys read as rows of a table, one Multi call of Gets per
 * chunk of keys and region server, the chosen `family:qualifier` cells mapped to fields.
 */
import {
  KindlingError,
  SystemClock,
  describeError,
  isRetriable,
  retry,
  type BackoffPolicy,
  type Clock,
  type Lookup,
} from '../../lib/index.js';
import type { HBaseAdapter } from '../../systems/hbase/adapter.js';
import {
  checkCount,
  checkHBaseOptions,
  openConnection,
  type HBaseConnection,
} from '../../systems/hbase/connection.js';
import { splitColumn } from '../../systems/hbase/errors.js';
import type { LibraryCell } from '../../systems/hbase/library.js';

/** How a cell's bytes become a field's value: UTF-8 text (default), the bytes, JSON, or a function. */
export type HBaseCellDecoder = 'string' | 'buffer' | 'json' | ((value: Buffer, field: string) => unknown);

/** Options of {@link hbaseLookup} (plus an {@link HBaseConnection}). */
export interface HBaseLookupFields<K> {
  /** The table, `name` or `namespace:name`. */
  readonly table: string;
  /** The value's fields: field name to `family:qualifier`, e.g. `{ name: 'p:name' }`. */
  readonly columns: Readonly<Record<string, string>>;
  /** How a key becomes a row key: `String(key)` in UTF-8 by default, or a function. */
  readonly rowKey?: (key: K) => Buffer | string;
  /** How cells become field values. Default `'string'`. */
  readonly decode?: HBaseCellDecoder;
  /** Most keys in one Multi call. Default 1000. */
  readonly chunkSize?: number;
  /** Attempts of a chunk in all, for retriable failures (timeouts, lost servers). Default 3. */
  readonly maxAttempts?: number;
  /** How retries back off. Default: 100 ms doubling up to 5 s, with jitter. */
  readonly backoff?: BackoffPolicy;
  /** The clock of the back-off. Default: system time. */
  readonly clock?: Clock;
  /** The lookup's name in events and errors. Default `hbase <table>`. */
  readonly name?: string;
}

/** Options of {@link hbaseLookup}. */
export type HBaseLookupOptions<K> = HBaseConnection & HBaseLookupFields<K>;

/** An HBase lookup, with its connection (whose `roundTrips` count the RPCs). */
export interface HBaseLookup<K, V> extends Lookup<K, V> {
  /** The connection it reads through: the one given as `{ adapter }`, or its own (made when first needed). */
  readonly adapter: HBaseAdapter;
}

function decoder(decode: HBaseCellDecoder): (value: Buffer, field: string) => unknown {
  if (typeof decode === 'function') return decode;
  if (decode === 'buffer') return (value) => value;
  if (decode === 'json') return (value) => JSON.parse(value.toString('utf8')) as unknown;
  return (value) => value.toString('utf8');
}

/**
 * A {@link Lookup} over an HBase table through `hbase-rpc-client` (patched for HBase 2, see
 * `adapter.ts`): `getAll(keys)` reads the keys' rows with Gets of only the mapped columns,
 * `chunkSize` keys per Multi call and region server, so 10 000 keys of a one-region table cost 10
 * calls (plus one reversed scan of `hbase:meta` the first time a region is needed). A row is
 * answered as an object of its mapped fields that have a cell; rows without any are absent.
 *
 * Retriable failures (timeouts, a region server away, a region moving) are retried with
 * back-off; when attempts run out, `getAll` throws a retriable KindlingError naming the lookup
 * and the batch fails: a key is never answered "absent" because the server was away. A region
 * error (a split, a move, a table created again) makes the library locate the region again.
 *
 * @example
 * const users = hbaseLookup<string, { name: string; city: string }>({
 *   zookeeper: '127.0.0.1:2181', table: 'users',
 *   columns: { name: 'p:name', city: 'p:city' },
 * });
 * tweets.joinLookup(users, (t) => t.userId, { missing: 'keep' });
 *
 * Gotchas: HBase compares row keys as bytes; the default row key is `String(key)` in UTF-8, so
 * the number 7 and the string '7' are the same row. No TLS or SASL: `hbase-rpc-client` speaks
 * plain RPC with simple authentication only (`effectiveUser`), so use it on a trusted network.
 * @throws ConfigurationError when an option is wrong.
 */
export function hbaseLookup<K, V = Record<string, unknown>>(
  options: HBaseLookupOptions<K>,
): HBaseLookup<K, V> {
  const name = options.name ?? `hbase ${options.table}`;
  const what = `hbaseLookup '${name}'`;
  checkHBaseOptions(what, options);
  checkCount(what, 'chunkSize', options.chunkSize);
  checkCount(what, 'maxAttempts', options.maxAttempts);
  const fields = Object.entries(options.columns);
  for (const [, column] of fields) splitColumn(column);
  const columns = [...new Set(fields.map(([, column]) => column))];
  const rowKey = options.rowKey ?? ((key: K) => String(key));
  const decode = decoder(options.decode ?? 'string');
  const chunkSize = options.chunkSize ?? 1000;
  const clock = options.clock ?? new SystemClock();
  const policy = {
    maxAttempts: options.maxAttempts ?? 3,
    initialDelay: 100,
    maxDelay: 5000,
    ...options.backoff,
    shouldRetry: isRetriable,
  };
  let connection: { adapter: HBaseAdapter; owned: boolean } | undefined;

  function toValue(cols: Readonly<Record<string, LibraryCell | readonly LibraryCell[]>>): V | undefined {
    const value: Record<string, unknown> = {};
    let any = false;
    for (const [field, column] of fields) {
      const found = cols[column];
      const cell = Array.isArray(found)
        ? (found as readonly LibraryCell[])[0]
        : (found as LibraryCell | undefined);
      if (cell === undefined) continue;
      value[field] = decode(cell.value, field);
      any = true;
    }
    return any ? (value as V) : undefined;
  }

  async function readChunk(chunk: readonly K[], found: Map<K, V>): Promise<void> {
    const byRow = new Map<string, K[]>();
    const rows: Buffer[] = [];
    for (const key of chunk) {
      const raw = rowKey(key);
      const row = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      const id = row.toString('latin1');
      const keys = byRow.get(id);
      if (keys) keys.push(key);
      else {
        byRow.set(id, [key]);
        rows.push(row);
      }
    }
    connection ??= openConnection(options);
    const { adapter } = connection;
    const answer = await retry(() => adapter.multiGet(options.table, rows, columns), clock, policy).catch(
      (error: unknown) => {
        throw new KindlingError(`${what}: ${describeError(error)}`, {
          cause: error,
          retriable: isRetriable(error),
        });
      },
    );
    for (const [id, row] of answer) {
      const value = toValue(row.cols);
      if (value === undefined) continue;
      for (const key of byRow.get(id) ?? []) found.set(key, value);
    }
  }

  return {
    name,
    get adapter() {
      connection ??= openConnection(options);
      return connection.adapter;
    },
    async getAll(keys) {
      const found = new Map<K, V>();
      for (let i = 0; i < keys.length; i += chunkSize) await readChunk(keys.slice(i, i + chunkSize), found);
      return found;
    },
    async close() {
      const open = connection;
      connection = undefined;
      if (open?.owned) await open.adapter.close();
    },
  };
}
