/**
 * The HBase output: each batch's records written as rows, one Multi call of Puts per chunk of
 * rows and region server, through the HBase-2-patched `hbase-rpc-client` of `systems/hbase/`.
 */
import {
  ConfigurationError,
  KindlingError,
  SystemClock,
  addOutput,
  describeError,
  isRetriable,
  retry,
  type BackoffPolicy,
  type Clock,
  type DStream,
  type OnRecordError,
  type OutputLifecycle,
} from '../../lib/index.js';
import type { HBaseAdapter, HBasePut } from '../../systems/hbase/adapter.js';
import { splitColumn } from '../../systems/hbase/errors.js';
import {
  checkCount,
  checkHBaseOptions,
  openConnection,
  type HBaseConnection,
} from '../../systems/hbase/connection.js';

/** Options of {@link hbaseOutput} (plus an `HBaseConnection`: `zookeeper`, or a shared `adapter`). */
export interface HBaseOutputFields<T> {
  /** The table, `name` or `namespace:name`; it must exist. */
  readonly table: string;
  /** The row key of a record. */
  readonly rowKey: (record: T) => string | Buffer;
  /** Which fields are written where: field name to `family:qualifier`, e.g. `{ name: 'p:name' }`. */
  readonly columns: Readonly<Record<string, string>>;
  /**
   * How a field value becomes cell bytes. Default: a string as UTF-8, a Buffer as it is, anything
   * else as JSON. A field that is `undefined` or `null` writes no cell.
   */
  readonly encode?: (value: unknown, field: string) => string | Buffer;
  /**
   * The cells' timestamp: `'server'` (default, the region server's time) or `'batchTime'` (the
   * batch's time, so a batch run again writes the very same cells).
   */
  readonly cellTimestamp?: 'server' | 'batchTime';
  /** Most rows in one Multi call. Default 1000. */
  readonly chunkSize?: number;
  /** Attempts of a chunk in all, for retriable failures. Default 5. */
  readonly maxAttempts?: number;
  /** How retries back off. Default: 100 ms doubling up to 5 s, with jitter. */
  readonly backoff?: BackoffPolicy;
  /** The clock of the back-off. Default: system time. */
  readonly clock?: Clock;
  /**
   * A record whose `rowKey` or `encode` throws: `'fail'` (default) fails the batch; `'deadLetter'`
   * sends it to the dead letters and writes the rest.
   */
  readonly onRecordError?: OnRecordError;
}

/** Options of {@link hbaseOutput}. */
export type HBaseOutputOptions<T> = HBaseConnection & HBaseOutputFields<T>;

function defaultEncode(value: unknown): string | Buffer {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}

const toBuffer = (value: string | Buffer): Buffer =>
  typeof value === 'string' ? Buffer.from(value, 'utf8') : value;

/**
 * Writes every record of `stream` as a row of an HBase table: `rowKey(record)` is the row, each
 * mapped field a cell. Rows of one batch with the same key are merged first (a later record's
 * cell wins), then sent `chunkSize` rows per Multi call and region server, chunks one after
 * another; retriable failures are retried with back-off, then the batch fails with an error that
 * names the table and the server's exception.
 *
 * Delivery: effectively once per row key. A batch run again (after a crash, from a checkpoint)
 * puts the same cells on the same rows, so readers see no duplicates; with `cellTimestamp:
 * 'batchTime'` even the cells' versions are the same.
 *
 * @example
 * hbaseOutput(profiles, {
 *   zookeeper: '127.0.0.1:2181', table: 'users',
 *   rowKey: (p) => p.id,
 *   columns: { name: 'p:name', followers: 'p:followers' },
 * });
 *
 * Gotchas: the table and its families must exist (a missing family fails the batch, not
 * retried). A field left out of a record leaves the row's old cell as it was (a put, not a
 * replace). No TLS or SASL (see `hbaseLookup`). `ssc.stop()` closes the connection (one the
 * output opened itself, not a shared `adapter`).
 * @returns the output (its `delivery`; `close()` is called by `ssc.stop()`).
 * @throws ConfigurationError when an option is wrong.
 */
export function hbaseOutput<T>(stream: DStream<T>, options: HBaseOutputOptions<T>): OutputLifecycle {
  const what = `hbaseOutput to '${String(options.table)}'`;
  checkHBaseOptions(what, options);
  if (typeof options.rowKey !== 'function') {
    throw new ConfigurationError(
      `${what}: rowKey must be a function of the record, e.g. rowKey: (r) => r.id`,
    );
  }
  if (options.encode !== undefined && typeof options.encode !== 'function') {
    throw new ConfigurationError(`${what}: encode must be a function (value, field) => string | Buffer`);
  }
  const stamp = options.cellTimestamp ?? 'server';
  if (stamp !== 'server' && stamp !== 'batchTime') {
    throw new ConfigurationError(
      `${what}: cellTimestamp must be 'server' or 'batchTime', got ${JSON.stringify(stamp)}`,
    );
  }
  checkCount(what, 'chunkSize', options.chunkSize);
  checkCount(what, 'maxAttempts', options.maxAttempts);
  const fields = Object.entries(options.columns);
  for (const [, column] of fields) splitColumn(column);
  const encode = options.encode ?? defaultEncode;
  const { rowKey } = options;
  const chunkSize = options.chunkSize ?? 1000;
  const clock = options.clock ?? new SystemClock();
  const policy = {
    maxAttempts: options.maxAttempts ?? 5,
    initialDelay: 100,
    maxDelay: 5000,
    ...options.backoff,
    shouldRetry: isRetriable,
  };

  const puts = stream.map(
    (record): HBasePut => {
      const cells = new Map<string, Buffer>();
      for (const [field, column] of fields) {
        const value = (record as Record<string, unknown>)[field];
        if (value !== undefined && value !== null) cells.set(column, toBuffer(encode(value, field)));
      }
      return { row: toBuffer(rowKey(record)), cells };
    },
    { onRecordError: options.onRecordError ?? 'fail' },
  );

  let connection: { adapter: HBaseAdapter; owned: boolean } | undefined;
  return addOutput(puts, {
    name: what,
    delivery: {
      guarantee: 'exactly-once',
      when: "per row key: a batch run again puts the same cells on the same rows (with cellTimestamp 'batchTime', the same versions too)",
    },
    write: async (batch, time) => {
      // Merge rows with the same key: one put per row, the later record's cells winning.
      const rows = new Map<string, HBasePut>();
      for (const put of batch) {
        if (put.cells.size === 0) continue;
        const id = put.row.toString('latin1');
        const before = rows.get(id);
        rows.set(id, before ? { row: put.row, cells: new Map([...before.cells, ...put.cells]) } : put);
      }
      const all = [...rows.values()];
      connection ??= openConnection(options);
      const { adapter } = connection;
      const timestamp = stamp === 'batchTime' ? time : undefined;
      for (let i = 0; i < all.length; i += chunkSize) {
        const chunk = all.slice(i, i + chunkSize);
        await retry(() => adapter.multiPut(options.table, chunk, timestamp), clock, policy).catch(
          (error: unknown) => {
            throw new KindlingError(
              `${what}: ${chunk.length} rows of the batch of time ${time} (first row ${JSON.stringify(chunk[0]?.row.toString())}) ` +
                `were not written: ${describeError(error)}`,
              { cause: error, retriable: isRetriable(error) },
            );
          },
        );
      }
    },
    close: async () => {
      const open = connection;
      connection = undefined;
      if (open?.owned) await open.adapter.close();
    },
  });
}
