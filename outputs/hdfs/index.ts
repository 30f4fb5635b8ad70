/** The HDFS output, its FileStore, and the HDFS checkpoint store. */
export { hdfsOutput } from './output.js';
export type { HdfsOutputOptions } from './output.js';
export { HdfsFileStore } from './store.js';
export { HdfsCheckpointStore } from './checkpoint-store.js';
export type { HdfsCheckpointStoreOptions } from './checkpoint-store.js';
