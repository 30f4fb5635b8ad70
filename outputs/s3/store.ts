/** S3FileStore: the {@link FileStore} of an S3 prefix, for the rolled S3 output. */
import { KindlingError } from '../../lib/index.js';
import { s3Call, type S3Connection } from '../../systems/s3/client.js';
import { s3Client, s3Sdk } from '../../systems/s3/sdk.js';
import { deleteObjects, getObject, listObjects, putObject } from '../../systems/s3/objects.js';
import type { FileStore, StoredEntry } from '../store/store.js';

/**
 * The objects under one S3 prefix as files and folders: `write` is one PutObject (durable when it
 * returns), `rename` a CopyObject then a DeleteObject (not atomic: readers trust only folders
 * with `_SUCCESS`, which the folder output writes last), `list` derives folders from the keys
 * below, `delete` removes an object or every object under a folder.
 *
 * @example
 * const store = new S3FileStore(() => conn, 'out', 'tweets/');
 * const out = new FolderOutput(store, { format: 'jsonl', roll: { batches: 60 } }, 1000);
 *
 * Gotchas: a file is held in memory while it is written (one PutObject per file, at most 5 GB).
 * Every call retries with the connection's back-off and fails with a KindlingError naming the
 * object. Paths are relative to the prefix; one leaving it is refused.
 */
export class S3FileStore implements FileStore {
  readonly location: string;

  /**
   * @param conn - the connection to use at each call (it may be closed between them).
   * @param bucket - the bucket.
   * @param prefix - the key prefix the store writes under ('' or ending with `/`).
   */
  constructor(
    private readonly conn: () => S3Connection,
    readonly bucket: string,
    readonly prefix: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
  }

  async write(
    path: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<void> {
    const parts: Buffer[] = [];
    for await (const chunk of chunks)
      parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    await putObject(this.conn(), this.bucket, this.key(path), Buffer.concat(parts));
  }

  async *read(path: string): AsyncIterable<Uint8Array> {
    const got = await getObject(this.conn(), this.bucket, this.key(path));
    if (!got) throw new KindlingError(`${this.location}${path} does not exist`);
    yield got.data;
  }

  async rename(from: string, to: string): Promise<void> {
    const conn = this.conn();
    const source = this.key(from);
    const target = this.key(to);
    const copySource = `${this.bucket}/${source.split('/').map(encodeURIComponent).join('/')}`;
    await s3Call(conn, `copying s3://${this.bucket}/${source} to ${target}`, (abortSignal) =>
      s3Client(conn).send(
        new (s3Sdk('the S3 output').CopyObjectCommand)({
          Bucket: this.bucket,
          Key: target,
          CopySource: copySource,
        }),
        {
          abortSignal,
        },
      ),
    );
    await deleteObjects(conn, this.bucket, [source]);
  }

  async list(folder: string): Promise<StoredEntry[]> {
    const base = this.folderKey(folder);
    const entries = new Map<string, StoredEntry>();
    for (const object of await listObjects(this.conn(), this.bucket, base)) {
      const rest = object.key.slice(base.length);
      const slash = rest.indexOf('/');
      const name = slash === -1 ? rest : rest.slice(0, slash);
      if (name === '' || entries.get(name)?.folder) continue;
      entries.set(name, { name, size: slash === -1 ? object.size : 0, folder: slash !== -1 });
    }
    return [...entries.values()];
  }

  async delete(path: string): Promise<void> {
    const conn = this.conn();
    const key = this.key(path);
    const below = await listObjects(conn, this.bucket, `${key}/`);
    await deleteObjects(conn, this.bucket, [key, ...below.map((o) => o.key)]);
  }

  /** The key of `path` under the prefix, refusing one that leaves it. */
  private key(path: string): string {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..') || parts.length === 0) {
      throw new KindlingError(`path '${path}' is not a file under ${this.location}`);
    }
    return this.prefix + parts.join('/');
  }

  /** The key prefix of the folder `path` ('' for the root), ending with `/` unless empty. */
  private folderKey(path: string): string {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new KindlingError(`path '${path}' is outside ${this.location}`);
    return parts.length === 0 ? this.prefix : `${this.prefix}${parts.join('/')}/`;
  }
}
