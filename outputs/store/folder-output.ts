/**
 * FolderOutput: writes each batch as a folder of part files on a {@link FileStore}, committed
 * atomically, or rolls many small batches into fewer, larger files. The layout and protocol the
 * local-file, S3 and HDFS outputs share.
 */
import { ConfigurationError, KindlingError, type Delivery, type Output } from '../../lib/index.js';
import { encodeLines, lineEncoder, type LineEncoder, type LineFormatOptions } from '../lines/encode.js';
import { commitFolder, isCommitted, writeAtomically } from './commit.js';
import type { FileStore } from './store.js';

/**
 * When rolled files are closed: after `batches` batch times (windows of that many batches, aligned
 * on multiples of `batches` × the stream's slide), once a file holds `maxBytes` or more, or at
 * whichever comes first when both are given.
 */
export interface RollPolicy {
  /** Batch times per rolled file, a whole number: a file covers that many slides of the stream. */
  readonly batches?: number;
  /** Size at which a rolled file is closed, bytes (it may end a little past it: a batch is never split). */
  readonly maxBytes?: number;
}

/** Options of {@link FolderOutput}. */
export interface FolderOutputOptions<T> extends LineFormatOptions<T> {
  /** Roll batches into fewer, larger files; default: one folder per batch. */
  readonly roll?: RollPolicy;
}

const STAGING = '_staging';
const ROLLED = /^batches-(\d+)-(\d+)$/;
const STAGED = /^batch-(\d+)\.[a-z]+$/;

/**
 * Writes batches as folders on a {@link FileStore}. Without `roll`, each batch becomes
 * `batch-<time>/part-00000.<ext>` plus `_SUCCESS`; writing a batch time again replaces its folder.
 * With `roll`, each batch is first staged under `_staging/` (atomically, replacing an earlier
 * attempt) and, when its file closes, the staged batches are committed in time order as
 * `batches-<first>-<last>/part-00000.<ext>` plus `_SUCCESS`; a batch time at or before the last
 * committed one is already in a file and is not written again.
 *
 * Delivery: exactly-once per folder when the source is replayable and the context checkpoints
 * (a batch that runs again after a crash replaces, or finds already committed, what it wrote);
 * at-least-once folders otherwise. Readers must read only folders with `_SUCCESS` and skip names
 * that start with '_' or '.'.
 *
 * Gotchas: one output per store root; batches must run in time order (the default scheduling);
 * staged batches of an unfinished file wait for later batches, or for `flush()`.
 *
 * @example
 * const out = new FolderOutput<Tweet>(store, { format: 'jsonl', roll: { batches: 60 } }, stream.slideDuration);
 * stream.foreachBatch(out.write);
 */
export class FolderOutput<T> implements Output<T> {
  readonly delivery: Delivery = {
    guarantee: 'exactly-once',
    when: 'per folder, with a replayable source and checkpoints: a batch run again replaces its folder, or finds it committed',
  };
  private readonly encoder: LineEncoder<T>;
  private readonly what: string;
  private readonly window: number | undefined;
  /** The last batch time already in a committed rolled file; undefined until read from the store. */
  private lastCommitted: number | undefined;

  /**
   * @param slide - the written stream's slide (ms); needed by `roll.batches`.
   * @throws ConfigurationError when an option is wrong.
   */
  constructor(
    /** Where the folders are written (a local directory, S3, HDFS). */
    readonly store: FileStore,
    private readonly options: FolderOutputOptions<T>,
    private readonly slide: number,
  ) {
    this.what = `folder output to ${store.location}`;
    this.encoder = lineEncoder(this.what, options, 'jsonl');
    const roll = options.roll;
    if (roll !== undefined) {
      const { batches, maxBytes } = roll;
      const bad = (n: number | undefined): boolean => n !== undefined && !(Number.isInteger(n) && n > 0);
      if ((batches === undefined && maxBytes === undefined) || bad(batches) || bad(maxBytes)) {
        throw new ConfigurationError(
          `${this.what}: roll needs batches (a whole number of batches per file) and/or maxBytes (a ` +
            `positive whole number of bytes), got ${JSON.stringify(roll)}`,
        );
      }
    }
    this.window = roll?.batches === undefined ? undefined : roll.batches * slide;
  }

  /** The output's name in events: `folder output to <location>`. */
  get name(): string {
    return this.what;
  }

