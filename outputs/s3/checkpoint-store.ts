/**
 * The checkpoint store on S3: one object per checkpoint, with the header (magic, version, length,
 * crc32) of local checkpoint files; the newest few kept.
 */
import {
  ConfigurationError,
  KindlingError,
  encodeCheckpointHeader,
  verifyCheckpoint,
  type CheckpointStore,
  type SkippedCheckpoint,
  type StoredCheckpoint,
} from '../../lib/index.js';
import {
  connectS3,
  describe,
  parseS3Url,
  type S3Connection,
  type S3ConnectionOptions,
} from '../../lookups/s3/client.js';
import { deleteObjects, getObject, listObjects, putObject } from '../../lookups/s3/objects.js';

/** Digits of a time in a key: enough for `Number.MAX_SAFE_INTEGER`, so keys sort by time. */
const TIME_DIGITS = 16;
const CHECKPOINT_NAME = /^checkpoint-(\d{16})$/;

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
 * newest first, and names the others (truncated, bad checksum) as skipped.
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
  readonly #keep: number;
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
    this.#keep = keep;
    this.#conn = connectS3(what, options);
    this.description = `S3 s3://${bucket}/${this.#prefix}`;
  }

  /** Writes the checkpoint of batch time `time` (one PUT), replacing one of the same time. */
  write(time: number, data: Uint8Array): Promise<void> {
    if (!Number.isSafeInteger(time) || time < 0) {
      return Promise.reject(
        new KindlingError(`checkpoint time must be a whole number of ms, at least 0; got ${time}`),
      );
    }
    const name = `checkpoint-${String(time).padStart(TIME_DIGITS, '0')}`;
    return this.#serially(async () => {
      const body = new Uint8Array(20 + data.byteLength);
      body.set(encodeCheckpointHeader(data), 0);
      body.set(data, 20);
      try {
        await putObject(this.#conn, this.#bucket, this.#prefix + name, body);
      } catch (error) {
        throw new KindlingError(
          `could not write checkpoint ${name} to ${this.description}: ${describe(error)}`,
          {
            cause: error,
            retriable: error instanceof KindlingError ? error.retriable : true,
          },
        );
      }
      const old = (await this.#list())
        .sort((a, b) => b.time - a.time)
        .slice(this.#keep)
        .filter((c) => c.name !== name);
      if (old.length > 0)
        await deleteObjects(
          this.#conn,
          this.#bucket,
          old.map((c) => this.#prefix + c.name),
        );
    });
  }

  /** The checkpoints that read back intact, newest first, and the ones skipped with why. */
  async readAll(): Promise<{
    readonly checkpoints: StoredCheckpoint[];
    readonly skipped: SkippedCheckpoint[];
  }> {
    const checkpoints: StoredCheckpoint[] = [];
    const skipped: SkippedCheckpoint[] = [];
    for (const { time, name } of (await this.#list()).sort((a, b) => b.time - a.time)) {
      const got = await getObject(this.#conn, this.#bucket, this.#prefix + name);
      if (!got) continue; // deleted by retention since the listing
      const result = verifyCheckpoint(got.data);
      if ('reason' in result) skipped.push({ name, reason: result.reason });
      else checkpoints.push({ time, name, data: result.data });
    }
    return { checkpoints, skipped };
  }

  /** Deletes every checkpoint of this store; other objects under the prefix stay. */
  clear(): Promise<void> {
    return this.#serially(async () => {
      const names = (await this.#list()).map((c) => this.#prefix + c.name);
      if (names.length > 0) await deleteObjects(this.#conn, this.#bucket, names);
    });
  }

  /** Releases the client (when the store made it). */
  close(): void {
    if (this.#conn.owned) this.#conn.client.destroy();
  }

  async #list(): Promise<{ time: number; name: string }[]> {
    const found: { time: number; name: string }[] = [];
    for (const o of await listObjects(this.#conn, this.#bucket, this.#prefix)) {
      const name = o.key.slice(this.#prefix.length);
      const match = CHECKPOINT_NAME.exec(name);
      if (match) found.push({ time: Number(match[1]), name });
    }
    return found;
  }

  #serially(work: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(work);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
