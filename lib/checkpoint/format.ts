/**
 * The bytes of one checkpoint file: a fixed 20-byte header, then the payload.
 *
 * | offset | size | field                                   |
 * | ------ | ---- | --------------------------------------- |
 * | 0      | 4    | magic `KCKP`                            |
 * | 4      | 4    | format version, big-endian (now 1)      |
 * | 8      | 8    | payload length in bytes, big-endian     |
 * | 16     | 4    | crc32 of the payload, big-endian        |
 * | 20     | n    | payload                                 |
 */
import { crc32 } from 'node:zlib';

/** The first bytes of every checkpoint file, `KCKP`. */
export const CHECKPOINT_MAGIC: Uint8Array = Uint8Array.of(0x4b, 0x43, 0x4b, 0x50);

/** The format version this build writes; it reads only this one. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** Bytes before the payload. */
export const CHECKPOINT_HEADER_BYTES = 20;

/**
 * The header for `payload`: magic, format version, length and crc32.
 *
 * @param payload - the checkpoint's bytes, as they will follow the header.
 * @example
 * const file = Buffer.concat([encodeCheckpointHeader(data), data]);
 */
export function encodeCheckpointHeader(payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(CHECKPOINT_HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(CHECKPOINT_MAGIC, 0);
  view.setUint32(4, CHECKPOINT_FORMAT_VERSION);
  view.setBigUint64(8, BigInt(payload.byteLength));
  view.setUint32(16, crc32(payload));
  return header;
}

/**
 * Checks a whole checkpoint file and returns its payload (a view, not a copy), or why it is unusable:
 * `truncated: ...`, `checksum mismatch ...`, `unknown format version 7; ...`, `not a Kindling checkpoint ...`.
 *
 * @param file - every byte of the file.
 * @example
 * const result = verifyCheckpoint(await readFile(path));
 * if ('reason' in result) skipped.push({ name, reason: result.reason });
 */
export function verifyCheckpoint(file: Uint8Array):
  | {
      /** The checkpoint's payload, after the header: a view of `file`, not a copy. */
      readonly data: Uint8Array;
    }
  | {
      /** Why the file is unusable (`truncated: ...`, `checksum mismatch ...`, ...). */
      readonly reason: string;
    } {
  const size = file.byteLength;
  if (size === 0) return { reason: 'truncated: the file is empty' };
  const short = `truncated: the file has ${size} bytes, less than the ${CHECKPOINT_HEADER_BYTES}-byte header`;
  // A file cut inside the magic bytes still has to agree with them as far as it goes.
  if (!file.subarray(0, CHECKPOINT_MAGIC.byteLength).every((byte, i) => byte === CHECKPOINT_MAGIC[i])) {
    return { reason: `not a Kindling checkpoint: it does not start with the magic bytes 'KCKP'` };
  }
  if (size < 8) return { reason: short };
  const view = new DataView(file.buffer, file.byteOffset, size);
  const version = view.getUint32(4);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    const newer = version > CHECKPOINT_FORMAT_VERSION ? '; written by a newer Kindling?' : '';
    return { reason: `unknown format version ${version}${newer}` };
  }
  if (size < CHECKPOINT_HEADER_BYTES) return { reason: short };
  const length = view.getBigUint64(8);
  const present = size - CHECKPOINT_HEADER_BYTES;
  if (length > BigInt(present)) {
    return { reason: `truncated: header says ${length} bytes, file has ${present} (after the header)` };
  }
  if (length < BigInt(present)) {
    return { reason: `trailing bytes: header says ${length} bytes, file has ${present} (after the header)` };
  }
  const data = file.subarray(CHECKPOINT_HEADER_BYTES);
  const expected = view.getUint32(16);
  const actual = crc32(data);
  if (expected !== actual) {
    return { reason: `checksum mismatch: header says crc32 ${hex(expected)}, payload has ${hex(actual)}` };
  }
  return { data };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