  /**
   * Nothing to release: each write is committed (or staged) before it resolves. A rolled file
   * still open stays staged for the next run, or for {@link flush}.
   */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Writes the batch at `time`; a `foreachBatch` function (bound). */
  readonly write = async (records: readonly T[], time: number): Promise<void> => {
    const lines = this.encode(records, time);
    if (this.options.roll === undefined) {
      const name = `part-00000.${this.encoder.extension}`;
      await commitFolder(this.store, `batch-${time}`, [{ name, chunks: [this.encoder.header, ...lines] }]);
      return;
    }
    const last = (this.lastCommitted ??= await this.findLastCommitted());
    let staged = await this.staged();
    // Staged batches already committed go; so do this and later ones when this batch runs again.
    const done = staged.filter((s) => s.time <= last || (time > last && s.time >= time));
    for (const s of done) await this.store.delete(s.path);
    if (time <= last) return;
    staged = staged.filter((s) => !done.includes(s));
    // Batches staged for a window that ended while the job was not running close first.
    const earlier = staged.filter((s) => this.windowEnd(s.time) !== this.windowEnd(time));
    if (earlier.length > 0) await this.commit(earlier);
    const current = staged.filter((s) => !earlier.includes(s));
    const path = `${STAGING}/batch-${time}.${this.encoder.extension}`;
    await writeAtomically(this.store, path, lines);
    const size = lines.reduce((n, chunk) => n + Buffer.byteLength(chunk), 0);
    current.push({ time, path, size });
    const bytes = current.reduce((n, s) => n + s.size, 0);
    const { maxBytes } = this.options.roll;
    const windowEnds = this.window !== undefined && time + this.slide > this.windowEnd(time);
    if (windowEnds || (maxBytes !== undefined && bytes >= maxBytes)) await this.commit(current);
  };

  /** Commits the staged batches now, as one file (rolled output only; a no-op otherwise). */
  async flush(): Promise<void> {
    if (this.options.roll === undefined) return;
    const staged = await this.staged();
    const last = (this.lastCommitted ??= await this.findLastCommitted());
    const pending = staged.filter((s) => s.time > last);
    if (pending.length > 0) await this.commit(pending);
  }

  private encode(records: readonly T[], time: number): string[] {
    try {
      return [...encodeLines(records, this.encoder)];
    } catch (error) {
      throw new KindlingError(`${this.what}: batch ${time}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Commits `batches` (staged, in time order) as one rolled folder, then drops them from staging. */
  private async commit(batches: readonly Staged[]): Promise<void> {
    const first = batches[0];
    const last = batches[batches.length - 1];
    if (!first || !last) return;
    const store = this.store;
    const header = this.encoder.header;
    async function* chunks(): AsyncGenerator<string | Uint8Array> {
      yield header;
      for (const b of batches) yield* store.read(b.path);
    }
    await commitFolder(store, `batches-${first.time}-${last.time}`, [
      { name: `part-00000.${this.encoder.extension}`, chunks: chunks() },
    ]);
    this.lastCommitted = last.time;
    for (const b of batches) await store.delete(b.path);
  }

  /** The staged batches, oldest first. */
  private async staged(): Promise<Staged[]> {
    const entries = await this.store.list(STAGING);
    const staged: Staged[] = [];
    for (const e of entries) {
      const m = STAGED.exec(e.name);
      if (m && !e.folder) staged.push({ time: Number(m[1]), path: `${STAGING}/${e.name}`, size: e.size });
    }
    return staged.sort((a, b) => a.time - b.time);
  }

  /** The newest batch time in a committed rolled folder, or -Infinity. */
  private async findLastCommitted(): Promise<number> {
    const rolled = (await this.store.list(''))
      .map((e) => ({ e, m: e.folder ? ROLLED.exec(e.name) : null }))
      .filter((x) => x.m !== null)
      .map((x) => ({ name: x.e.name, last: Number(x.m?.[2]) }))
      .sort((a, b) => b.last - a.last);
    for (const r of rolled) if (await isCommitted(this.store, r.name)) return r.last;
    return -Infinity;
  }

  /** The end of the roll window holding `time` (windows are (end − window, end]); +Infinity without one. */
  private windowEnd(time: number): number {
    return this.window === undefined ? Infinity : Math.ceil(time / this.window) * this.window;
  }
}

interface Staged {
  readonly time: number;
  readonly path: string;
  readonly size: number;
}
