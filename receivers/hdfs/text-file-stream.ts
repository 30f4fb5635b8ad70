/**
 * hdfsTextFileStream: at each batch time, the lines of every file that appeared in an HDFS folder
 * since the previous batch, read over WebHDFS. A `BatchSource` whose checkpointed position is the
 * names already read.
 */
import {
  ConfigurationError,
  type BatchSource,
  type DStream,
  type StreamingContext,
} from '../../lib/index.js';
import { connectHdfs, joinPath, type HdfsConnectionOptions } from '../../systems/hdfs/address.js';
import type { WebHdfsClient } from '../../systems/hdfs/webhdfs.js';

/** Options of {@link hdfsTextFileStream}. */
export interface HdfsTextFileStreamOptions extends HdfsConnectionOptions {
  /** Only files whose name passes. Default: every name not starting with `.` or `_`. */
  readonly filter?: (name: string) => boolean;
  /** Also read the files already there at start. Default false. */
  readonly includeExisting?: boolean;
}

/**
 * The lines of new files in the HDFS folder `url`: each batch holds the lines (split on `\n` or
 * `\r\n`, UTF-8) of the files that appeared since the previous batch, in name order. One
 * LISTSTATUS per batch, one OPEN (two HTTP requests) per new file.
 *
 * Delivery: exactly-once per file with checkpoints (the names read are the source's position, and
 * each batch's names go to the batch log before its outputs run, so a batch re-run after a crash
 * reads the same files; a file is read whole in one batch).
 *
 * @param ssc - the context.
 * @param url - `hdfs://namenode:8020/dir` (with `httpPort`) or `webhdfs://namenode:9870/dir`.
 * @example
 * hdfsTextFileStream(ssc, 'hdfs://namenode:8020/incoming', { httpPort: 9870 }).count().print();
 * // a producer writes /incoming/.part-1.tmp, then renames it to /incoming/part-1
 *
 * Gotchas: HDFS lists a file as soon as its writing starts: producers must write under a name
 * starting with `.` or `_` and rename it into place. Files present at start are skipped unless
 * `includeExisting`. A missing folder is an empty one. Subfolders are not read. Calls retry with
 * back-off, then the batch fails with a `WebHdfsError`.
 * @throws ConfigurationError when an option is wrong.
 */
export function hdfsTextFileStream(
  ssc: StreamingContext,
  url: string,
  options: HdfsTextFileStreamOptions = {},
): DStream<string> {
  return ssc.sourceStream(new HdfsTextFileSource(url, options));
}

/** The `BatchSource` behind {@link hdfsTextFileStream}. */
export class HdfsTextFileSource implements BatchSource<string, string[]> {
  readonly name: string;
  /** The WebHDFS client (its `requests` count round trips). */
  readonly client: WebHdfsClient;
  private readonly dir: string;
  private readonly filter: (name: string) => boolean;
  private seen = new Set<string>();
  private restored = false;

  constructor(
    url: string,
    private readonly options: HdfsTextFileStreamOptions = {},
  ) {
    const what = `hdfsTextFileStream${typeof url === 'string' ? ` ${url}` : ''}`;
    const { client, path } = connectHdfs(what, url, options);
    if (options.filter !== undefined && typeof options.filter !== 'function') {
      throw new ConfigurationError(`${what}: filter must be a function of a file name`);
    }
    this.name = `hdfsTextFileStream ${url}`;
    this.client = client;
    this.dir = path;
    this.filter = options.filter ?? ((name) => !name.startsWith('.') && !name.startsWith('_'));
  }

  async start(): Promise<void> {
    if (this.restored || this.options.includeExisting) return;
    for (const name of await this.files()) this.seen.add(name);
  }

  /** The new files' names, in name order; they count as read. */
  async plan(): Promise<string[]> {
    const present = await this.files();
    const fresh = present.filter((n) => !this.seen.has(n)).sort();
    // Names are remembered while the file exists: the position stays as small as the folder.
    this.seen = new Set(present);
    return fresh;
  }

  replan(_time: number, names: string[]): void {
    for (const name of names) this.seen.add(name);
  }

  /** The lines of the files `names`; a file deleted since it was planned is skipped. */
  async read(_time: number, names: string[]): Promise<string[]> {
    const lines: string[] = [];
    for (const name of names) {
      let bytes: Uint8Array;
      try {
        bytes = await this.client.open(joinPath(this.dir, name));
      } catch (error) {
        if ((error as { exception?: string }).exception === 'FileNotFoundException') continue;
        throw error;
      }
      const split = new TextDecoder().decode(bytes).split(/\r?\n/);
      if (split[split.length - 1] === '') split.pop();
      lines.push(...split);
    }
    return lines;
  }

  position(): string[] {
    return [...this.seen].sort();
  }

  restore(position: unknown): void {
    if (!Array.isArray(position) || position.some((n) => typeof n !== 'string')) {
      throw new ConfigurationError(`${this.name}: the checkpointed position is not a list of file names`);
    }
    this.seen = new Set(position as string[]);
    this.restored = true;
  }

  private async files(): Promise<string[]> {
    const entries = await this.client.listStatus(this.dir);
    return entries.filter((e) => e.type === 'FILE' && this.filter(e.pathSuffix)).map((e) => e.pathSuffix);
  }
}
