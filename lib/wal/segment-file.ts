/**
 * Segment files on disk: their names, listing them in append order, and reading their frames
 * as a stream of bounded chunks (a segment is never read into memory whole).
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KindlingError, describe } from '../errors.js';
import type { WalPointer } from '../types.js';
import { decodeFrame, FRAME_HEADER_BYTES, scanFrames } from './segment.js';

/** A segment file's name: `log-<sequence, 12 digits>-<time of its first record>`. */
const SEGMENT_NAME = /^log-(\d{12,})-(-?\d+)$/;

/** Bytes read from a segment at a time (more when one frame is bigger). */
const CHUNK_BYTES = 1 << 20;

/** A segment file found in a log directory. */
export interface SegmentEntry {
  readonly name: string;
  readonly sequence: number;
}

/** The name of segment number `sequence` whose first record has time `firstTime`. */
export function segmentName(sequence: number, firstTime: number): string {
  return `log-${String(sequence).padStart(12, '0')}-${BigInt(Math.floor(firstTime))}`;
}

/** The sequence number of a segment name, or undefined when `name` is not one. */
export function parseSegmentName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** The segments in `dir`, oldest first; other files are ignored. */
export async function listSegments(dir: string): Promise<SegmentEntry[]> {
  const entries: SegmentEntry[] = [];
  for (const name of await readdir(dir)) {
    const sequence = parseSegmentName(name);
    if (sequence !== undefined) entries.push({ name, sequence });
  }
  return entries.sort((a, b) => a.sequence - b.sequence);
}

/** One record read from a segment file. */
export interface SegmentRecord {
  /** Where its frame starts in the file. */
  readonly offset: number;
  /** Bytes of its frame, header included. */
  readonly frameBytes: number;
  readonly time: number;
  /** The payload, a copy that the caller owns. */
  readonly data: Uint8Array;
}

/**
 * Yields the intact records of one segment file in order, reading at most `limit` bytes (the
 * file's size by default). A frame cut short by the end of the file, or damaged, ends the
 * records and is reported through `onCorrupt(offset, reason)`. A missing file yields nothing.
 *
 * @example
 * for await (const record of readSegment(path, (offset, reason) => console.warn(offset, reason))) {
 *   handle(record.time, record.data);
 * }
 */
export async function* readSegment(
  path: string,
  onCorrupt: (offset: number, reason: string) => void,
  limit?: number,
): AsyncGenerator<SegmentRecord> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const size = Math.min(limit ?? Infinity, (await handle.stat()).size);
    let base = 0; // file offset of buffer[0]
    let buffer = new Uint8Array(0);
    while (true) {
      const { frames, end, stop } = scanFrames(buffer);
      for (const frame of frames) {
        yield {
          offset: base + frame.offset,
          frameBytes: frame.frameBytes,
          time: frame.time,
          data: frame.data.slice(),
        };
      }
      if (stop?.kind === 'corrupt') {
        onCorrupt(base + stop.offset, stop.reason);
        return;
      }
      const fileEnd = base + buffer.length;
      const needed = stop ? stop.needed - (buffer.length - end) : 0;
      if (base + end + (stop?.needed ?? 0) > size) {
        onCorrupt(base + end, tornTail(base + end, stop?.needed ?? 0, size));
        return;
      }
      if (fileEnd >= size) return;
      const carry = buffer.subarray(end);
      const next = new Uint8Array(carry.length + Math.min(Math.max(CHUNK_BYTES, needed), size - fileEnd));
      next.set(carry, 0);
      let filled = carry.length;
      while (filled < next.length) {
        const { bytesRead } = await handle.read(
          next,
          filled,
          next.length - filled,
          fileEnd + filled - carry.length,
        );
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled === carry.length) {
        onCorrupt(base + end, `the segment ended at offset ${fileEnd} while being read`);
        return;
      }
      base += end;
      buffer = next.subarray(0, filled);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads the record `pointer` names from the segments in `dir`, checking its checksum.
 * Throws a {@link KindlingError} that says what is wrong when the record is missing or damaged.
 *
 * @example
 * const data = await readFrameAt('/var/kindling/wal', { segment: 'log-000000000001-1000', offset: 0, length: 23 });
 */
export async function readFrameAt(dir: string, pointer: WalPointer): Promise<Uint8Array> {
  const { segment, offset, length } = pointer;
  const where = `record at offset ${offset} of segment ${segment} in ${dir}`;
  if (parseSegmentName(segment) === undefined)
    throw new KindlingError(`cannot read the ${where}: '${segment}' is not a segment name of this log`);
  if (
    !Number.isSafeInteger(offset) ||
    offset < 0 ||
    !Number.isSafeInteger(length) ||
    length < FRAME_HEADER_BYTES
  )
    throw new KindlingError(
      `cannot read the ${where}: offset ${offset} and length ${length} are not a frame's`,
    );
  let handle;
  try {
    handle = await open(join(dir, segment), 'r');
  } catch (error) {
    throw new KindlingError(`cannot read the ${where}: ${describe(error)} (was the segment cleaned?)`, {
      cause: error,
    });
  }
  try {
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled < length)
      throw new KindlingError(
        `cannot read the ${where}: the segment ends ${filled} bytes into its ${length}`,
      );
    const result = decodeFrame(buffer, 0);
    if (result.kind === 'corrupt') throw new KindlingError(`cannot read the ${where}: ${result.reason}`);
    if (result.kind === 'incomplete' || result.frameBytes !== length)
      throw new KindlingError(
        `cannot read the ${where}: its frame is not ${length} bytes long; is the pointer right?`,
      );
    return result.data;
  } finally {
    await handle.close();
  }
}

function tornTail(offset: number, needed: number, size: number): string {
  return (
    `torn tail: the frame at offset ${offset} needs ${needed} bytes but the segment ends after ` +
    `${size - offset} (a write cut short, e.g. by a crash)`
  );
}
