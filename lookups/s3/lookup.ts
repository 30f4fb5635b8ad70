/**
 * The S3 lookup: a table in one S3 object, or in every object under a prefix (JSONL or CSV),
 * loaded whole into memory and reloaded between batches when an object changed.
 */
import { ConfigurationError, KindlingError, type Lookup } from '../../lib/index.js';
import { connectS3, parseS3Url, type S3Connection } from '../../systems/s3/client.js';
import type { S3ConnectionOptions } from '../../systems/s3/options.js';
import { getObject, listObjects } from '../../systems/s3/objects.js';
import { parseRows, type CsvOptions, type RowFormat } from '../../systems/rows/rows.js';

/** Options of {@link s3Lookup}. */
export interface S3LookupOptions<K, V, R = V> extends S3ConnectionOptions {
  /**
   * `s3://bucket/key` for one object; `s3://bucket/prefix/` (ending with `/`) or `s3://bucket`
   * for every object under the prefix (keys ending `/` are skipped).
   */
  readonly url: string;
  /** `jsonl` (one JSON value per line) or `csv`. Default: `csv` when the url ends `.csv`, else `jsonl`. */
  readonly format?: RowFormat;
  /** CSV settings (separator, columns when the objects have no header line). */
  readonly csv?: CsvOptions;
  /** The key of a row (a JSON value, or a CSV row as an object of strings). */
  readonly key: (row: R) => K;
  /** The value kept for a row. Default: the row itself. */
  readonly value?: (row: R) => V;
  /**
   * When `refresh` reloads: `'onChange'` (default) when an object's ETag changed, or an object
   * appeared or went; `'always'` at every check. Checks happen at most every `refreshIntervalMs`.
   */
  readonly reload?: 'onChange' | 'always';
  /** Least batch time, ms, between two checks of `refresh`. Default 0: every batch boundary. */
  readonly refreshIntervalMs?: number;
  /**
   * What a failed reload in `refresh` does once retries ran out: `'fail'` (default) throws, so
   * the batch fails; `'keepStale'` keeps answering from the table loaded before (and tells `onError`).
   */
  readonly onRefreshError?: 'fail' | 'keepStale';
  /** Told of retried calls and of reloads that failed under `'keepStale'`; never of credentials. */
  readonly onError?: (message: string, error: unknown) => void;
  /** Objects read at once when loading a prefix. Default 4. */
  readonly concurrency?: number;
}

/**
 * A lookup over S3: the whole table is read once (one GetObject per object, after one listing
 * for a prefix) and every `getAll` answers from memory, with no further call. `refresh(time)`
 * lists the objects again (at most every `refreshIntervalMs` of batch time) and, when an ETag
 * changed, reads them all into a new table that replaces the old one at once: a batch sees
 * one version only.
 *
 * @example
 * const users = s3Lookup<string, User>({
 *   url: 's3://profiles/users/', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1',
 *   credentials: { accessKeyId, secretAccessKey },
 *   key: (row) => row.id,
 * });
 * const found = await users.getAll(['u1', 'u2']); // Map { 'u1' => {...} }
 *
 * Gotchas: the table must fit in memory. A key found in several rows keeps the last one (objects
 * in key order, rows in file order). A missing single object is an error; an empty prefix is an
 * empty table. Reads retry with back-off (`maxAttempts`, `backoff`) and then fail with a
 * `KindlingError` whose `retriable` is true for a lost server. Credentials are never logged.
 * @throws ConfigurationError when an option is wrong.
 */
export function s3Lookup<K, V, R = V>(options: S3LookupOptions<K, V, R>): S3Lookup<K, V> {
  return new S3Lookup<K, V>(options as S3LookupOptions<K, V, unknown>);
}

/** The lookup {@link s3Lookup} makes. */
export class S3Lookup<K, V> implements Lookup<K, V> {
  readonly name: string;
  private readonly conn: S3Connection;
  private readonly bucket: string;
  private readonly key: string;
  private readonly single: boolean;
  private readonly format: RowFormat;
  private table: Map<K, V> | undefined;
  private versions = new Map<string, string>();
  private loading: Promise<Map<K, V>> | undefined;
  private lastCheck: number | undefined;

