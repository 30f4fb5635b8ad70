/** HdfsFileStore: the {@link FileStore} of an HDFS folder, over WebHDFS. */
import { KindlingError } from '../../lib/index.js';
import { joinPath } from '../../systems/hdfs/address.js';
import type { WebHdfsClient, WebHdfsError } from '../../systems/hdfs/webhdfs.js';
import type { FileStore, StoredEntry } from '../store/store.js';

/**
 * The files under one HDFS folder: `write` is one CREATE (its data is on the DataNode when the
 * call returns), `rename` is the NameNode's atomic rename (replacing the target), `delete` is
 * recursive.
 *
 * @example
 * const store = new HdfsFileStore(new WebHdfsClient({ endpoint: 'http://nn:9870' }), '/data/out');
 * const out = new FolderOutput(store, { format: 'jsonl' }, 1000);
 *
 * Gotchas: a file is held in memory while it is written (one CREATE per file); HDFS has no append
 * here. Paths are relative to `root`; one leaving it is refused.
 */
export class HdfsFileStore implements FileStore {
  readonly location: string;

  /**
   * @param client - the WebHDFS client.
   * @param root - the absolute HDFS folder the store writes under.
   * @param location - how messages name the root (default `webhdfs endpoint + root`).
   */
  constructor(
    readonly client: WebHdfsClient,
    readonly root: string,
    location?: string,
  ) {
    this.location = location ?? `${client.endpoint}/webhdfs/v1${root}`;
  }

  async write(
    path: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<void> {
    const parts: Buffer[] = [];
    for await (const chunk of chunks)
      parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    await this.client.create(this.resolve(path), Buffer.concat(parts));
  }

  async *read(path: string): AsyncIterable<Uint8Array> {
    yield await this.client.open(this.resolve(path));
  }

  async rename(from: string, to: string): Promise<void> {
    const target = this.resolve(to);
    try {
      await this.client.rename(this.resolve(from), target);
    } catch (error) {
      // The target's folder is missing: make it and try once more (the usual case needs no MKDIRS).
      const e = error as WebHdfsError;
      if (e.exception !== 'FileNotFoundException' || !/destination parent/.test(e.message)) throw error;
      await this.client.mkdirs(target.slice(0, target.lastIndexOf('/')) || '/');
      await this.client.rename(this.resolve(from), target);
    }
  }

  async list(folder: string): Promise<StoredEntry[]> {
    const entries = await this.client.listStatus(this.resolve(folder));
    return entries.map((e) => ({ name: e.pathSuffix, size: e.length, folder: e.type === 'DIRECTORY' }));
  }

  async delete(path: string): Promise<void> {
    await this.client.delete(this.resolve(path), true);
  }

  /** The absolute HDFS path of `path`, refusing one that leaves the root. */
  private resolve(path: string): string {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new KindlingError(`path '${path}' is outside ${this.location}`);
    return parts.reduce(joinPath, this.root);
  }
}
