/**
 * `s3TextFileStream`: at each batch time, the lines of every object that appeared under an S3
 * prefix since the previous batch (a `BatchSource`: no receiver, positions checkpointed).
 */
import {
  ConfigurationError,
  type BatchSource,
  type DStream,
  type StreamingContext,
} from '../../lib/index.js';
import { connectS3, parseS3Url, type S3Connection } from '../../systems/s3/client.js';
import type { S3ConnectionOptions } from '../../systems/s3/options.js';
import { getObject, listObjects } from '../../systems/s3/objects.js';

/** Options of {@link s3TextFileStream}. */
export interface S3TextFileStreamOptions extends S3ConnectionOptions {
  /** Only objects whose key passes. Default: keys whose last segment does not start with `.` or `_`. */
  readonly filter?: (key: string) => boolean;
  /** Also read the objects already there at start. Default false. */
  readonly includeExisting?: boolean;
  /** Most objects one batch reads; further new objects wait for the next batches, in key order. */
  readonly maxObjectsPerBatch?: number;
}

const visible = (key: string): boolean => !/(^|\/)[._][^/]*$/.test(key);

/**
 * A stream of the lines (`\n` or `\r\n`, UTF-8) of the objects that appear under `url`
 * (`s3://bucket/prefix`): each batch lists the prefix and reads, in key order, the objects it has
 * not seen. The keys seen are the source's position, checkpointed with each batch, so a job
 * resumed from a checkpoint neither reads an object twice nor skips one.
 *
 * Delivery: exactly-once per object with a checkpoint: each batch's keys are written to the
 * batch log before its outputs run, so a batch re-run after a crash reads the same objects, and
 * the next batches the objects that appeared since; without one, objects present at start are
 * skipped unless `includeExisting`.
 *
 * @example
 * s3TextFileStream(ssc, 's3://logs/incoming/', { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1' })
 *   .count().print();
 *
 * Gotchas: an object is read whole in the batch after it appears, and must not change later (a
 * replaced object with a seen key is not read again). The position grows with every key seen.
 * Listing and reading retry with back-off; when attempts run out the batch fails with a
 * retriable KindlingError, and retries are reported as `connectorError` events. Credentials are
 * never logged.
 * @throws ConfigurationError when an option is wrong.
 */
export function s3TextFileStream(
  ssc: StreamingContext,
  url: string,
  options: S3TextFileStreamOptions = {},
): DStream<string> {
  return ssc.sourceStream(new S3TextSource(ssc, url, options));
}

class S3TextSource implements BatchSource<string, string[]> {
  readonly name: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly conn: S3Connection;
  private seen = new Set<string>();
  private restored = false;
  private primed = false;

  constructor(
    ssc: StreamingContext,
    url: string,
    private readonly options: S3TextFileStreamOptions,
  ) {
    const what = `s3TextFileStream${typeof url === 'string' ? ` ${url}` : ''}`;
    const { bucket, key } = parseS3Url(what, url);
    const max = options.maxObjectsPerBatch;
    if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
      throw new ConfigurationError(`${what}: maxObjectsPerBatch must be a whole number >= 1, got ${max}`);
    }
    this.name = what;
    this.bucket = bucket;
    this.prefix = key;
    this.conn = connectS3(what, options);
    this.conn.onRetry = (message, error, retryIn) => ssc.reportError(what, message, error, retryIn);
  }

  async start(): Promise<void> {
    if (this.restored || this.options.includeExisting || this.primed) return;
    for (const o of await listObjects(this.conn, this.bucket, this.prefix)) this.seen.add(o.key);
    this.primed = true;
  }

  /** The keys of the new objects, in key order (at most `maxObjectsPerBatch`); they count as read. */
  async plan(): Promise<string[]> {
    const filter = this.options.filter ?? visible;
    let fresh = (await listObjects(this.conn, this.bucket, this.prefix)).filter(
      (o) => !this.seen.has(o.key) && filter(o.key),
    );
    const max = this.options.maxObjectsPerBatch;
    if (max !== undefined) fresh = fresh.slice(0, max);
    const keys = fresh.map((o) => o.key);
    this.replan(0, keys);
    return keys;
  }

  replan(_time: number, keys: string[]): void {
    for (const key of keys) this.seen.add(key);
  }

  /** The lines of the objects `keys`; an object deleted since it was planned is skipped. */
  async read(_time: number, keys: string[]): Promise<string[]> {
    const lines: string[] = [];
    for (const key of keys) {
      const got = await getObject(this.conn, this.bucket, key);
      if (!got) continue; // deleted since the listing
      const text = new TextDecoder().decode(got.data);
      const parts = text.split(/\r?\n/);
      if (parts[parts.length - 1] === '') parts.pop();
      lines.push(...parts);
    }
    return lines;
  }

  position(): unknown {
    return [...this.seen];
  }

  restore(position: unknown): void {
    if (!Array.isArray(position)) return;
    this.seen = new Set(position.filter((k): k is string => typeof k === 'string'));
    this.restored = true;
  }

  stop(): void {
    if (this.conn.owned) this.conn.client.destroy();
  }
}
