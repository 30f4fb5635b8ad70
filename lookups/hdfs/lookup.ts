/**
 * The HDFS lookup: a table in one HDFS file (JSONL or CSV), read whole over WebHDFS and reloaded
 * between batches when the file changed, or every N ms.
 */
import { ConfigurationError, KindlingError, type Lookup } from '../../lib/index.js';
import { connectHdfs, type HdfsConnectionOptions } from '../../systems/hdfs/address.js';
import { parseRows, type CsvOptions, type RowFormat } from '../../systems/rows/rows.js';
import type { WebHdfsClient, WebHdfsError } from '../../systems/hdfs/webhdfs.js';

/** Options of {@link hdfsLookup}. */
export interface HdfsLookupOptions<K, V> extends HdfsConnectionOptions {
  /** The file: `hdfs://namenode:8020/path` (with `httpPort`), or `webhdfs://namenode:9870/path`. */
  readonly url: string;
  /** `jsonl` (one JSON value per line) or `csv`. Default: `csv` when the path ends `.csv`, else `jsonl`. */
  readonly format?: RowFormat;
  /** CSV settings (separator, columns when the file has no header line). */
  readonly csv?: CsvOptions;
  /** The key of a row (a JSON value, or a CSV row as an object of strings). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are the file's JSON, typed by the user
  readonly key: (row: any) => K;
  /** The value kept for a row. Default: the row itself. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for key
  readonly value?: (row: any) => V;
  /**
   * When `refresh` reloads: `'onChange'` (default) when the file's modification time or length
   * changed; `'always'` at every check. Checks happen at most every `refreshIntervalMs`.
   */
  readonly reload?: 'onChange' | 'always';
  /** Least batch time, ms, between two checks of `refresh`. Default 0: every batch boundary. */
  readonly refreshIntervalMs?: number;
  /**
   * What a failed reload in `refresh` does once retries ran out: `'fail'` (default) throws, so the
   * batch fails; `'keepStale'` keeps answering from the table loaded before (and tells `onError`).
   */
  readonly onRefreshError?: 'fail' | 'keepStale';
  /** Told of retried calls and of reloads that failed under `'keepStale'`; never of tokens. */
  readonly onError?: (message: string, error: unknown) => void;
}

/**
 * A lookup over one HDFS file read through WebHDFS: the whole table is read once (GETFILESTATUS,
 * then OPEN: three HTTP requests; two with `reload: 'always'`, which needs no status) and every `getAll` answers from memory, whatever the number of
 * keys. `refresh(time)` asks for the file's status (one request, at most every
 * `refreshIntervalMs` of batch time) and, when its modification time or length changed, reads it
 * into a new table that replaces the old one at once: a batch sees one version only.
 *
 * @example
 * const users = hdfsLookup<string, User>({
 *   url: 'hdfs://namenode:8020/profiles/users.jsonl', httpPort: 9870, user: 'etl',
 *   key: (row) => row.id,
 * });
 * const found = await users.getAll(['u1', 'u2']); // Map { 'u1' => {...} }
 *
 * Gotchas: the table must fit in memory; a key in several rows keeps the last. A missing file is
 * an error (not retried). Calls retry with back-off (`maxAttempts`, `backoff`) and then fail with a
 * `WebHdfsError` whose `retriable` is true for a lost NameNode. Replace the file by writing a new
 * one and renaming it over the old (a reader may see a file being written in place half-done).
 * @throws ConfigurationError when an option is wrong.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the row itself by default
export function hdfsLookup<K, V = any>(options: HdfsLookupOptions<K, V>): HdfsLookup<K, V> {
  return new HdfsLookup(options);
}

/** The lookup {@link hdfsLookup} makes. */
export class HdfsLookup<K, V> implements Lookup<K, V> {
  readonly name: string;
  /** The WebHDFS client (its `requests` count the round trips). */
  readonly client: WebHdfsClient;
  private readonly path: string;
  private readonly format: RowFormat;
  private table: Map<K, V> | undefined;
  /** `modificationTime:length` of the file the table was read from. */
  private version: string | undefined;
  private loading: Promise<Map<K, V>> | undefined;
  private lastCheck: number | undefined;

