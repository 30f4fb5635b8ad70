/**
 * The HBase lookup: `hbaseLookup(options)`; see `lookup.ts`. `HBaseAdapter` (the HBase-2-patched
 * `hbase-rpc-client` connection) and `HBaseConnection` are in `systems/hbase/`, shared with
 * `outputs/hbase/`.
 */
export { hbaseLookup } from './lookup.js';
export type { HBaseLookup, HBaseLookupOptions, HBaseLookupFields, HBaseCellDecoder } from './lookup.js';
export type { HBaseConnection } from '../../systems/hbase/connection.js';
export { HBaseAdapter } from '../../systems/hbase/adapter.js';
export type { HBaseConnectionOptions, HBaseRoundTrips, HBasePut } from '../../systems/hbase/adapter.js';
export type { LibraryRow, LibraryCell } from '../../systems/hbase/library.js';
