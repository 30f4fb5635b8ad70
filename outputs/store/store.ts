/**
 * FileStore: the few file-system steps the folder-per-batch outputs need (write, read, rename,
 * list, delete), so the local-file, S3 and HDFS outputs share one layout and one commit protocol
 * (`commit.ts`, `folder-output.ts`). Paths are '/'-separated and relative to the store's root
 * (a local directory, an S3 bucket and prefix, an HDFS directory).
 */

/** One entry of a folder listing. */
export interface StoredEntry {
  /** The name inside the folder (no '/'). */
  readonly name: string;
  /** Size in bytes of a file; 0 for a folder. */
  readonly size: number;
  /** True for a folder (on S3: a common prefix). */
  readonly folder: boolean;
}

/**
 * The storage operations of a folder-per-batch output. Implement it for another store and hand
 * it to `FolderOutput`.
 *
 * Contract: `write` makes the file durable before it resolves (fsync on local disk; a completed
 * PUT on S3) but need not be atomic; `rename` of a file is atomic where the store allows (local
 * disk, HDFS) and may be a copy then a delete where it does not (S3), so readers must trust only
 * folders with a `_SUCCESS` marker. Missing paths are not errors for `list` and `delete`.
 *
 * @example
 * class MemoryStore implements FileStore { ... }
 * const out = new FolderOutput(new MemoryStore(), { format: 'jsonl' });
 */
export interface FileStore {
  /** Where the store writes, for messages: `file:///data/out`, `s3://bucket/prefix`. No credentials. */
  readonly location: string;
  /** Writes a whole file, replacing one of that path, creating parent folders as needed. */
  write(
    path: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<void>;
  /** The bytes of a file. */
  read(path: string): AsyncIterable<Uint8Array>;
  /** Moves a file to `to`, replacing a file there. */
  rename(from: string, to: string): Promise<void>;
  /** The entries directly inside `folder`; empty when it does not exist. */
  list(folder: string): Promise<StoredEntry[]>;
  /** Deletes a file, or a folder with everything under it; nothing when it does not exist. */
  delete(path: string): Promise<void>;
}
