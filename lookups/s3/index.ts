/**
 * The S3 lookup: `s3Lookup(options)`; see `lookup.ts`. The connection options and retried calls
 * (`systems/s3/`) and the row formats (`systems/rows/`) are shared with `outputs/s3/` and
 * `receivers/s3/`.
 */
export { s3Lookup, S3Lookup } from './lookup.js';
export type { S3LookupOptions } from './lookup.js';
export { connectS3 } from '../../systems/s3/client.js';
export type { S3ConnectionOptions, S3Connection } from '../../systems/s3/options.js';
export type { RowFormat as S3RowFormat, CsvOptions as S3CsvOptions } from '../../systems/rows/rows.js';
