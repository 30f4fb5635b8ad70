/**
 * The S3 lookup: `s3Lookup(options)`; see `lookup.ts`. `client.ts` (connection options, retried
 * calls) is shared with `outputs/s3/` and `receivers/s3/`.
 */
export { s3Lookup, S3Lookup } from './lookup.js';
export type { S3LookupOptions } from './lookup.js';
export { connectS3 } from './client.js';
export type { S3ConnectionOptions, S3Connection } from './client.js';
export type { RowFormat as S3RowFormat, CsvOptions as S3CsvOptions } from './rows.js';
