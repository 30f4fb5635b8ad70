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
      throw new ConfigurationError(
        `textFileStream: '${this.directory}' is not a directory; create it before start() or pass another path`,
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
      this.seen.add(name);
      const text = await readFile(join(this.directory, name), 'utf8');
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
