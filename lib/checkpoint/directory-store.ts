/**
 * The checkpoint store on a local directory: one file per checkpoint, written to a hidden temp
 * file, fsynced, renamed into place; the newest few kept.
 */
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigurationError, KindlingError, describe } from '../errors.js';
import type { CheckpointStore, SkippedCheckpoint, StoredCheckpoint } from '../types.js';
import { errorCode as code, syncDirectory, writeAll } from './durable-file.js';
import { encodeCheckpointHeader, verifyCheckpoint } from './format.js';
import { retired, sortStored, storedName, type StoredFile } from './store-layout.js';

const TEMP_NAME = /^\.(?:checkpoint|plans)-(\d{16})(?:-on-\d{16})?\..+\.tmp$/;
/** Errors of a write that may pass if tried again. */
const RETRIABLE_CODES = new Set(['EAGAIN', 'EBUSY', 'EINTR', 'EMFILE', 'ENFILE', 'ENOSPC']);

/** Options of a {@link DirectoryCheckpointStore}. */
export interface DirectoryCheckpointStoreOptions {
  /** How many checkpoints to keep; older ones are deleted after each write. Default 3. */
  readonly keep?: number;
}

/**
 * A {@link CheckpointStore} on a local directory: the checkpoint of time t is the file
 * `checkpoint-<t, 16 digits>`, a 20-byte header (magic, format version, length, crc32) and the
 * payload; an incremental checkpoint (written with a base) is `checkpoint-<t>-on-<base>`.
 *
 * A write goes to a temp file whose name starts with `.`, is fsynced, renamed into place, and the
 * directory fsynced, so a reader sees the old file or the whole new one, even after a crash.
 * Writes of one store run one at a time, in call order. After each write, all but the newest
 * `keep` checkpoints (by time) are deleted (but not a base of one kept), and so are leftover temp files of times up to the
 * one written (a crash mid-write leaves one; reads never look at them). Each batch's plans (the
 * batch log) are files `plans-<t, 16 digits>`, written the same way, and deleted once they are
 * no newer than the oldest checkpoint kept.
 *
 * Gotchas: only one process may write a directory at a time. The checkpoint just written is
 * never deleted by retention, even when `keep` newer ones exist (say, left by a run that is being
 * recovered). `clear()` deletes only the store's own files, not the directory. Payloads read back
 * are views into one buffer per file.
 *
 * @param dir - the checkpoint directory; created on the first write if missing.
 * @param options - `keep` (default 3): how many checkpoints to keep.
 * @example
 * const store = new DirectoryCheckpointStore('/var/lib/job/checkpoints', { keep: 3 });
 * await store.write(5000, encodeCheckpoint(state));
 * const { checkpoints, skipped } = await store.readAll(); // newest first
 */