  constructor(private readonly options: HdfsLookupOptions<K, V>) {
    const what = `hdfsLookup${typeof options.url === 'string' ? ` ${options.url}` : ''}`;
    const { client, path } = connectHdfs(what, options.url, options);
    if (typeof options.key !== 'function') {
      throw new ConfigurationError(`${what}: key must be a function of a row, e.g. key: (row) => row.id`);
    }
    if (options.format !== undefined && options.format !== 'jsonl' && options.format !== 'csv') {
      throw new ConfigurationError(`${what}: format must be 'jsonl' or 'csv', got ${String(options.format)}`);
    }
    if (options.reload !== undefined && options.reload !== 'onChange' && options.reload !== 'always') {
      throw new ConfigurationError(
        `${what}: reload must be 'onChange' or 'always', got ${String(options.reload)}`,
      );
    }
    const interval = options.refreshIntervalMs ?? 0;
    if (!(Number.isFinite(interval) && interval >= 0)) {
      throw new ConfigurationError(`${what}: refreshIntervalMs must be a number of ms >= 0, got ${interval}`);
    }
    if (path === '/') throw new ConfigurationError(`${what}: the address must name a file, not the root`);
    this.name = `hdfsLookup ${options.url}`;
    this.client = client;
    this.path = path;
    this.format = options.format ?? (path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
    if (options.onError) {
      const report = options.onError;
      this.client.onRetry = (message, error) => report(`${this.name}: ${message}`, error);
    }
  }

  async getAll(keys: readonly K[]): Promise<ReadonlyMap<K, V>> {
    const table = this.table ?? (await this.ensureLoaded());
    const found = new Map<K, V>();
    for (const k of keys) if (table.has(k)) found.set(k, table.get(k) as V);
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
      if (this.options.reload === 'always') {
        this.table = await this.read();
        return;
      }
      const status = await this.status();
      if (`${status.modificationTime}:${status.length}` !== this.version)
        this.table = await this.read(status);
    } catch (error) {
      if (this.options.onRefreshError !== 'keepStale') throw error;
      this.options.onError?.(`${this.name}: reload failed, answering from the table loaded before`, error);
    }
  }

  async close(): Promise<void> {
    // WebHDFS holds no connection beyond fetch's keep-alive pool.
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

  private async status(): Promise<{ modificationTime: number; length: number }> {
    const status = await this.client.getFileStatus(this.path);
    if (!status || status.type !== 'FILE') {
      throw new KindlingError(
        `${this.name}: there is no file ${this.path} on ${this.client.endpoint}` +
          `${status ? ` (it is a ${status.type.toLowerCase()})` : ''}; create it or fix url`,
      );
    }
    return status;
  }

  /** Reads the file into a new table (the one in use is untouched until it is swapped). */
  private async read(known?: { modificationTime: number; length: number }): Promise<Map<K, V>> {
    // 'always' needs no version: one OPEN (two requests) is the whole reload.
    const status = known ?? (this.options.reload === 'always' ? undefined : await this.status());
    const bytes = await this.client.open(this.path).catch((error: unknown) => {
      if ((error as WebHdfsError).exception !== 'FileNotFoundException') throw error;
      throw new KindlingError(
        `${this.name}: there is no file ${this.path} on ${this.client.endpoint}; create it or fix url`,
        {
          cause: error,
        },
      );
    });
    const text = new TextDecoder().decode(bytes);
    const table = new Map<K, V>();
    const value = this.options.value ?? ((row: unknown) => row as V);
    for (const row of parseRows(text, this.format, this.options.url, this.options.csv)) {
      table.set(this.options.key(row), value(row));
    }
    // The status is from before the read: a change during it is seen at the next check.
    this.version = status && `${status.modificationTime}:${status.length}`;
    return table;
  }
}
