/**
 * The checkpoint store on S3: one object per checkpoint, with the header (magic, version, length,
 * crc32) of local checkpoint files; the newest few kept.
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
import { connectS3, describe, parseS3Url, type S3Connection } from '../../systems/s3/client.js';
import type { S3ConnectionOptions } from '../../systems/s3/options.js';
import { deleteObjects, getObject, listObjects, putObject } from '../../systems/s3/objects.js';

/** Options of an {@link S3CheckpointStore}. */
export interface S3CheckpointStoreOptions extends S3ConnectionOptions {
  /** Where the checkpoints go: `s3://bucket/prefix/` (a trailing `/` is added when missing). */
  readonly url: string;
  /** How many checkpoints to keep; older ones are deleted after each write. Default 3. */
  readonly keep?: number;
}

/**
 * A `CheckpointStore` on S3 (or MinIO): the checkpoint of time t is the object
 * `<prefix>checkpoint-<t, 16 digits>`, the 20-byte checkpoint header then the payload. A PUT is
 * atomic on S3 (a reader sees the old object or the whole new one), so no temp object is needed.
 * After each write all but the newest `keep` are deleted. `readAll` returns the ones that verify,
 * newest first, and names the others (truncated, bad checksum) as skipped. Each batch's plans
 * (the batch log) are objects `<prefix>plans-<t, 16 digits>`, written the same way and deleted
 * once no newer than the oldest checkpoint kept.
 *
 * @example
 * const ssc = new StreamingContext({
 *   batchInterval: seconds(1),
 *   checkpointStore: new S3CheckpointStore({ url: 's3://jobs/orders/checkpoints/', region: 'eu-west-1' }),
 * });
 *
 * Gotchas: only one job may write a prefix at a time. The checkpoint just written is never
 * deleted by retention. Calls retry with back-off (`maxAttempts`, `backoff`); when they run out,
 * the write fails with a retriable KindlingError. Credentials are never logged.
 * @throws ConfigurationError when an option is wrong.
 */
export class S3CheckpointStore implements CheckpointStore {
  readonly description: string;
  readonly #conn: S3Connection;
  readonly #bucket: string;
  readonly #prefix: string;
  /** How many checkpoints are kept. */
  readonly keep: number;
  /** Keeps the base of every incremental checkpoint it keeps. */
  readonly incremental = true;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: S3CheckpointStoreOptions) {
    const what = 'S3CheckpointStore';
    const { bucket, key } = parseS3Url(what, options.url);
    const keep = options.keep ?? 3;
    if (!Number.isSafeInteger(keep) || keep < 1) {
      throw new ConfigurationError(`${what}: keep must be a whole number of at least 1, got ${keep}`);
    }
    this.#bucket = bucket;
    this.#prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    this.keep = keep;
    this.#conn = connectS3(what, options);
    this.description = `S3 s3://${bucket}/${this.#prefix}`;
  }

  /** Writes the checkpoint of batch time `time` (one PUT), replacing one of the same time. */
  async write(time: number, data: Uint8Array, base?: number): Promise<void> {
    const name = storedName('checkpoint', time, base);
    await this.#serially(async () => {
      await this.#put(name, data);
      const { checkpoints, plans } = await this.#list();
      const keys = retired(checkpoints, plans, this.keep, name).map((c) => this.#prefix + c.name);
      if (keys.length > 0) await deleteObjects(this.#conn, this.#bucket, keys);
    });
  }

  /** Writes the plans of the batch at `time` (one PUT), replacing plans of the same time. */
  async writePlans(time: number, data: Uint8Array): Promise<void> {
    const name = storedName('plans', time);
    await this.#serially(() => this.#put(name, data));
  }

  /** The checkpoints that read back intact, newest first, and the ones skipped with why. */
  async readAll(): Promise<{
    /** The intact checkpoints, newest first. */
    readonly checkpoints: StoredCheckpoint[];
    /** Those that did not read back intact, and why. */
    readonly skipped: SkippedCheckpoint[];
  }> {
    const objects = (await this.#list()).checkpoints.sort((a, b) => b.time - a.time);
    const { found, skipped } = await this.#readObjects(objects);
    return { checkpoints: found, skipped };
  }

  /** Every batch's plans that read back intact, oldest first, and the ones skipped with why. */
  async readPlans(): Promise<{
    /** The intact batch plans, oldest first. */
    readonly plans: StoredCheckpoint[];
    /** Those that did not read back intact, and why. */
    readonly skipped: SkippedCheckpoint[];
  }> {
    const objects = (await this.#list()).plans.sort((a, b) => a.time - b.time);
    const { found, skipped } = await this.#readObjects(objects);
    return { plans: found, skipped };
  }

  /** Deletes every checkpoint and every batch's plans of this store; other objects under the prefix stay. */
  clear(): Promise<void> {
    return this.#serially(async () => {
      const { checkpoints, plans } = await this.#list();
      const keys = [...checkpoints, ...plans].map((c) => this.#prefix + c.name);
      if (keys.length > 0) await deleteObjects(this.#conn, this.#bucket, keys);
    });
  }

  async #put(name: string, data: Uint8Array): Promise<void> {
    const body = new Uint8Array(20 + data.byteLength);
    body.set(encodeCheckpointHeader(data), 0);
    body.set(data, 20);
    try {
      await putObject(this.#conn, this.#bucket, this.#prefix + name, body);
    } catch (error) {
      throw new KindlingError(`could not write ${name} to ${this.description}: ${describe(error)}`, {
        cause: error,
        retriable: error instanceof KindlingError ? error.retriable : true,
      });
    }
  }

  async #readObjects(
    objects: readonly StoredFile[],
  ): Promise<{ found: StoredCheckpoint[]; skipped: SkippedCheckpoint[] }> {
    const found: StoredCheckpoint[] = [];
    const skipped: SkippedCheckpoint[] = [];
    for (const { time, name } of objects) {
      const got = await getObject(this.#conn, this.#bucket, this.#prefix + name);
      if (!got) continue; // deleted by retention since the listing
      const result = verifyCheckpoint(got.data);
      if ('reason' in result) skipped.push({ name, reason: result.reason });
      else found.push({ time, name, data: result.data });
    }
    return { found, skipped };
  }

  /** Releases the client (when the store made it). */
  close(): void {
    if (this.#conn.owned) this.#conn.client.destroy();
  }

  async #list(): Promise<{ checkpoints: StoredFile[]; plans: StoredFile[] }> {
    const objects = await listObjects(this.#conn, this.#bucket, this.#prefix);
    return sortStored(objects.map((o) => o.key.slice(this.#prefix.length)));
  }

  #serially(work: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(work);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
