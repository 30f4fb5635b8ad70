/**
 * textFileStream: at each batch time, the lines of every file that appeared in a directory
 * since the previous batch. Files present at start are skipped. A file must appear complete
 * (moved in by rename); names starting with `.` or `_` are ignored, as temporary files.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../errors.js';
import { InputNode } from './input.js';
import type { GraphScope } from './node.js';

/** Options of `ssc.textFileStream`. */
export interface TextFileStreamOptions {
  /** Only files whose name passes. Default: every name not starting with `.` or `_`. */
  readonly filter?: (name: string) => boolean;
  /** Also read the files already there at start. Default false. */
  readonly includeExisting?: boolean;
}

/**
 * The node behind `ssc.textFileStream`: lists the directory at each batch time and reads the
 * files it has not seen, in name order, one record per line (`\n` or `\r\n`).
 *
 * @example
 * ssc.textFileStream('/data/incoming').count().print();
 * // elsewhere: write /data/incoming/.part-1, then rename it to /data/incoming/part-1
 *
 * Gotchas: a file is read whole in the first batch after it appears; writing it in place may
 * give half a file. Names are remembered while the file exists, so a file removed and moved in
 * again under the same name is read again. Subdirectories are not read.
 */
export class FileInputNode extends InputNode<string> {
  private readonly seen = new Set<string>();

  constructor(
    scope: GraphScope,
    readonly directory: string,
    private readonly options: TextFileStreamOptions,
  ) {
    super(scope, 'textFileStream');
  }

  override async start(): Promise<void> {
    const info = await stat(this.directory).catch(() => undefined);
    if (!info?.isDirectory()) {
      const what = info ? 'is not a directory' : 'does not exist';
      throw new ConfigurationError(
        `textFileStream: '${this.directory}' ${what}; create the directory before start() or pass another path`,
      );
    }
    if (!this.options.includeExisting) for (const name of await this.list()) this.seen.add(name);
  }

  protected async compute(): Promise<string[]> {
    const names = await this.list();
    const present = new Set(names);
    for (const name of this.seen) if (!present.has(name)) this.seen.delete(name);
    const fresh = names.filter((name) => !this.seen.has(name)).sort();
    const lines: string[] = [];
    for (const name of fresh) {
      const text = await readFile(join(this.directory, name), 'utf8').catch((error: unknown) => {
        // Removed between listing and reading: not an error, and not seen.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      });
      if (text === undefined) continue;
      this.seen.add(name);
      const fileLines = text.split('\n');
      if (fileLines[fileLines.length - 1] === '') fileLines.pop();
      for (const line of fileLines) lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    return lines;
  }

  private async list(): Promise<string[]> {
    const entries = await readdir(this.directory, { withFileTypes: true });
    const accept = this.options.filter ?? ((name: string) => !name.startsWith('.') && !name.startsWith('_'));
    return entries.filter((e) => e.isFile() && accept(e.name)).map((e) => e.name);
  }
}