  constructor(private readonly options: S3LookupOptions<K, V, unknown>) {
    const what = `s3Lookup${typeof options.url === 'string' ? ` ${options.url}` : ''}`;
    const { bucket, key } = parseS3Url(what, options.url);
    if (typeof options.key !== 'function') {
      throw new ConfigurationError(`${what}: key must be a function of a row, e.g. key: (row) => row.id`);
    }
    if (options.format !== undefined && options.format !== 'jsonl' && options.format !== 'csv') {
      throw new ConfigurationError(`${what}: format must be 'jsonl' or 'csv', got ${String(options.format)}`);
    }
    const interval = options.refreshIntervalMs ?? 0;
    if (!(Number.isFinite(interval) && interval >= 0)) {
      throw new ConfigurationError(`${what}: refreshIntervalMs must be a number of ms >= 0, got ${interval}`);
    }
    const concurrency = options.concurrency ?? 4;
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw new ConfigurationError(`${what}: concurrency must be a whole number >= 1, got ${concurrency}`);
    }
    this.name = `s3Lookup s3://${bucket}/${key}`;
    this.bucket = bucket;
    this.key = key;
    this.single = key !== '' && !key.endsWith('/');
    this.format = options.format ?? (key.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
    this.conn = connectS3(what, options);
    if (options.onError) {
      const report = options.onError;
      this.conn.onRetry = (message, error) => report(`${this.name}: ${message}`, error);
    }
  }

  async getAll(keys: readonly K[]): Promise<ReadonlyMap<K, V>> {
    const table = this.table ?? (await this.ensureLoaded());
    const found = new Map<K, V>();
    for (const k of keys) {
      if (table.has(k)) found.set(k, table.get(k) as V);
    }
    return found;
  }

  async load(): Promise<ReadonlyMap<K, V>> {
    return this.table ?? this.ensureLoaded();
  }

  async refresh(time: number): Promise<void> {
    if (!this.table) {
      this.lastCheck = time;
      await this.ensureLoaded();
      return;
    }
    const interval = this.options.refreshIntervalMs ?? 0;
    if (this.lastCheck !== undefined && time - this.lastCheck < interval) return;
    this.lastCheck = time;
    try {
      if (this.options.reload === 'always' || (await this.changed())) {
        this.table = await this.read();
      }
    } catch (error) {
      if (this.options.onRefreshError !== 'keepStale') throw error;
      this.options.onError?.(`${this.name}: reload failed, answering from the table loaded before`, error);
    }
  }

  async close(): Promise<void> {
    if (this.conn.owned) this.conn.client.destroy();
  }

  private ensureLoaded(): Promise<Map<K, V>> {
    this.loading ??= this.read().then(
      (table) => {
        this.table = table;
        this.loading = undefined;
        return table;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /** True when the listing differs from the ETags of the table in use. */
  private async changed(): Promise<boolean> {
    const listed = await this.listed();
    if (listed.length !== this.versions.size) return true;
    return listed.some((o) => this.versions.get(o.key) !== o.etag);
  }

  private async listed(): Promise<{ key: string; etag: string }[]> {
    const all = await listObjects(this.conn, this.bucket, this.key);
    return this.single ? all.filter((o) => o.key === this.key) : all;
  }

  /** Reads every object into a new table (the one in use is untouched until it is swapped). */
  private async read(): Promise<Map<K, V>> {
    const keys = this.single ? [this.key] : (await this.listed()).map((o) => o.key);
    const texts = await mapLimited(keys, this.options.concurrency ?? 4, async (key) => {
      const got = await getObject(this.conn, this.bucket, key);
      if (got) return { key, ...got };
      if (!this.single) return undefined; // deleted since the listing
      throw new KindlingError(
        `${this.name}: there is no object s3://${this.bucket}/${key}; create it or fix url`,
      );
    });
    const table = new Map<K, V>();
    const versions = new Map<string, string>();
    const value = this.options.value ?? ((row: unknown) => row as V);
    for (const t of texts) {
      if (!t) continue;
      versions.set(t.key, t.etag);
      const source = `s3://${this.bucket}/${t.key}`;
      const text = new TextDecoder().decode(t.data);
      for (const row of parseRows(text, this.format, source, this.options.csv, 'object')) {
        table.set(this.options.key(row), value(row));
      }
    }
    this.versions = versions;
    return table;
  }
}

/** `fn` over `items` with at most `limit` at once; results in the order of `items`. */
async function mapLimited<A, B>(
  items: readonly A[],
  limit: number,
  fn: (item: A) => Promise<B>,
): Promise<B[]> {
  const results = new Array<B>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as A);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
