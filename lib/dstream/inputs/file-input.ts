/**
 * textFileStream: at each batch time, the lines of every file that appeared in a directory
 * since the previous batch. Files present at start are skipped. A file must appear complete
 * (moved in by rename); names starting with `.` or `_` are ignored, as temporary files.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, describe } from '../../errors.js';
import { checkLineDecoding, readLines, type LineDecodingOptions } from '../../receiver/line-decoder.js';
import { DeadLetterLog, RejectedRecord, type DeadLetter } from '../dead-letters/dead-letter-log.js';
import { PlannedInputNode } from './planned-input.js';
import type { GraphScope } from '../node.js';

/**
 * Options of `ssc.textFileStream`, among them `decode` (`'text'` or `'json'`) and
 * `maxRecordBytes` (see {@link LineDecodingOptions}).
 */
export interface TextFileStreamOptions extends LineDecodingOptions {
  /** Only files whose name passes. Default: every name not starting with `.` or `_`. */
  readonly filter?: (name: string) => boolean;
  /** Also read the files already there at start. Default false. */
  readonly includeExisting?: boolean;
  /**
   * Most bytes of files one batch reads (backpressure): further new files wait for the next
   * batches, in name order, never skipped. A single larger file is read alone. Default: no limit.
   */
  readonly maxBytesPerBatch?: number;
}

/**
 * The node behind `ssc.textFileStream`: lists the directory at each batch time and reads the
 * files it has not seen, in name order, one record per line (`\n` or `\r\n`).
 *
 * @example
 * ssc.textFileStream('/data/incoming').count().print();
 * // elsewhere: write /data/incoming/.part-1, then rename it to /data/incoming/part-1
 *
 * Lines are cut and checked as bytes: a line that is not UTF-8, not JSON (`decode: 'json'`) or
 * longer than `maxRecordBytes` becomes a dead letter of the stream, with origin detail
 * `path:line`, and the file's other lines are read on.
 *
 * Gotchas: a file is read whole in the first batch after it appears; writing it in place may
 * give half a file. Names are remembered while the file exists, so a file removed and moved in
 * again under the same name is read again. Subdirectories are not read.
 */
export class FileInputNode<T = string> extends PlannedInputNode<T, string[]> {
  private readonly seen = new Set<string>();
  /** The local directory read (a `file:` URL given is turned into its path). */
  readonly directory: string;

  constructor(
    scope: GraphScope,
    directory: string,
    private readonly options: TextFileStreamOptions,
  ) {
    super(scope, 'textFileStream');
    this.directory = localDirectory(directory);
    checkLineDecoding('textFileStream', options);
    this.deadLetterLog = new DeadLetterLog();
    const max = options.maxBytesPerBatch;
    if (max !== undefined && !(max > 0)) {
      throw new ConfigurationError(
        `textFileStream: maxBytesPerBatch must be a positive number of bytes, got ${max}; leave it out for no limit`,
      );
    }
  }

  override async start(): Promise<void> {
    const info = await stat(this.directory).catch(() => undefined);
    if (!info?.isDirectory()) {
      const what = info ? 'is not a directory' : 'does not exist';
      throw new ConfigurationError(
        `textFileStream: '${this.directory}' ${what}; create the directory before start() or pass another path`,
      );
    }
    if (!this.options.includeExisting && !this.restored) {
      for (const name of await this.list()) this.seen.add(name);
    }
  }

  /** The names seen so far: after a restart, files that arrived meanwhile are read. */
  protected override position(): string[] {
    return [...this.seen];
  }

  protected override restorePosition(position: unknown): void {
    this.seen.clear();
    if (Array.isArray(position))
      for (const name of position) if (typeof name === 'string') this.seen.add(name);
  }

  /** The names of the new files, in name order (up to `maxBytesPerBatch`); they count as seen. */
  protected async plan(): Promise<string[]> {
    const names = await this.list();
    const present = new Set(names);
    for (const name of this.seen) if (!present.has(name)) this.seen.delete(name);
    const fresh = names.filter((name) => !this.seen.has(name)).sort();
    const planned: string[] = [];
    const maxBytes = this.options.maxBytesPerBatch;
    let bytes = 0;
    for (const name of fresh) {
      if (maxBytes !== undefined) {
        // Backpressure: files past the batch's byte budget wait, in order, for the next batch.
        const size = await fileSize(join(this.directory, name));
        if (size === undefined) continue;
        if (bytes > 0 && bytes + size > maxBytes) break;
        bytes += size;
      }
      planned.push(name);
      this.seen.add(name);
    }
    return planned;
  }

  protected replan(_time: number, names: string[]): void {
    for (const name of names) this.seen.add(name);
  }

  protected async read(time: number, names: string[]): Promise<T[]> {
    const lines: T[] = [];
    const letters: DeadLetter[] = [];
    for (const name of names) {
      const records = await readLines(join(this.directory, name), this.options);
      // Removed between planning and reading: not an error (a file must not go before it is read).
      if (records === undefined) continue;
      for (const record of records) {
        if (record instanceof RejectedRecord) letters.push(this.deadLetter(record, time));
        else lines.push(record as T);
      }
    }
    this.deadLetterLog?.write(time, letters);
    return lines;
  }

  private deadLetter(rejected: RejectedRecord, batchTime: number): DeadLetter {
    const { record, error, reason } = rejected;
    const origin = { input: this.name, detail: rejected.detail ?? `directory ${this.directory}` };
    return { record, error, reason, operator: this.name, batchTime, origin };
  }

  private async list(): Promise<string[]> {
    const entries = await readdir(this.directory, { withFileTypes: true });
    const accept = this.options.filter ?? ((name: string) => !name.startsWith('.') && !name.startsWith('_'));
    return entries.filter((e) => e.isFile() && accept(e.name)).map((e) => e.name);
  }
}

/** The size of the file at `path`, or undefined if it is gone. */
async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const S3_STREAM = "s3TextFileStream(ssc, 's3://bucket/prefix', options) from 'kindling/receivers'";
const HDFS_STREAM =
  "hdfsTextFileStream(ssc, 'hdfs://namenode:8020/folder', options) from 'kindling/receivers'";
/** The streams that read other file systems, by URL scheme (Spark reads them all with `textFileStream`). */
const OTHER_FILE_SYSTEMS: Readonly<Record<string, string>> = {
  s3: S3_STREAM,
  s3a: S3_STREAM,
  s3n: S3_STREAM,
  hdfs: HDFS_STREAM,
  webhdfs: HDFS_STREAM,
};

/**
 * The local path `textFileStream` reads for `directory`: the path itself, or a `file:` URL's
 * path. Any other URL fails with a {@link ConfigurationError} that names the stream to use.
 */
function localDirectory(directory: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(directory)?.[1]?.toLowerCase();
  if (scheme === undefined) return directory;
  if (scheme === 'file') {
    try {
      return fileURLToPath(directory);
    } catch (error) {
      const why = describe(error);
      throw new ConfigurationError(`textFileStream: '${directory}' is not a local file URL: ${why}`, {
        cause: error,
      });
    }
  }
  const instead = OTHER_FILE_SYSTEMS[scheme];
  throw new ConfigurationError(
    `textFileStream reads a local directory, not '${directory}'; ` +
      (instead ? `for ${scheme}:// use ${instead}` : `no stream of Kindling reads ${scheme}:// folders`),
  );
}
