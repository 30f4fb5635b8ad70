/**
 * The record codec of the write-ahead log: how one record is framed in a segment file, and a
 * scanner that walks the frames of a buffer. Pure functions over bytes, no I/O.
 *
 * A frame is a 20-byte header followed by the payload, all integers big-endian:
 *
 * | offset | bytes | field                                                      |
 * | ------ | ----- | ---------------------------------------------------------- |
 * | 0      | 4     | magic `0x4b574c31` (`KWL1`)                                |
 * | 4      | 4     | payload length, unsigned                                   |
 * | 8      | 4     | CRC-32 of bytes 4..8 (the length) and 12..end (time, payload) |
 * | 12     | 8     | time, IEEE-754 float64                                     |
 * | 20     | n     | payload                                                    |
 */
import { crc32 } from 'node:zlib';

/** The first four bytes of every frame: `KWL1`. */
export const FRAME_MAGIC = 0x4b574c31;
/** Bytes of a frame before its payload. */
export const FRAME_HEADER_BYTES = 20;
/** The largest payload a frame can hold (the length field is 32 bits). */
export const MAX_PAYLOAD_BYTES = 0xffffffff;

/** One frame read from a buffer. */
export interface DecodedFrame {
  /** Where the frame starts in the scanned buffer. */
  readonly offset: number;
  /** Bytes of the whole frame, header included. */
  readonly frameBytes: number;
  readonly time: number;
  /** The payload: a view into the scanned buffer, not a copy. */
  readonly data: Uint8Array;
}

/** What {@link decodeFrame} found at an offset. */
export type DecodeResult =
  | ({ readonly kind: 'frame' } & DecodedFrame)
  /** The buffer ends before the frame does; `needed` is the whole frame's size as far as known. */
  | { readonly kind: 'incomplete'; readonly offset: number; readonly needed: number }
  /** The bytes are not an intact frame. */
  | { readonly kind: 'corrupt'; readonly offset: number; readonly reason: string };

/** The size of the frame of a `payloadBytes`-byte record. */
export function frameSize(payloadBytes: number): number {
  return FRAME_HEADER_BYTES + payloadBytes;
}

/**
 * Writes the frame of one record into `target` at `offset` and returns the offset after it.
 * `target` needs {@link frameSize}`(data.length)` bytes from `offset`.
 *
 * @example
 * const frame = Buffer.allocUnsafe(frameSize(data.length));
 * encodeFrameInto(frame, 0, data, 1000);
 */
export function encodeFrameInto(target: Uint8Array, offset: number, data: Uint8Array, time: number): number {
  if (data.length > MAX_PAYLOAD_BYTES)
    throw new RangeError(`a record of ${data.length} bytes is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  const view = new DataView(target.buffer, target.byteOffset + offset, FRAME_HEADER_BYTES);
  view.setUint32(0, FRAME_MAGIC);
  view.setUint32(4, data.length);
  view.setFloat64(12, time);
  target.set(data, offset + FRAME_HEADER_BYTES);
  view.setUint32(8, frameChecksum(target, offset, data.length));
  return offset + FRAME_HEADER_BYTES + data.length;
}

/**
 * The frame of one record, as a new buffer.
 *
 * @example
 * const bytes = encodeFrame(new TextEncoder().encode('abc'), 1000); // 23 bytes
 */
export function encodeFrame(data: Uint8Array, time: number): Uint8Array {
  const frame = new Uint8Array(frameSize(data.length));
  encodeFrameInto(frame, 0, data, time);
  return frame;
}

/**
 * Decodes the frame that starts at `offset` of `buffer`, checking its magic and checksum.
 * Never throws: a frame cut short is `incomplete`, damaged bytes are `corrupt`.
 *
 * @example
 * const result = decodeFrame(bytes, 0);
 * if (result.kind === 'frame') console.log(result.time, result.data);
 */
export function decodeFrame(buffer: Uint8Array, offset: number): DecodeResult {
  const available = buffer.length - offset;
  if (available < FRAME_HEADER_BYTES) {
    if (available >= 4 && readUint32(buffer, offset) !== FRAME_MAGIC) return badMagic(buffer, offset);
    return { kind: 'incomplete', offset, needed: FRAME_HEADER_BYTES };
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset + offset, FRAME_HEADER_BYTES);
  if (view.getUint32(0) !== FRAME_MAGIC) return badMagic(buffer, offset);
  const length = view.getUint32(4);
  const frameBytes = FRAME_HEADER_BYTES + length;
  if (available < frameBytes) return { kind: 'incomplete', offset, needed: frameBytes };
  const stored = view.getUint32(8);
  const actual = frameChecksum(buffer, offset, length);
  if (stored !== actual) {
    return {
      kind: 'corrupt',
      offset,
      reason: `checksum mismatch in the frame of ${frameBytes} bytes at offset ${offset}: stored ${hex(stored)}, computed ${hex(actual)}`,
    };
  }
  const start = offset + FRAME_HEADER_BYTES;
  return {
    kind: 'frame',
    offset,
    frameBytes,
    time: view.getFloat64(12),
    data: buffer.subarray(start, start + length),
  };
}

/** Where and why {@link scanFrames} stopped before the end of its buffer. */
export type ScanStop = Exclude<DecodeResult, { kind: 'frame' }>;

/** The frames of a buffer, and where scanning stopped. */
export interface ScanResult {
  /** The intact frames, in order, up to the first one that is not. */
  readonly frames: DecodedFrame[];
  /** The offset after the last intact frame. */
  readonly end: number;
  /** Set when bytes are left after `end`: a frame cut short, or damaged bytes. */
  readonly stop?: ScanStop;
}

/**
 * Walks the frames of `buffer` from `start` until its end or the first frame that is cut short or
 * damaged. A segment's frames after a damaged one are not trusted: its length may be wrong too.
 *
 * @example
 * const { frames, stop } = scanFrames(await readFile(segmentPath));
 * if (stop) console.warn(`segment damaged at ${stop.offset}`);
 */
export function scanFrames(buffer: Uint8Array, start = 0): ScanResult {
  const frames: DecodedFrame[] = [];
  let offset = start;
  while (offset < buffer.length) {
    const result = decodeFrame(buffer, offset);
    if (result.kind !== 'frame') return { frames, end: offset, stop: result };
    frames.push({ offset, frameBytes: result.frameBytes, time: result.time, data: result.data });
    offset += result.frameBytes;
  }
  return { frames, end: offset };
}

function frameChecksum(buffer: Uint8Array, offset: number, length: number): number {
  const head = crc32(buffer.subarray(offset + 4, offset + 8));
  return crc32(buffer.subarray(offset + 12, offset + FRAME_HEADER_BYTES + length), head);
}

function readUint32(buffer: Uint8Array, offset: number): number {
  return new DataView(buffer.buffer, buffer.byteOffset + offset, 4).getUint32(0);
}

function badMagic(buffer: Uint8Array, offset: number): DecodeResult {
  const found = hex(readUint32(buffer, offset));
  return {
    kind: 'corrupt',
    offset,
    reason: `no frame starts at offset ${offset}: found ${found} where the magic ${hex(FRAME_MAGIC)} belongs`,
  };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
