/**
 * The write-ahead log on a local directory: append-only segment files of checksummed frames
 * (see `segment.ts`), written by one serialized writer that batches concurrent appends.
 */
import { take, type Subscription } from 'rxjs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SystemClock } from '../clock/system-clock.js';
import { ConfigurationError, IllegalStateError, KindlingError, describe } from '../errors.js';
import type { Clock, FsyncPolicy, WalPointer, WriteAheadLog } from '../types.js';
import { encodeFrameInto, frameSize, FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES } from './segment.js';
import { listSegments, readFrameAt, readSegment } from './segment-file.js';
import { SegmentWriter } from './segment-writer.js';

/** Options of {@link FileWriteAheadLog.open}. */
export interface FileWalOptions {
  /** When writes are forced to disk. Default `'always'`. */
  readonly fsync?: FsyncPolicy;
  /** A segment is closed and a new one started once it would grow past this. Default 64 MiB. */
  readonly segmentMaxBytes?: number;
  /** A segment is also closed at the first append this long after it was started. Default: never. */
  readonly rollIntervalMs?: number;
  /** Times the roll interval and the `{ intervalMs }` fsync. Default: a `SystemClock`. */
  readonly clock?: Clock;
}

/** Counters of what a log has done since it was opened, for tests and benchmarks. */
export interface FileWalStats {
  /** Records appended since the log was opened. */
  readonly records: number;
  /** `write` calls: fewer than records when concurrent appends were batched. */
  readonly writes: number;
  /** fsync calls made since the log was opened (on writes, on the timer, on closing a segment). */
  readonly fsyncs: number;
  /** Segment files this log started since it was opened. */
  readonly segmentsCreated: number;
}

interface PendingAppend {
  readonly data: Uint8Array;
  readonly time: number;
  readonly resolve: (pointer: WalPointer) => void;
  readonly reject: (error: unknown) => void;
}

/** The most bytes one write gathers from concurrent appends (a single larger record is written alone). */
const MAX_WRITE_BYTES = 4 << 20;

/**
 * A {@link WriteAheadLog} in a local directory. Segment files are named
 * `log-<sequence>-<first record time>` and sort in append order; pointers name a segment by its
 * file name, and their `length` is the whole frame's (header included).
 *
 * A log never appends to a segment it did not start: each `open` starts a new segment at its first
 * append, so a torn tail left by a crash is never followed by new records. Concurrent appends are
 * written in call order, gathered into one write (and one fsync) when they queue up.
 *
 * Gotchas: `data` must not change until its append resolves. Only one process may write a
 * directory at a time. With `{ intervalMs }`, a resolved append can still be lost by a machine
 * crash (not by a process crash) until the next fsync.
 *
 * @example
 * const wal = await FileWriteAheadLog.open('/var/kindling/wal', { fsync: { intervalMs: 100 } });
 * const pointer = await wal.append(bytes, batchTime);
 * for await (const { time, data } of wal.readAll((segment, offset, reason) => log(reason))) replay(time, data);
 * await wal.clean(oldestNeededTime);
 * await wal.close();
 */
export class FileWriteAheadLog implements WriteAheadLog {
  private readonly queue: PendingAppend[] = [];
  private draining: Promise<void> | undefined;
  private active: SegmentWriter | undefined;
  private nextSequence: number;
  /** Newest record time of each segment whose times are known; the others are scanned by `clean`. */
  private readonly newestTimes = new Map<string, number>();
  private syncTimer: Subscription | undefined;
  private syncDue = false;
  private lastSyncAt = -Infinity;
  /** A timed fsync that failed; the next write fails with it and starts a new segment. */
  private syncFailure: unknown;
  private rollRequested = false;
  private closed = false;
  private readonly counters = { records: 0, writes: 0, fsyncs: 0, segmentsCreated: 0 };

  private constructor(
    /** The directory holding the segments. */
    readonly dir: string,
    private readonly fsync: FsyncPolicy,
    private readonly segmentMaxBytes: number,
    private readonly rollIntervalMs: number,
    private readonly clock: Clock,
    lastSequence: number,
  ) {
    this.nextSequence = lastSequence + 1;
  }

