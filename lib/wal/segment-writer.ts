/**
 * One segment file being written: created exclusively, appended to, synced, closed. The log's
 * single writer (`FileWriteAheadLog`) owns at most one at a time.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentName } from './segment-file.js';

/** An open segment file that only grows. Not safe for concurrent calls: its owner serializes them. */
export class SegmentWriter {
  /** Bytes whose write has completed: the offset of the next frame. */
  private written = 0;
  /** True when bytes were written since the last sync. */
  private dirty = false;

  private constructor(
    /** The file name, which pointers and `onCorrupt` reports use. */
    readonly name: string,
    private readonly handle: FileHandle,
    /** Clock time the segment was started at, for the roll interval. */
    readonly startedAt: number,
  ) {}

  /**
   * Creates the next free segment in `dir` from sequence number `sequence` on (a number taken by
   * another file is skipped) and returns it with the sequence number after it.
   *
   * @example
   * const { writer, nextSequence } = await SegmentWriter.create(dir, 7, firstTime, clock.now(), true);
   */
  static async create(
    dir: string,
    sequence: number,
    firstTime: number,
    now: number,
    durable: boolean,
  ): Promise<{ writer: SegmentWriter; nextSequence: number }> {
    for (let next = sequence; ; next++) {
      const name = segmentName(next, firstTime);
      let handle: FileHandle;
      try {
        handle = await open(join(dir, name), 'ax');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      if (durable) await syncDirectory(dir);
      return { writer: new SegmentWriter(name, handle, now), nextSequence: next + 1 };
    }
  }

  /** Bytes written so far: the offset the next frame will have. */
  get size(): number {
    return this.written;
  }

  /** Appends all of `bytes` (looping over partial writes). */
  async append(bytes: Uint8Array): Promise<void> {
    this.dirty = true;
    for (let done = 0; done < bytes.length;) {
      done += (await this.handle.write(bytes, done, bytes.length - done)).bytesWritten;
    }
    this.written += bytes.length;
  }

  /** Forces what was written to disk; returns false when there was nothing to sync. */
  async sync(): Promise<boolean> {
    if (!this.dirty) return false;
    this.dirty = false;
    await this.handle.datasync();
    return true;
  }

  /** Closes the file, syncing it first when `durable`; returns whether it synced. */
  async close(durable: boolean): Promise<boolean> {
    try {
      return durable ? await this.sync() : false;
    } finally {
      await this.handle.close();
    }
  }
}

/** Makes a new file's directory entry durable. Skipped on Windows, which cannot sync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
