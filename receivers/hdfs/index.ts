/** Text files appearing in an HDFS folder, as a stream of lines (over WebHDFS). */
export { hdfsTextFileStream, HdfsTextFileSource } from './text-file-stream.js';
export type { HdfsTextFileStreamOptions } from './text-file-stream.js';
