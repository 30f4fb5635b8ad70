/**
 * The parts of `hbase-rpc-client` (CommonJS, untyped; an optional peer, loaded on first use) that
 * the adapter uses, with types: the client factory, `Get`/`Put`, and the library's own protobuf
 * classes (its `RegionInfo` message decodes the `info:regioninfo` cells of `hbase:meta`).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadOptional } from '../optional.js';

/** A cell as the library parses it: `{ value, timestamp }`. */
export interface LibraryCell {
  /** The cell's bytes. */
  readonly value: Buffer;
  /** The cell's version, ms since the epoch, as the library's protobuf decoder gives it (a `Long`). */
  readonly timestamp?: unknown;
}

/** A row as the library's `_parseResponse` returns it. */
export interface LibraryRow {
  /** The row key. */
  readonly row: Buffer;
  /** The cells by `family:qualifier`: one cell, or an array when HBase sent several versions. */
  readonly cols: Readonly<Record<string, LibraryCell | readonly LibraryCell[]>>;
}

/** A region location in the library's cache shape. */
export interface LibraryRegion {
  readonly name: Buffer;
  readonly server: Buffer;
  readonly startKey: Buffer;
  readonly endKey: Buffer;
  readonly ts: string;
}

/** An error as the library reports it: a string ('timedout'), an Error, or a server exception. */
export type LibraryError =
  string | Error | { exceptionClassName?: string; stackTrace?: string; name?: string };

type Callback<T> = (error: LibraryError | null | undefined, value: T) => void;

/** The protobuf-generated client service of one region server connection. */
export interface LibraryRpc {
  Scan(request: object, done: Callback<LibraryScanResponse>): void;
  Get(request: object, done: Callback<unknown>): void;
  Multi(request: object, done: Callback<unknown>): void;
  Mutate(request: object, done: Callback<unknown>): void;
}

/** A scan answer (protobufjs 2 message; bytes fields are ByteBuffers). */
export interface LibraryScanResponse {
  readonly results: readonly unknown[];
  readonly scannerId?: unknown;
  readonly moreResults?: boolean;
}

/** One region server connection of the library. */
export interface LibraryServer {
  rpc: LibraryRpc;
  socket?: { destroy(): void };
  removeAllListeners(): void;
  kindlingCounted?: boolean;
}

/** The library's client (the members the adapter reads or replaces). */
export interface LibraryClient {
  rootServer?: { hostName: string; port: number };
  zk: { close(callback?: () => void): void };
  servers: Record<string, LibraryServer>;
  cachedRegionLocations: Record<string, Record<string, LibraryRegion>>;
  on(event: 'error', listener: (error: unknown) => void): void;
  ensureZookeeperTrackers(done: (error?: unknown) => void): void;
  getRegionConnection(hostOrName: string, portOrDone: unknown, done?: unknown): void;
  locateRegionInMeta(
    table: Buffer,
    row: Buffer,
    useCache: boolean,
    done: (error: LibraryError | null, region?: LibraryRegion) => void,
  ): void;
  prefetchRegionCache(table: Buffer, done: () => void): void;
  _isRetryException(error: { exceptionClassName?: string; name?: string }): boolean;
  getCachedLocation(table: Buffer, row: Buffer): LibraryRegion | null;
  _deleteCachedLocation(table: Buffer, row: Buffer): void;
  cacheLocation(table: Buffer, region: LibraryRegion): void;
  _parseResponse(result: unknown): LibraryRow | null;
  mget(table: string, rows: readonly object[], columns: readonly string[], done: Callback<unknown[]>): void;
  mput(table: string, rows: readonly object[], done: Callback<unknown[]>): void;
}

interface LibraryModule {
  (options: Record<string, unknown>): LibraryClient;
  Get: new (row: Buffer) => { addColumn(family: string, qualifier?: string): unknown };
  Put: new (
    row: Buffer,
    ts?: unknown,
  ) => {
    add(family: string, qualifier: string, value: Buffer | string, timestamp?: unknown): unknown;
  };
}

interface ProtoLong {
  toString(): string;
}

/** A decoded `RegionInfo` (HBase.proto). */
export interface RegionInfoMessage {
  readonly regionId: ProtoLong;
  readonly tableName: { namespace: { toBuffer(): Buffer }; qualifier: { toBuffer(): Buffer } };
  readonly startKey: { toBuffer(): Buffer } | null;
  readonly endKey: { toBuffer(): Buffer } | null;
  readonly offline: boolean | null;
  readonly split: boolean | null;
}

interface ProtoClass<T> {
  new (fields: object): { toBuffer(): Buffer };
  decode(bytes: Buffer): T;
}

/** What the adapter uses of the library: its client factory and `Get`/`Put`, and its protobuf classes. */
export interface HBaseLibrary {
  /** The `hbase-rpc-client` module: a client factory, with `Get` and `Put`. */
  readonly client: LibraryModule;
  /** The library's `RegionInfo` message class (protobufjs 2). */
  readonly RegionInfo: ProtoClass<RegionInfoMessage>;
  /** The library's `ScanRequest` message class: what a meta scan puts on the wire. */
  readonly ScanRequest: ProtoClass<{
    scan: { reversed: boolean; startRow: { toBuffer(): Buffer }; stopRow: { toBuffer(): Buffer } };
    closeScanner: boolean;
    numberOfRows: number;
    region: { value: { toBuffer(): Buffer } };
  }>;
}

let loaded: HBaseLibrary | undefined;

/**
 * The library, loaded on the first call (a ConfigurationError naming `forWhat` and the install
 * command when `hbase-rpc-client` is missing), with its protobuf classes built once.
 */
export function hbaseLibrary(forWhat: string): HBaseLibrary {
  if (loaded) return loaded;
  const client = loadOptional<LibraryModule>('hbase-rpc-client', forWhat);
  // protobufjs as the library has it (its own dependency), loaded after the library, which sets
  // protobufjs's camel-case field names globally.
  const main = createRequire(import.meta.url).resolve('hbase-rpc-client');
  const protobuf = createRequire(main)('protobufjs') as {
    loadProtoFile(path: string): { build(): Record<string, unknown> };
  };
  const protoDir = join(dirname(main), 'proto');
  const hbaseProto = protobuf.loadProtoFile(join(protoDir, 'HBase.proto')).build();
  const clientProto = protobuf.loadProtoFile(join(protoDir, 'Client.proto')).build();
  loaded = {
    client,
    RegionInfo: hbaseProto.RegionInfo as HBaseLibrary['RegionInfo'],
    ScanRequest: clientProto.ScanRequest as HBaseLibrary['ScanRequest'],
  };
  return loaded;
}
