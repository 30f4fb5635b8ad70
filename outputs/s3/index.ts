/**
 * The S3 output `s3Output(stream, options)`, `readS3Batch` for its readers, and the S3
 * checkpoint store; see `output.ts`, `batch.ts`, `checkpoint-store.ts`.
 */
export { s3Output } from './output.js';
export type { S3Output, S3OutputOptions } from './output.js';
export { S3FileStore } from './store.js';
export { readS3Batch, batchFolder as s3BatchFolder, MANIFEST as S3_MANIFEST } from './batch.js';
export type { S3BatchManifest } from './batch.js';
export { S3CheckpointStore } from './checkpoint-store.js';
export type { S3CheckpointStoreOptions } from './checkpoint-store.js';