export class DirectoryCheckpointStore implements CheckpointStore {
  readonly description: string;
  readonly #dir: string;
  /** How many checkpoints are kept. */
  readonly keep: number;
  /** Keeps the base of every incremental checkpoint it keeps. */
  readonly incremental = true;
  #writes = 0;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(dir: string, options: DirectoryCheckpointStoreOptions = {}) {
    const keep = options.keep ?? 3;
    if (!Number.isSafeInteger(keep) || keep < 1) {
      throw new ConfigurationError(`checkpoint keep must be a whole number of at least 1, got ${keep}`);
    }
    if (dir === '')
      throw new ConfigurationError('checkpoint directory is empty; give the path of a directory');
    this.#dir = resolve(dir);
    this.keep = keep;
    this.description = `directory ${this.#dir}`;
  }

  /** Writes the checkpoint of batch time `time` atomically, replacing one of the same time. */
  async write(time: number, data: Uint8Array, base?: number): Promise<void> {
    const name = storedName('checkpoint', time, base);
    const temp = `.${name}.${process.pid}-${++this.#writes}.tmp`;
    await this.#serially(async () => {
      await this.#writeDurably(name, temp, data);
      await this.#clean(time, name);
    });
  }

  /** Writes the plans of the batch at `time` atomically, as a checkpoint is written. */
  async writePlans(time: number, data: Uint8Array): Promise<void> {
    const name = storedName('plans', time);
    const temp = `.${name}.${process.pid}-${++this.#writes}.tmp`;
    await this.#serially(() => this.#writeDurably(name, temp, data));
  }

  /** The checkpoints that read back intact, newest first, and the ones skipped with why. */
  async readAll(): Promise<{
    /** The intact checkpoints, newest first. */
    readonly checkpoints: StoredCheckpoint[];
    /** Those that did not read back intact, and why. */
    readonly skipped: SkippedCheckpoint[];
  }> {
    const files = (await this.#list()).checkpoints.sort((a, b) => b.time - a.time);
    const { found, skipped } = await this.#readFiles(files);
    return { checkpoints: found, skipped };
  }

  /** Every batch's plans that read back intact, oldest first, and the ones skipped with why. */
  async readPlans(): Promise<{
    /** The intact batch plans, oldest first. */
    readonly plans: StoredCheckpoint[];
    /** Those that did not read back intact, and why. */
    readonly skipped: SkippedCheckpoint[];
  }> {
    const files = (await this.#list()).plans.sort((a, b) => a.time - b.time);
    const { found, skipped } = await this.#readFiles(files);
    return { plans: found, skipped };
  }

  /** Deletes every checkpoint, plans and temp file of this store; other files in the directory stay. */
  clear(): Promise<void> {
    return this.#serially(async () => {
      const { checkpoints, plans, temps } = await this.#list();
      await this.#remove([...checkpoints, ...plans, ...temps].map((file) => file.name));
    });
  }

  async #readFiles(
    files: readonly StoredFile[],
  ): Promise<{ found: StoredCheckpoint[]; skipped: SkippedCheckpoint[] }> {
    const found: StoredCheckpoint[] = [];
    const skipped: SkippedCheckpoint[] = [];
    for (const { time, name } of files) {
      let bytes: Uint8Array;
      try {
        const file = await readFile(join(this.#dir, name));
        bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
      } catch (error) {
        if (code(error) === 'ENOENT') continue; // deleted by retention since the listing
        skipped.push({ name, reason: `unreadable: ${describe(error)}` });
        continue;
      }
      const result = verifyCheckpoint(bytes);
      if ('reason' in result) skipped.push({ name, reason: result.reason });
      else found.push({ time, name, data: result.data });
    }
    return { found, skipped };
  }

  #serially(work: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #writeDurably(name: string, temp: string, data: Uint8Array): Promise<void> {
    const tempPath = join(this.#dir, temp);
    try {
      await this.#makeDirectory();
      const handle = await open(tempPath, 'wx');
      try {
        await writeAll(handle, encodeCheckpointHeader(data), data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tempPath, join(this.#dir, name));
      await syncDirectory(this.#dir);
    } catch (error) {
      await rm(tempPath, { force: true }).catch(() => undefined); // the write's own error says more
      if (error instanceof KindlingError) throw error;
      const denied = unwritable(code(error));
      if (denied !== undefined) {
        throw new ConfigurationError(
          `could not write ${name} to ${this.description}: ${denied} (${describe(error)}); ` +
            'give checkpointDir a directory this process can write',
          { cause: error },
        );
      }
      throw new KindlingError(`could not write ${name} to ${this.description}: ${describe(error)}`, {
        cause: error,
        retriable: RETRIABLE_CODES.has(code(error) ?? ''),
      });
    }
  }

  /**
   * Deletes all but the newest `keep` checkpoints (never `written`), the plans no newer than the
   * oldest checkpoint kept, and temp files up to `time`.
   */
  async #clean(time: number, written: string): Promise<void> {
    const { checkpoints, plans, temps } = await this.#list();
    const stale = temps.filter((file) => file.time <= time);
    await this.#remove(
      [...retired(checkpoints, plans, this.keep, written), ...stale].map((file) => file.name),
      written,
    );
  }

  async #remove(names: string[], written?: string): Promise<void> {
    for (const name of names) {
      try {
        await rm(join(this.#dir, name), { force: true });
      } catch (error) {
        const done = written === undefined ? '' : ` (checkpoint ${written} was written)`;
        throw new KindlingError(
          `could not delete ${name} in ${this.description}${done}: ${describe(error)}`,
          {
            cause: error,
          },
        );
      }
    }
  }

  async #list(): Promise<{ checkpoints: StoredFile[]; plans: StoredFile[]; temps: StoredFile[] }> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (error) {
      if (code(error) === 'ENOENT') return { checkpoints: [], plans: [], temps: [] };
      throw this.#directoryError('list', error);
    }
    const temps: StoredFile[] = [];
    for (const name of names) {
      const temp = TEMP_NAME.exec(name);
      if (temp) temps.push({ name, time: Number(temp[1]) });
    }
    return { ...sortStored(names), temps };
  }

  /** Creates the directory, and makes the new entries durable in their parents. */
  async #makeDirectory(): Promise<void> {
    let created: string | undefined;
    try {
      created = await mkdir(this.#dir, { recursive: true });
    } catch (error) {
      throw this.#directoryError('create', error);
    }
    if (created === undefined) return;
    for (let dir = this.#dir; ; dir = dirname(dir)) {
      await syncDirectory(dirname(dir));
      if (dir === created || dir === dirname(dir)) break;
    }
  }

  #directoryError(action: string, error: unknown): KindlingError {
    if (code(error) === 'ENOTDIR' || code(error) === 'EEXIST') {
      return new ConfigurationError(
        `checkpoint directory ${this.#dir} is a file or lies under one; give the path of a directory`,
        { cause: error },
      );
    }
    const denied = unwritable(code(error));
    if (denied !== undefined) {
      return new ConfigurationError(
        `could not ${action} checkpoint directory ${this.#dir}: ${denied} (${describe(error)}); ` +
          'give checkpointDir a directory this process can write',
        { cause: error },
      );
    }
    return new KindlingError(`could not ${action} checkpoint ${this.description}: ${describe(error)}`, {
      cause: error,
      retriable: RETRIABLE_CODES.has(code(error) ?? ''),
    });
  }
}

/** What an error code says about a directory that cannot be written, or undefined for other codes. */
export function unwritable(errorCode: string | undefined): string | undefined {
  switch (errorCode) {
    case 'EROFS':
      return 'it is on a read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'a folder on its path does not exist and could not be created';
    default:
      return undefined;
  }
}
