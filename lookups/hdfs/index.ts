/** The HDFS lookup and the WebHDFS client the HDFS connectors share. */
export { hdfsLookup, HdfsLookup } from './lookup.js';
export type { HdfsLookupOptions } from './lookup.js';
export { WebHdfsClient, WebHdfsError } from './webhdfs.js';
export type { HdfsFileStatus, WebHdfsOptions } from './webhdfs.js';
export { connectHdfs } from './address.js';
export type { HdfsConnectionOptions, HdfsLocation } from './address.js';