  /**
   * Opens (creating it if needed) the log in `dir`. Existing segments are kept for `readAll`;
   * new records go to a new segment.
   *
   * @example
   * const wal = await FileWriteAheadLog.open(dir, { fsync: 'never', segmentMaxBytes: 1 << 20 });
   */
  static async open(dir: string, options: FileWalOptions = {}): Promise<FileWriteAheadLog> {
    const fsync = options.fsync ?? 'always';
    if (typeof fsync === 'object' && !(fsync.intervalMs > 0))
      throw new ConfigurationError(`fsync interval ${fsync.intervalMs} ms must be a number > 0`);
    const segmentMaxBytes = options.segmentMaxBytes ?? 64 * 1024 * 1024;
    if (!(segmentMaxBytes > FRAME_HEADER_BYTES))
      throw new ConfigurationError(
        `segmentMaxBytes ${segmentMaxBytes} must be more than ${FRAME_HEADER_BYTES}`,
      );
    const rollIntervalMs = options.rollIntervalMs ?? Infinity;
    if (!(rollIntervalMs > 0))
      throw new ConfigurationError(`rollIntervalMs ${rollIntervalMs} must be a number of ms > 0`);
    await mkdir(dir, { recursive: true });
    const segments = await listSegments(dir);
    const last = segments.at(-1)?.sequence ?? 0;
    const clock = options.clock ?? new SystemClock();
    return new FileWriteAheadLog(dir, fsync, segmentMaxBytes, rollIntervalMs, clock, last);
  }

  /** What the log has done since it was opened. */
  get stats(): FileWalStats {
    return { ...this.counters };
  }

  append(data: Uint8Array, time: number): Promise<WalPointer> {
    if (this.closed) return Promise.reject(this.closedError('append'));
    if (!Number.isFinite(time))
      return Promise.reject(new KindlingError(`append: time ${time} must be a finite number of ms`));
    if (data.length > MAX_PAYLOAD_BYTES)
      return Promise.reject(new KindlingError(`append: ${data.length} bytes is more than a record can hold`));
    return new Promise((resolve, reject) => {
      this.queue.push({ data, time, resolve, reject });
      this.kick();
    });
  }

  read(pointer: WalPointer): Promise<Uint8Array> {
    return readFrameAt(this.dir, pointer);
  }

  async *readAll(
    onCorrupt: (segment: string, offset: number, reason: string) => void = () => undefined,
  ): AsyncIterable<{
    /** Where the record lies, for `read`. */
    readonly pointer: WalPointer;
    /** The batch-clock time it was appended with, ms. */
    readonly time: number;
    /** The record's bytes, checksum verified. */
    readonly data: Uint8Array;
  }> {
    for (const { name } of await listSegments(this.dir)) {
      // Only what has been written completely: an append in flight must not look like a torn tail.
      const limit = this.active?.name === name ? this.active.size : undefined;
      const report = (offset: number, reason: string): void => {
        if (this.active?.name === name) this.rollRequested = true;
        onCorrupt(name, offset, reason);
      };
      for await (const record of readSegment(join(this.dir, name), report, limit)) {
        const pointer = { segment: name, offset: record.offset, length: record.frameBytes };
        yield { pointer, time: record.time, data: record.data };
      }
    }
  }

