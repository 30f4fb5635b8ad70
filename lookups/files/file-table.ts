/**
 * A table read whole from a local file and answered from memory: the part the JSONL and CSV
 * file lookups share. It loads on first use, and reloads between batches by its refresh policy,
 * swapping the new map in only once the whole file has been read and parsed.
 */
import { open, stat } from 'node:fs/promises';
import { ConfigurationError, KindlingError, type Lookup } from '../../lib/index.js';

/**
 * When a file lookup reloads its file: `{ everyMs }` every so many ms of batch time, or
 * `'onChange'` when the file's size, modification time or inode changed (a file replaced by a
 * rename counts). Checked in `refresh`, between batches. Without a policy the file is read once.
 */
export type FileRefreshPolicy =
  | {
      /** Batch time between reloads, ms. */
      readonly everyMs: number;
    }
  | 'onChange';

/** How a row's key is found: the name of a field, or a function of the row. */
export type RowKey<R, K> = (R extends object ? keyof R & string : never) | ((row: R) => K);

/** Options every file lookup takes. */
export interface FileLookupOptions<R, K, V> {
  /** The row's key: a field name, or a function of the row. A row without one fails the load. */
  readonly key: RowKey<R, K>;
  /** The value kept for a row; default the row itself. */
  readonly value?: (row: R) => V;
  /** When to reload; see {@link FileRefreshPolicy}. Default: never. */
  readonly refresh?: FileRefreshPolicy;
  /** The lookup's name in errors and dead letters. Default: the file's path. */
  readonly name?: string;
}

/** One parsed row and the line it came from. */
export interface ParsedRow<R> {
  /** The parsed row: a CSV record's object, or a JSON Lines value. */
  readonly row: R;
  /** The (1-based) line of the file the row starts on, for messages. */
  readonly line: number;
}

interface FileVersion {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/**
 * A lookup over a whole local file, behind `jsonlFileLookup` and `csvFileLookup`:
 * `parse` turns the file's text into rows, throwing an error with a `line` for a bad one.
 *
 * @example
 * const tsv = new FileTableLookup('t.tsv', (text) => myRows(text), { key: 'id', refresh: 'onChange' });
 */
export class FileTableLookup<R, K, V> implements Lookup<K, V> {
  readonly name: string;
  /** How many times the file has been read: grows by one at every reload that swapped a new map in. */
  version = 0;
  private table: ReadonlyMap<K, V> | undefined;
  private loaded: FileVersion | undefined;
  private loadedAt: number | undefined;
  private loading: Promise<ReadonlyMap<K, V>> | undefined;
  private readonly keyOf: (row: R) => K;

  constructor(
    /** The file's path, as given. */
    readonly path: string,
    private readonly parse: (text: string) => ParsedRow<R>[],
    private readonly options: FileLookupOptions<R, K, V>,
  ) {
    const policy = options.refresh;
    if (policy !== undefined && policy !== 'onChange' && !(policy.everyMs > 0)) {
      throw new ConfigurationError(
        `file lookup ${path}: refresh must be 'onChange' or { everyMs } with everyMs > 0, got ${JSON.stringify(policy)}`,
      );
    }
    this.name = options.name ?? path;
    const key = options.key;
    this.keyOf = typeof key === 'function' ? key : (row: R) => (row as Record<string, unknown>)[key] as K;
  }

  /** The whole table, read from the file on first use. */
  load(): Promise<ReadonlyMap<K, V>> {
    return this.table ? Promise.resolve(this.table) : this.reload();
  }

  /** The values of the keys in the table, from memory (the file is read on first use). */
  async getAll(keys: readonly K[]): Promise<ReadonlyMap<K, V>> {
    const table = await this.load();
    const found = new Map<K, V>();
    for (const key of keys) if (table.has(key)) found.set(key, table.get(key) as V);
    return found;
  }

  /** Reloads the file if the policy says so; the next batch sees the new table. */
  async refresh(time: number): Promise<void> {
    const policy = this.options.refresh;
    if (!this.table) {
      await this.reload();
      this.loadedAt = time;
      return;
    }
    if (policy === undefined) return;
    if (policy === 'onChange') {
      const now = await this.stat();
      if (now && sameVersion(now, this.loaded)) return;
    } else {
      this.loadedAt ??= time;
      if (time - this.loadedAt < policy.everyMs) return;
    }
    await this.reload();
    this.loadedAt = time;
  }

  /** Drops the table; a later call reads the file again. */
  async close(): Promise<void> {
    this.table = undefined;
  }

  /** Reads and parses the whole file, then swaps the new map in; concurrent calls share one read. */
  private reload(): Promise<ReadonlyMap<K, V>> {
    this.loading ??= this.read().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async read(): Promise<ReadonlyMap<K, V>> {
    let text: string;
    let version: FileVersion;
    try {
      const handle = await open(this.path, 'r');
      try {
        const info = await handle.stat();
        version = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new KindlingError(
        `lookup '${this.name}': cannot read ${this.path} (${(error as Error).message}); check the path`,
        { cause: error, retriable: true },
      );
    }
    const table = this.build(text);
    // The swap: the batch after this refresh reads the new map; a failed read keeps the old one.
    this.table = table;
    this.loaded = version;
    this.version++;
    return table;
  }

  private build(text: string): Map<K, V> {
    let rows: ParsedRow<R>[];
    try {
      rows = this.parse(text);
    } catch (error) {
      const line = (error as { line?: unknown }).line;
      const where = typeof line === 'number' ? `${this.path}:${line}` : this.path;
      const message = (error as Error).message.replace(/^line \d+: /, '');
      throw new KindlingError(`lookup '${this.name}': ${where}: ${message}; fix the file`, { cause: error });
    }
    const value = this.options.value ?? ((row: R) => row as unknown as V);
    const table = new Map<K, V>();
    for (const { row, line } of rows) {
      let key: K;
      let kept: V;
      try {
        key = this.keyOf(row);
        kept = value(row);
      } catch (error) {
        throw this.badRow(line, (error as Error).message, error);
      }
      if (key === undefined || key === null) throw this.badRow(line, 'the row has no key');
      table.set(key, kept);
    }
    return table;
  }

  private badRow(line: number, message: string, cause?: unknown): KindlingError {
    return new KindlingError(`lookup '${this.name}': ${this.path}:${line}: ${message}; fix the file`, {
      cause,
    });
  }

  /** The file's version now; `undefined` if it cannot be seen (the reload then says why). */
  private async stat(): Promise<FileVersion | undefined> {
    try {
      const { size, mtimeMs, ino } = await stat(this.path);
      return { size, mtimeMs, ino };
    } catch {
      return undefined;
    }
  }
}

function sameVersion(a: FileVersion, b: FileVersion | undefined): boolean {
  return b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}
