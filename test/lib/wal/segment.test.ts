/**
 * The WAL record codec against hand-built bytes. The expected frames were built outside this
 * codebase (Python's struct and zlib.crc32) from the layout documented in `lib/wal/segment.ts`.
 */
import test from 'ava';
import {
  decodeFrame,
  encodeFrame,
  FRAME_HEADER_BYTES,
  scanFrames,
  type DecodedFrame,
} from '../../../lib/wal/segment.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

// magic, length, crc32, float64 time, payload
const ABC_AT_1000 = hex('4b574c31 00000003 75fc01a3 408f400000000000 616263');
const EMPTY_AT_0 = hex('4b574c31 00000000 7bd5c66f 0000000000000000');
const BYTE_7F_AT_MINUS_1_5 = hex('4b574c31 00000001 9b5f41a2 bff8000000000000 7f');

const plain = (frames: readonly DecodedFrame[]) =>
  frames.map((f) => ({ offset: f.offset, frameBytes: f.frameBytes, time: f.time, data: [...f.data] }));

test('encodeFrame produces the documented bytes', (t) => {
  t.deepEqual(encodeFrame(text('abc'), 1000), ABC_AT_1000);
  t.deepEqual(encodeFrame(new Uint8Array(0), 0), EMPTY_AT_0);
  t.deepEqual(encodeFrame(Uint8Array.of(0x7f), -1.5), BYTE_7F_AT_MINUS_1_5);
});

test('decodeFrame reads hand-built frames at any offset', (t) => {
  const result = decodeFrame(ABC_AT_1000, 0);
  t.like(result, { kind: 'frame', offset: 0, frameBytes: 23, time: 1000 });
  t.deepEqual(result.kind === 'frame' ? [...result.data] : [], [0x61, 0x62, 0x63]);
  const shifted = new Uint8Array(5 + EMPTY_AT_0.length);
  shifted.set(EMPTY_AT_0, 5);
  t.like(decodeFrame(shifted, 5), { kind: 'frame', offset: 5, frameBytes: FRAME_HEADER_BYTES, time: 0 });
});

test('decodeFrame calls a frame cut short incomplete and says how many bytes it needs', (t) => {
  t.deepEqual(decodeFrame(ABC_AT_1000.subarray(0, 3), 0), { kind: 'incomplete', offset: 0, needed: 20 });
  t.deepEqual(decodeFrame(ABC_AT_1000.subarray(0, 19), 0), { kind: 'incomplete', offset: 0, needed: 20 });
  t.deepEqual(decodeFrame(ABC_AT_1000.subarray(0, 22), 0), { kind: 'incomplete', offset: 0, needed: 23 });
});

test('decodeFrame reports a bad magic and a checksum mismatch', (t) => {
  const zeros = new Uint8Array(30);
  const magic = decodeFrame(zeros, 0);
  t.is(magic.kind, 'corrupt');
  t.regex(
    magic.kind === 'corrupt' ? magic.reason : '',
    /found 0x00000000 where the magic 0x4b574c31 belongs/,
  );
  t.is(decodeFrame(zeros.subarray(0, 6), 0).kind, 'corrupt', 'a short tail of garbage is not a frame either');

  for (const index of [4, 8, 12, 20, 22]) {
    const damaged = ABC_AT_1000.slice();
    damaged[index] = (damaged[index] as number) ^ 0x01;
    const result = decodeFrame(damaged, 0);
    if (index === 4) {
      // A larger length makes the frame look cut short; a scanner at the end of a file calls it torn.
      t.is(result.kind, 'incomplete');
      continue;
    }
    t.is(result.kind, 'corrupt', `byte ${index} flipped`);
    t.regex(result.kind === 'corrupt' ? result.reason : '', /checksum mismatch .* at offset 0/);
  }
});

test('scanFrames walks consecutive frames and stops at the first damaged or partial one', (t) => {
  const all = Buffer.concat([ABC_AT_1000, EMPTY_AT_0, BYTE_7F_AT_MINUS_1_5]);
  const whole = scanFrames(all);
  t.deepEqual(plain(whole.frames), [
    { offset: 0, frameBytes: 23, time: 1000, data: [0x61, 0x62, 0x63] },
    { offset: 23, frameBytes: 20, time: 0, data: [] },
    { offset: 43, frameBytes: 21, time: -1.5, data: [0x7f] },
  ]);
  t.is(whole.end, all.length);
  t.is(whole.stop, undefined);

  const torn = scanFrames(all.subarray(0, 63));
  t.is(torn.frames.length, 2);
  t.is(torn.end, 43);
  t.deepEqual(torn.stop, { kind: 'incomplete', offset: 43, needed: 21 });
  t.deepEqual(scanFrames(all.subarray(0, 50)).stop, { kind: 'incomplete', offset: 43, needed: 20 });

  const flipped = Buffer.from(all);
  flipped[25] = (flipped[25] as number) ^ 0xff; // inside the second frame's length
  const corrupt = scanFrames(flipped);
  t.is(corrupt.frames.length, 1);
  t.is(corrupt.end, 23);
  t.like(corrupt.stop, { offset: 23 });

  t.deepEqual(scanFrames(all, 23).frames.length, 2, 'scanning may start at a frame boundary');
  t.deepEqual(scanFrames(new Uint8Array(0)), { frames: [], end: 0 });
});

test('a 1 MiB payload round-trips', (t) => {
  const data = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
  const result = decodeFrame(encodeFrame(data, 123456789.25), 0);
  t.is(result.kind, 'frame');
  if (result.kind === 'frame') {
    t.is(result.time, 123456789.25);
    t.true(Buffer.from(result.data).equals(data));
  }
});
