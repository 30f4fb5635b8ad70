/**
 * The HBase lookup: `hbaseLookup(options)`; see `lookup.ts`. `HBaseAdapter` (`adapter.ts`) is the
 * HBase-2-patched `hbase-rpc-client` connection, shared with `outputs/hbase/`.
 */
export { hbaseLookup } from './lookup.js';
export type {
  HBaseLookup,
  HBaseLookupOptions,
  HBaseLookupFields,
  HBaseConnection,
  HBaseCellDecoder,
} from './lookup.js';
export { HBaseAdapter } from './adapter.js';
export type { HBaseConnectionOptions, HBaseRoundTrips, HBasePut } from './adapter.js';
