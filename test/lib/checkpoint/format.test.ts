/**
 * The checkpoint file format against recorded bytes, and every reason a file is refused.
 */
import test from 'ava';
import { encodeCheckpointHeader, verifyCheckpoint } from '../../../lib/checkpoint/format.js';

const abc = new TextEncoder().encode('abc');
// magic KCKP, version 1, length 3, crc32('abc') = 0x352441c2 (the standard check value), payload.
const recorded = '4b434b50' + '00000001' + '0000000000000003' + '352441c2' + '616263';
const file = Uint8Array.from(Buffer.from(recorded, 'hex'));

test('the header of a payload matches the recorded bytes', (t) => {
  const header = encodeCheckpointHeader(abc);
  t.is(Buffer.from(header).toString('hex'), recorded.slice(0, 40));
});

test('a recorded file verifies to its payload', (t) => {
  t.deepEqual(verifyCheckpoint(file), { data: abc });
});

test('each kind of damage has its reason', (t) => {
  const damaged = (at: number, byte: number): Uint8Array => {
    const copy = file.slice();
    copy[at] = byte;
    return copy;
  };
  const extended = new Uint8Array(file.byteLength + 2);
  extended.set(file);
  t.deepEqual(verifyCheckpoint(file.subarray(0, 2)), {
    reason: 'truncated: the file has 2 bytes, less than the 20-byte header',
  });
  t.deepEqual(verifyCheckpoint(file.subarray(0, 22)), {
    reason: 'truncated: header says 3 bytes, file has 2 (after the header)',
  });
  t.deepEqual(verifyCheckpoint(extended), {
    reason: 'trailing bytes: header says 3 bytes, file has 5 (after the header)',
  });
  t.deepEqual(verifyCheckpoint(damaged(0, 0x7b)), {
    reason: "not a Kindling checkpoint: it does not start with the magic bytes 'KCKP'",
  });
  t.deepEqual(verifyCheckpoint(damaged(7, 0)), { reason: 'unknown format version 0' });
  t.deepEqual(verifyCheckpoint(damaged(7, 2)), {
    reason: 'unknown format version 2; written by a newer Kindling?',
  });
  // 'abc' became 'acc', whose crc32 is 0x2c3f7083.
  t.deepEqual(verifyCheckpoint(damaged(21, 0x63)), {
    reason: 'checksum mismatch: header says crc32 0x352441c2, payload has 0x2c3f7083',
  });
});
