/**
 * A small adapter that makes `hbase-rpc-client` (written for HBase 0.98 to 1.2) work with HBase 2.
 *
 * What the library does that HBase 2 refuses, and what this module puts in its place (on the
 * client instance; the library's files are untouched):
 *
 * - `locateRegionInMeta`: on a region-cache miss the library sends a Get with
 *   `closest_row_before`, which HBase 2 answers with `UnknownProtocolException` ("Client is
 *   invoking getClosestRowBefore removed in hbase-2.0.0 replaced by reverse Scan"). Replaced by a
 *   reversed scan of `hbase:meta` (`meta.ts`), as HBase 2's own clients do, with one scan in
 *   flight per table (a batch of 10 000 rows that all miss the cache costs one scan, not 10 000).
 * - `prefetchRegionCache`: a forward scan of meta from `<table>,,` to `<next table>,,` that reads
 *   other tables' rows too (`users` and `users_v2` share the range; HBase 2's `table:state` rows
 *   have no `info:regioninfo` and crash its parser). Replaced by nothing: regions are located on
 *   demand and cached.
 * - `_isRetryException`: the library retries a batch (relocating each row) on any
 *   `org.apache.hadoop.hbase.*` exception; not any more on those no retry can fix (a column
 *   family the table lacks, a table that is gone, ...).
 *
 * The rest of the library (ZooKeeper's meta location, the connection handshake, Get, Multi,
 * Mutate, its retry on a region error with `useCache = false`) works with HBase 2 as it is. The
 * adapter also counts every RPC per method (`roundTrips`), bounds every call with a timeout (the
 * library never calls back when a region server refuses the connection), and turns the library's
 * errors (strings, server exception objects) into `KindlingError`s.
 */
import { KindlingError } from '../../lib/index.js';
import { doNotRetry, isServerException, splitColumn, toKindlingError } from './errors.js';
import {
  hbaseLibrary,
  type HBaseLibrary,
  type LibraryClient,
  type LibraryError,
  type LibraryRegion,
  type LibraryRow,
  type LibraryServer,
} from './library.js';
import { metaScanRequest, pickRegion, regionHolds } from './meta.js';

/** How to reach HBase. */
export interface HBaseConnectionOptions {
  /** The ZooKeeper quorum, `host:port[,host:port...]`, where HBase publishes `hbase:meta`'s server. */
  readonly zookeeper: string;
  /** HBase's root znode. Default `/hbase`. */
  readonly zookeeperRoot?: string;
  /** Longest wait for one call (a chunk of gets or puts, a region lookup), ms. Default 10 000. */
  readonly requestTimeoutMs?: number;
  /** The user HBase sees (simple authentication). Default the library's. */
  readonly effectiveUser?: string;
}

/** RPCs sent to HBase, by method (`metaScans` are the `scan`s that located a region). */
export interface HBaseRoundTrips {
  /** Every RPC sent to a region server, whatever its method. */
  total: number;
  /** `Get` RPCs (single-row reads). */
  get: number;
  /** `Multi` RPCs: batched gets and puts, one per region server per call. */
  multi: number;
  /** `Mutate` RPCs (single-row writes). */
  mutate: number;
  /** `Scan` RPCs, the meta scans included. */
  scan: number;
  /** The scans of `hbase:meta` that located a region (a region-cache miss). */
  metaScans: number;
}

/** One row to write: cells by `family:qualifier`. */
export interface HBasePut {
  /** The row key, as stored. */
  readonly row: Buffer;
  /** The cells' values by column, `family:qualifier` (e.g. `p:name`). */
  readonly cells: ReadonlyMap<string, Buffer>;
}

const rpcMethods = { Get: 'get', Multi: 'multi', Mutate: 'mutate', Scan: 'scan' } as const;

/**
 * An `hbase-rpc-client` connection patched for HBase 2, with batched gets and puts.
 *
 * @example
 * const hbase = new HBaseAdapter({ zookeeper: '127.0.0.1:2181' });
 * const rows = await hbase.multiGet('users', [Buffer.from('u1')], ['p:name']);
 * await hbase.close();
 *
 * Gotchas: one adapter per process and cluster is enough (it keeps one connection per region
 * server); `close()` it, or its ZooKeeper session keeps Node running.
 */
