/**
 * The folder-per-batch layout shared by the local-file, S3 and HDFS outputs: the {@link FileStore}
 * interface a store implements, the commit protocol and {@link FolderOutput}.
 */
export { FolderOutput } from './folder-output.js';
export type { FolderOutputOptions, RollPolicy } from './folder-output.js';
export type { FileStore, StoredEntry } from './store.js';
export { SUCCESS, commitFolder, isCommitted, temporaryPath, writeAtomically } from './commit.js';
export type { PartFile } from './commit.js';
export type { LineFormat, LineFormatOptions } from '../lines/encode.js';