  async clean(time: number): Promise<void> {
    for (const { name } of await listSegments(this.dir)) {
      if (name === this.active?.name) continue;
      let newest = this.newestTimes.get(name);
      if (newest === undefined) {
        newest = -Infinity;
        for await (const record of readSegment(join(this.dir, name), () => undefined))
          newest = Math.max(newest, record.time);
        this.newestTimes.set(name, newest);
      }
      if (newest >= time || name === this.active?.name) continue;
      try {
        await unlink(join(this.dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      this.newestTimes.delete(name);
    }
  }

  /** Finishes the appends under way, closes the active segment (fsync'd unless `never`); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.syncTimer?.unsubscribe();
    this.syncTimer = undefined;
    while (this.draining) await this.draining;
    await this.closeActive();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0 || (this.syncDue && !this.closed)) this.kick();
    });
  }

  /** The single writer: takes queued appends in call order, a write's worth at a time. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0 || this.syncDue) {
      if (this.syncDue) {
        this.syncDue = false;
        await this.syncActive().catch((error: unknown) => (this.syncFailure = error));
        continue;
      }
      const batch = this.takeBatch();
      try {
        const pointers = await this.write(batch);
        batch.forEach((append, i) => append.resolve(pointers[i] as WalPointer));
      } catch (error) {
        const failure = new KindlingError(
          `write-ahead log ${this.dir}: writing ${batch.length} records failed: ${describe(error)}; ` +
            'the next append starts a new segment',
          { cause: error, retriable: true },
        );
        for (const append of batch) append.reject(failure);
        await this.closeActive().catch(() => undefined);
      }
    }
  }

  private takeBatch(): PendingAppend[] {
    const first = this.queue.shift() as PendingAppend;
    const batch = [first];
    let bytes = frameSize(first.data.length);
    const room = (): number => {
      const left = this.active ? this.segmentMaxBytes - this.active.size : this.segmentMaxBytes;
      return Math.min(MAX_WRITE_BYTES, left);
    };
    for (
      let next = this.queue[0];
      next && bytes + frameSize(next.data.length) <= room();
      next = this.queue[0]
    ) {
      batch.push(this.queue.shift() as PendingAppend);
      bytes += frameSize(next.data.length);
    }
    return batch;
  }

  private async write(batch: readonly PendingAppend[]): Promise<WalPointer[]> {
    if (this.syncFailure !== undefined) {
      const failure = this.syncFailure;
      this.syncFailure = undefined;
      throw new KindlingError(`an earlier fsync failed: ${describe(failure)}`, { cause: failure });
    }
    let bytes = 0;
    for (const append of batch) bytes += frameSize(append.data.length);
    const segment = await this.segmentFor(bytes, (batch[0] as PendingAppend).time);
    const buffer = Buffer.allocUnsafe(bytes);
    const pointers: WalPointer[] = [];
    let offset = 0;
    for (const append of batch) {
      const end = encodeFrameInto(buffer, offset, append.data, append.time);
      pointers.push({ segment: segment.name, offset: segment.size + offset, length: end - offset });
      offset = end;
    }
    await segment.append(buffer);
    this.counters.writes++;
    this.counters.records += batch.length;
    let newest = this.newestTimes.get(segment.name) ?? -Infinity;
    for (const append of batch) newest = Math.max(newest, append.time);
    this.newestTimes.set(segment.name, newest);
    if (this.fsync === 'always') await this.syncActive();
    else if (this.fsync !== 'never') this.scheduleSync(this.fsync.intervalMs);
    return pointers;
  }

  /** The segment to write `bytes` more to: the active one, or a new one after a roll. */
  private async segmentFor(bytes: number, firstTime: number): Promise<SegmentWriter> {
    const active = this.active;
    const fits = active && (active.size === 0 || active.size + bytes <= this.segmentMaxBytes);
    if (active && fits && !this.rollRequested && this.clock.now() - active.startedAt < this.rollIntervalMs)
      return active;
    await this.closeActive();
    this.rollRequested = false;
    const durable = this.fsync !== 'never';
    const created = await SegmentWriter.create(
      this.dir,
      this.nextSequence,
      firstTime,
      this.clock.now(),
      durable,
    );
    this.nextSequence = created.nextSequence;
    this.active = created.writer;
    this.counters.segmentsCreated++;
    return created.writer;
  }

  private scheduleSync(intervalMs: number): void {
    if (this.syncTimer || this.closed) return;
    const due = Math.max(this.clock.now(), this.lastSyncAt + intervalMs);
    const timer = this.clock
      .timer(due, intervalMs)
      .pipe(take(1))
      .subscribe(() => {
        this.syncTimer = undefined;
        if (this.closed) return;
        this.syncDue = true;
        this.kick();
        if (this.draining) this.clock.track(this.draining);
      });
    if (!timer.closed) this.syncTimer = timer;
  }

  private async syncActive(): Promise<void> {
    if (!this.active) return;
    this.lastSyncAt = this.clock.now();
    if (await this.active.sync()) this.counters.fsyncs++;
  }

  private async closeActive(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    if (await active.close(this.fsync !== 'never')) this.counters.fsyncs++;
  }

  private closedError(operation: string): IllegalStateError {
    return new IllegalStateError(
      `${operation}: the write-ahead log in ${this.dir} is closed; open it again with FileWriteAheadLog.open`,
    );
  }
}