export class HBaseAdapter {
  /** RPCs sent so far, by method; reset it freely. */
  readonly roundTrips: HBaseRoundTrips = { total: 0, get: 0, multi: 0, mutate: 0, scan: 0, metaScans: 0 };
  readonly #library: HBaseLibrary;
  readonly #client: LibraryClient;
  readonly #timeoutMs: number;
  readonly #locating = new Map<string, Promise<LibraryRegion>>();
  #lastError: unknown;
  #closed = false;

  constructor(options: HBaseConnectionOptions) {
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#library = hbaseLibrary('the HBase connection');
    this.#client = this.#library.client({
      zookeeperHosts: options.zookeeper.split(','),
      zookeeperRoot: options.zookeeperRoot ?? '/hbase',
      rpcTimeout: this.#timeoutMs,
      callTimeout: this.#timeoutMs,
      ...(options.effectiveUser === undefined ? {} : { effectiveUser: options.effectiveUser }),
    });
    // ZooKeeper not reachable in time: remembered and reported by the next call that times out.
    this.#client.on('error', (error) => {
      this.#lastError = error;
    });
    this.#patch();
  }

  /** Replaces the two meta lookups HBase 2 cannot serve, and counts RPCs (see the module notes). */
  #patch(): void {
    const client = this.#client;
    const originalLocate = client.locateRegionInMeta.bind(client);
    client.prefetchRegionCache = (_table, done) => done();
    client.locateRegionInMeta = (table, row, useCache, done) => {
      if (table.toString() === 'hbase:meta') {
        originalLocate(table, row, useCache, done);
        return;
      }
      if (!useCache) client._deleteCachedLocation(table, row);
      this.#locate(table, row).then(
        (region) => done(null, region),
        (error: unknown) => done(toKindlingError(error, `locating a region of '${table.toString()}'`)),
      );
    };
    // The library retries (relocating every row) on any org.apache.hadoop.hbase exception: not
    // on those that cannot succeed, e.g. a column family the table does not have.
    const originalRetry = client._isRetryException.bind(client);
    client._isRetryException = (error) =>
      !doNotRetry(String(error.exceptionClassName ?? error.name ?? '')) && originalRetry(error);
    const originalConnect = client.getRegionConnection.bind(client);
    client.getRegionConnection = (host: string, portOrDone: unknown, maybeDone?: unknown) => {
      const done = (typeof portOrDone === 'function' ? portOrDone : maybeDone) as (
        error: unknown,
        server?: LibraryServer,
      ) => void;
      const counted = (error: unknown, server?: LibraryServer): void => {
        if (server) this.#count(server);
        done(error, server);
      };
      if (typeof portOrDone === 'function') originalConnect(host, counted);
      else originalConnect(host, portOrDone, counted);
    };
  }

  #count(server: LibraryServer): void {
    if (server.kindlingCounted) return;
    server.kindlingCounted = true;
    const rpc = server.rpc as unknown as Record<string, (request: object, done: unknown) => void>;
    for (const [method, counter] of Object.entries(rpcMethods)) {
      const send = rpc[method];
      if (!send) continue;
      rpc[method] = (request, done) => {
        this.roundTrips.total++;
        this.roundTrips[counter]++;
        send(request, done);
      };
    }
  }

  /** The region of `row`: from the cache, else one reversed meta scan per table at a time. */
  async #locate(table: Buffer, row: Buffer): Promise<LibraryRegion> {
    const key = table.toString('latin1');
    for (;;) {
      const cached = this.#client.getCachedLocation(table, row);
      if (cached) return cached;
      const pending = this.#locating.get(key);
      if (!pending) break;
      // Another row of this table is being located: its region may hold this row too.
      await pending;
    }
    const scan = this.#scanMeta(table, row);
    this.#locating.set(key, scan);
    try {
      return await scan;
    } finally {
      if (this.#locating.get(key) === scan) this.#locating.delete(key);
    }
  }

  async #scanMeta(table: Buffer, row: Buffer): Promise<LibraryRegion> {
    const client = this.#client;
    const root = client.rootServer;
    if (!root) throw new KindlingError('the location of hbase:meta is not known yet', { retriable: true });
    const server = await new Promise<LibraryServer>((resolve, reject) =>
      client.getRegionConnection(root.hostName, root.port, (error: unknown, s?: LibraryServer) =>
        s ? resolve(s) : reject(toKindlingError(error ?? 'no connection', 'connecting to hbase:meta')),
      ),
    );
    this.roundTrips.metaScans++;
    const response = await new Promise<{ results: readonly unknown[] }>((resolve, reject) =>
      server.rpc.Scan(metaScanRequest(table, row), (error, answer) =>
        error ? reject(toKindlingError(error, 'scanning hbase:meta')) : resolve(answer),
      ),
    );
    const rows = response.results
      .map((result) => client._parseResponse(result))
      .filter((r): r is LibraryRow => r !== null);
    const region = pickRegion(rows, table, row);
    // Drop cached regions the new one overlaps (a split, or a table dropped and created again).
    const cachedRegions = client.cachedRegionLocations[table.toString()] ?? {};
    for (const [name, old] of Object.entries(cachedRegions)) {
      const overlaps =
        (region.endKey.length === 0 || Buffer.compare(old.startKey, region.endKey) < 0) &&
        (old.endKey.length === 0 || Buffer.compare(region.startKey, old.endKey) < 0);
      if (overlaps) delete cachedRegions[name];
    }
    client.cacheLocation(table, region);
    return region;
  }

  /** Forgets the cached regions of `table` (or of every table): the next call locates again. */
  clearRegionCache(table?: string): void {
    const cache = this.#client.cachedRegionLocations;
    for (const name of Object.keys(cache)) if (table === undefined || name === table) delete cache[name];
  }

  /** @internal The cached region holding `row` of `table`, if any (for tests and diagnostics). */
  cachedRegion(table: string, row: Buffer): LibraryRegion | undefined {
    const regions = Object.values(this.#client.cachedRegionLocations[table] ?? {});
    return regions.find((r) => regionHolds(r, row));
  }

  /** @internal The library client, patched (for what the adapter does not wrap). */
  get client(): LibraryClient {
    return this.#client;
  }

  /**
   * Reads `rows` of `table` in one Multi call per region server (the caller chunks), only the
   * given `family:qualifier` columns; returns the rows found, by row key as a latin1 string.
   */
  async multiGet(
    table: string,
    rows: readonly Buffer[],
    columns: readonly string[],
  ): Promise<Map<string, LibraryRow>> {
    if (rows.length === 0) return new Map();
    const gets = rows.map((row) => {
      const get = new this.#library.client.Get(row);
      for (const column of columns) {
        const [family, qualifier] = splitColumn(column);
        get.addColumn(family, qualifier);
      }
      return get;
    });
    const results = await this.#call<unknown[]>(
      `reading ${rows.length} rows of HBase table '${table}'`,
      (done) => this.#client.mget(table, gets, [], done),
    );
    const found = new Map<string, LibraryRow>();
    for (const result of results) {
      if (isServerException(result)) throw toKindlingError(result, `reading HBase table '${table}'`);
      const row = (result as Partial<LibraryRow>).row;
      if (Buffer.isBuffer(row)) found.set(row.toString('latin1'), result as LibraryRow);
    }
    return found;
  }

  /** Writes `puts` to `table` in one Multi call per region server (the caller chunks). */
  async multiPut(table: string, puts: readonly HBasePut[], timestamp?: number): Promise<void> {
    if (puts.length === 0) return;
    const mutations = puts.map(({ row, cells }) => {
      const put = new this.#library.client.Put(row, timestamp);
      for (const [column, value] of cells) {
        const [family, qualifier] = splitColumn(column);
        put.add(family, qualifier, value);
      }
      return put;
    });
    const results = await this.#call<unknown[]>(
      `writing ${puts.length} rows to HBase table '${table}'`,
      (done) => this.#client.mput(table, mutations, done),
    );
    for (const result of results) {
      if (isServerException(result)) throw toKindlingError(result, `writing to HBase table '${table}'`);
    }
  }

  /** Runs one library call with the timeout, its errors as KindlingErrors. */
  #call<T>(
    what: string,
    start: (done: (error: LibraryError | null | undefined, value: T) => void) => void,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(new KindlingError(`${what}: the HBase adapter is closed`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const cause =
          this.#lastError === undefined ? '' : ` (last connection error: ${String(this.#lastError)})`;
        reject(
          new KindlingError(`${what}: no answer within ${this.#timeoutMs} ms${cause}`, { retriable: true }),
        );
      }, this.#timeoutMs);
      start((error, value) => {
        clearTimeout(timer);
        if (error) reject(toKindlingError(error, what));
        else resolve(value);
      });
    });
  }

  /** Closes the region server connections and the ZooKeeper session. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const server of Object.values(this.#client.servers)) {
      server.removeAllListeners();
      server.socket?.destroy();
    }
    // A session that never connected sends no 'disconnected': do not wait for it long.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      this.#client.zk.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
