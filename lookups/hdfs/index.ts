/** The HDFS lookup and the WebHDFS client the HDFS connectors share. */
export { hdfsLookup, HdfsLookup } from './lookup.js';
export type { HdfsLookupOptions } from './lookup.js';
export { WebHdfsClient, WebHdfsError } from '../../systems/hdfs/webhdfs.js';
export type { HdfsFileStatus, WebHdfsOptions } from '../../systems/hdfs/webhdfs.js';
export { connectHdfs } from '../../systems/hdfs/address.js';
export type { HdfsConnectionOptions, HdfsLocation } from '../../systems/hdfs/address.js';
