/**
 * `kindling/lookups`: static tables for enriching streams (local files, S3, HDFS, MongoDB,
 * HBase). Each is a `Lookup` (see `lib/types.ts`): `getAll(keys)` answers a batch's distinct
 * keys in as few round trips as the store allows, `load()` holds a small table whole, and
 * `refresh(time)` swaps a new version in between batches. Join a stream with one through
 * `stream.joinLookup(lookup, keyOf, { missing })` or `stream.enrich(lookup, keyOf, merge)`; put
 * `cachedLookup` in front of a remote store to answer recent keys from memory.
 *
 * @example
 * import { csvFileLookup, cachedLookup } from 'kindling/lookups';
 * const users = csvFileLookup('users.csv', { key: 'id', refresh: 'onChange' });
 * tweets.joinLookup(users, (t) => t.userId, { missing: 'deadLetter' });
 *
 * @module kindling/lookups
 */
export type { Lookup } from '../lib/index.js';
export { cachedLookup } from './cache.js';
export type { CachedLookup, CachedLookupOptions, CacheStats } from './cache.js';
export * from './files/index.js';
export * from './hdfs/index.js';
export * from './s3/index.js';
export * from './hbase/index.js';
export * from './mongodb/index.js';
