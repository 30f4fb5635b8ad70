/** LocalFileStore: the {@link FileStore} of a directory on local disk. */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { syncDirectory } from './sync.js';
import type { FileStore, StoredEntry } from '../store/store.js';

/**
 * The files of one local directory: `write` fsyncs the file, `rename` is atomic (same file
 * system) and fsyncs the folder, so a commit survives a power cut.
 *
 * @example
 * const out = new FolderOutput(new LocalFileStore('/data/out'), { format: 'jsonl' }, 1000);
 */
export class LocalFileStore implements FileStore {
  /** The directory written to: the `root` given, made absolute. */
  readonly root: string;
  readonly location: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.location = pathToFileURL(this.root).href;
  }

  async write(
    path: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<void> {
    const file = this.resolve(path);
    await mkdir(dirname(file), { recursive: true });
    const handle = await open(file, 'w');
    try {
      for await (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        for (let done = 0; done < bytes.byteLength;) {
          done += (await handle.write(bytes, done, bytes.byteLength - done)).bytesWritten;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await syncDirectory(dirname(file));
  }

  read(path: string): AsyncIterable<Uint8Array> {
    return createReadStream(this.resolve(path));
  }

  async rename(from: string, to: string): Promise<void> {
    const target = this.resolve(to);
    await mkdir(dirname(target), { recursive: true });
    await rename(this.resolve(from), target);
    await syncDirectory(dirname(target));
  }

  async list(folder: string): Promise<StoredEntry[]> {
    const dir = this.resolve(folder);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error;
    }
    return Promise.all(
      entries.map(async (e) => ({
        name: e.name,
        folder: e.isDirectory(),
        size: e.isDirectory() ? 0 : (await stat(join(dir, e.name))).size,
      })),
    );
  }

  async delete(path: string): Promise<void> {
    await rm(this.resolve(path), { recursive: true, force: true });
  }

  /** The absolute path of `path`, refusing one that leaves the root. */
  private resolve(path: string): string {
    const full = resolve(this.root, path);
    if (full !== this.root && !full.startsWith(this.root + '/') && !full.startsWith(this.root + '\\')) {
      throw new Error(`path '${path}' is outside ${this.location}`);
    }
    return full;
  }
}
