/**
 * The local-file output (`fileOutput`) and the local `FileStore`; the layout they use
 * (`FolderOutput`, the commit protocol) is in `outputs/store/`, shared with the S3 and HDFS outputs.
 */
export { fileOutput } from './output.js';
export type { FileOutputOptions } from './output.js';
export { LocalFileStore } from './local-store.js';
