import test from 'ava';
import { recordBytes, recordsBytes } from '../../../lib/rate/record-size.js';

const cases: [string, unknown, number][] = [
  ['a string: 2 bytes per UTF-16 unit', 'hello', 10],
  ['an empty string', '', 0],
  ['a Buffer: its byteLength', Buffer.alloc(1024), 1024],
  ['a Uint8Array', new Uint8Array(7), 7],
  ['an ArrayBuffer', new ArrayBuffer(12), 12],
  ['a number', 42, 8],
  ['a boolean', true, 8],
  ['null', null, 8],
  ['a bigint', 1n, 16],
  ['a pair', ['word', 1], 16 + 8 + 8],
  ['a plain object: keys and values', { id: 1, name: 'ab' }, 16 + 4 + 8 + 8 + 4],
  ['nested two levels deep, then a fixed cost', [[['deep']]], 16 + 16 + 64],
  ['a Map: a fixed cost', new Map([[1, 2]]), 64],
  ['a class instance: a fixed cost', new (class Point {})(), 64],
];
for (const [name, record, bytes] of cases) {
  test(`recordBytes: ${name}`, (t) => {
    t.is(recordBytes(record), bytes);
  });
}

test('recordsBytes sums the records', (t) => {
  t.is(recordsBytes(['ab', 'cde', Buffer.alloc(3)]), 4 + 6 + 3);
  t.is(recordsBytes([]), 0);
});
