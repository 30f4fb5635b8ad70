/**
 * The HDFS output: each batch as a folder of JSON Lines or CSV part files on HDFS (over WebHDFS),
 * committed atomically, or many small batches rolled into fewer, larger files.
 */
import { ConfigurationError, addOutput, type DStream } from '../../lib/index.js';
import { connectHdfs, type HdfsConnectionOptions } from '../../systems/hdfs/address.js';
import { FolderOutput, type FolderOutputOptions } from '../store/folder-output.js';
import { HdfsFileStore } from './store.js';

/** Options of {@link hdfsOutput}. */
export interface HdfsOutputOptions<T> extends FolderOutputOptions<T>, HdfsConnectionOptions {
  /** The folder the batch folders go in: `hdfs://namenode:8020/path` (with `httpPort`) or `webhdfs://namenode:9870/path`. */
  readonly url: string;
}

/**
 * Writes every batch of `stream` under the HDFS folder `url` as JSON Lines (default) or CSV.
 *
 * Layout (the file output's): `url/batch-<time>/part-00000.jsonl` and `_SUCCESS` per batch; with
 * `roll`, `url/batches-<first>-<last>/part-00000.jsonl` and `_SUCCESS`, batches waiting under
 * `url/_staging/`. Each part is written as `.part-00000.jsonl.tmp` and renamed (atomic on the
 * NameNode); `_SUCCESS` comes last. Readers (Spark, Hive) take only folders holding `_SUCCESS`.
 *
 * Delivery: exactly-once per batch folder with a replayable source and checkpoints: a batch that
 * runs again after a crash deletes its folder and writes it anew, leaving no duplicates. With a
 * source that cannot replay, batches lost in a crash are missing.
 *
 * @returns the output, for `flush()` and its `store` (whose `client.requests` counts requests).
 * @example
 * const out = hdfsOutput(tweets, { url: 'hdfs://namenode:8020/data/tweets', httpPort: 9870, user: 'etl' });
 *
 * Gotchas: each part file is built in memory and sent in one CREATE. Calls retry with back-off
 * (`maxAttempts`, `backoff`); when they run out, the batch fails with a `WebHdfsError` naming the
 * path (nothing is dropped). The delegation token is never part of a message.
 * @throws ConfigurationError when an option is wrong.
 */
export function hdfsOutput<T>(stream: DStream<T>, options: HdfsOutputOptions<T>): FolderOutput<T> {
  const what = 'hdfsOutput';
  const { client, path, url } = connectHdfs(what, options.url, options);
  if (path === '/')
    throw new ConfigurationError(`${what}: write into a folder below the root, not into ${url}`);
  const output = new FolderOutput<T>(new HdfsFileStore(client, path, url), options, stream.slideDuration);
  addOutput(stream, output);
  return output;
}
