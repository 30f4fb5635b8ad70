/** The S3 text stream: `s3TextFileStream(ssc, 's3://bucket/prefix', options)`; see `text-file-stream.ts`. */
export { s3TextFileStream } from './text-file-stream.js';
export type { S3TextFileStreamOptions } from './text-file-stream.js';
