/**
 * The checkpoint store on HDFS: one file per checkpoint (the local store's header: magic,
 * version, length, crc32), written under a temp name and renamed into place; the newest few kept.
 */
import {
  ConfigurationError,
  KindlingError,
  encodeCheckpointHeader,
  retired,
  sortStored,
  storedName,
  verifyCheckpoint,
  type CheckpointStore,
  type SkippedCheckpoint,
  type StoredCheckpoint,
  type StoredFile,
} from '../../lib/index.js';
import { connectHdfs, joinPath, type HdfsConnectionOptions } from '../../systems/hdfs/address.js';
import type { WebHdfsClient } from '../../systems/hdfs/webhdfs.js';

const TEMP_NAME = /^\.(?:checkpoint|plans)-(\d{16})(?:-on-\d{16})?\..+\.tmp$/;

/** Options of an {@link HdfsCheckpointStore}. */
export interface HdfsCheckpointStoreOptions extends HdfsConnectionOptions {
  /** The checkpoint folder: `hdfs://namenode:8020/path` (with `httpPort`) or `webhdfs://namenode:9870/path`. */
  readonly url: string;
  /** How many checkpoints to keep; older ones are deleted after each write. Default 3. */
  readonly keep?: number;
}

/**
 * A `CheckpointStore` on HDFS: the checkpoint of time t is the file `checkpoint-<t, 16 digits>`
 * in the folder, a 20-byte header then the payload. A write goes to `.checkpoint-<t>.<id>.tmp`
 * and is renamed into place (atomic on the NameNode), so a reader sees the old file or the whole
 * new one. After each write all but the newest `keep` are deleted, with temp files a crash left.
 * `readAll` returns the ones that verify, newest first, and names the others as skipped. Each
 * batch's plans (the batch log) are files `plans-<t, 16 digits>`, written the same way and deleted
 * once no newer than the oldest checkpoint kept.
 *
 * @example
 * const ssc = new StreamingContext({
 *   batchInterval: seconds(1),
 *   checkpointStore: new HdfsCheckpointStore({ url: 'hdfs://namenode:8020/jobs/orders/ckpt', httpPort: 9870 }),
 * });
 *
 * Gotchas: only one job may write a folder at a time. The checkpoint just written is never
 * deleted by retention. Calls retry with back-off (`maxAttempts`, `backoff`); when they run out,
 * the write fails with a retriable error. The delegation token is never part of a message.
 * @throws ConfigurationError when an option is wrong.
 */
export class HdfsCheckpointStore implements CheckpointStore {
  readonly description: string;
  /** The WebHDFS client (its `requests` count round trips). */
  readonly client: WebHdfsClient;
  readonly #dir: string;
  /** How many checkpoints are kept. */
  readonly keep: number;
  /** Keeps the base of every incremental checkpoint it keeps. */
  readonly incremental = true;
  #writes = 0;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: HdfsCheckpointStoreOptions) {
    const what = 'HdfsCheckpointStore';
    const { client, path, url } = connectHdfs(what, options.url, options);
    const keep = options.keep ?? 3;
    if (!Number.isSafeInteger(keep) || keep < 1) {
      throw new ConfigurationError(`${what}: keep must be a whole number of at least 1, got ${keep}`);
    }
    this.client = client;
    this.#dir = path;
    this.keep = keep;
    this.description = `HDFS ${url}`;
  }

  /** Writes the checkpoint of batch time `time` atomically, replacing one of the same time. */
  async write(time: number, data: Uint8Array, base?: number): Promise<void> {
    const name = storedName('checkpoint', time, base);
    await this.#serially(async () => {
      await this.#writeAtomically(name, data);
      const { checkpoints, plans, temps } = await this.#list();
      for (const f of [
        ...retired(checkpoints, plans, this.keep, name),
        ...temps.filter((f) => f.time <= time),
      ]) {
        await this.client.delete(joinPath(this.#dir, f.name), false);
      }
    });
  }

  /** Writes the plans of the batch at `time` atomically, as a checkpoint is written. */
  async writePlans(time: number, data: Uint8Array): Promise<void> {
    const name = storedName('plans', time);
    await this.#serially(() => this.#writeAtomically(name, data));
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

  /** Deletes every checkpoint, plans and temp file of this store; other files in the folder stay. */
  clear(): Promise<void> {
    return this.#serially(async () => {
      const { checkpoints, plans, temps } = await this.#list();
      for (const f of [...checkpoints, ...plans, ...temps])
        await this.client.delete(joinPath(this.#dir, f.name), false);
    });
  }

  /** Writes `name` under a temp name, then renames it into place (atomic on the NameNode). */
  async #writeAtomically(name: string, data: Uint8Array): Promise<void> {
    const temp = `.${name}.${process.pid}-${Date.now().toString(36)}-${++this.#writes}.tmp`;
    const body = new Uint8Array(20 + data.byteLength);
    body.set(encodeCheckpointHeader(data), 0);
    body.set(data, 20);
    try {
      await this.client.create(joinPath(this.#dir, temp), body);
      await this.client.rename(joinPath(this.#dir, temp), joinPath(this.#dir, name));
    } catch (error) {
      await this.client.delete(joinPath(this.#dir, temp), false).catch(() => undefined);
      throw new KindlingError(`could not write ${name} to ${this.description}: ${(error as Error).message}`, {
        cause: error,
        retriable: error instanceof KindlingError ? error.retriable : true,
      });
    }
  }

  async #readFiles(
    files: readonly StoredFile[],
  ): Promise<{ found: StoredCheckpoint[]; skipped: SkippedCheckpoint[] }> {
    const found: StoredCheckpoint[] = [];
    const skipped: SkippedCheckpoint[] = [];
    for (const { time, name } of files) {
      let bytes: Uint8Array;
      try {
        bytes = await this.client.open(joinPath(this.#dir, name));
      } catch (error) {
        if ((error as { exception?: string }).exception === 'FileNotFoundException') continue; // retention
        skipped.push({ name, reason: `unreadable: ${(error as Error).message}` });
        continue;
      }
      const result = verifyCheckpoint(bytes);
      if ('reason' in result) skipped.push({ name, reason: result.reason });
      else found.push({ time, name, data: result.data });
    }
    return { found, skipped };
  }

  async #list(): Promise<{ checkpoints: StoredFile[]; plans: StoredFile[]; temps: StoredFile[] }> {
    const names = (await this.client.listStatus(this.#dir))
      .filter((e) => e.type === 'FILE')
      .map((e) => e.pathSuffix);
    const temps: StoredFile[] = [];
    for (const name of names) {
      const temp = TEMP_NAME.exec(name);
      if (temp) temps.push({ name, time: Number(temp[1]) });
    }
    return { ...sortStored(names), temps };
  }

  #serially(work: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(work);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
