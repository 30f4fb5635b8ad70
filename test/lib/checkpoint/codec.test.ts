/**
 * encodeCheckpoint / decodeCheckpoint: the shapes operator state takes round trip exactly; what
 * cannot be encoded fails with what to do.
 */
import test from 'ava';
import { decodeCheckpoint, encodeCheckpoint } from '../../../lib/checkpoint/codec.js';
import { KindlingError } from '../../../lib/errors.js';

const roundTrip = (value: unknown): unknown => decodeCheckpoint(encodeCheckpoint(value));

test('Maps, arrays of tuples, bigint keys and nested objects round trip', (t) => {
  const state = {
    counts: new Map<string, number>([
      ['spark', 3],
      ['kindling', 5],
    ]),
    pairs: [
      ['a', 1],
      ['b', [2, 3]],
    ] as [string, unknown][],
    byOffset: new Map<bigint, string>([
      [2n ** 63n, 'far'],
      [-1n, 'before'],
    ]),
    nested: {
      window: { from: 1000, to: 3000, batches: [[1, 2], [], [3]] },
      seen: new Set(['x.txt', 'y.txt']),
      missing: undefined,
      nan: Number.NaN,
      at: new Date(1_700_000_000_000),
    },
  };
  const back = roundTrip(state);
  t.deepEqual(back, state);
  t.true((back as typeof state).counts instanceof Map);
  t.is((back as typeof state).byOffset.get(2n ** 63n), 'far');
});

test('a Map of 100k entries round trips', (t) => {
  const counts = new Map<string, number>();
  for (let i = 0; i < 100_000; i++) counts.set(`word${i.toString(36)}`, i % 997);
  const back = roundTrip(counts) as Map<string, number>;
  t.is(back.size, 100_000);
  let same = true;
  for (const [key, value] of counts) if (back.get(key) !== value) same = false;
  t.true(same);
  t.deepEqual([...back.keys()].slice(0, 3), ['word0', 'word1', 'word2'], 'insertion order is kept');
});

test('the bytes decode from a copy (nothing points back into the encoder)', (t) => {
  const bytes = encodeCheckpoint(new Map([[1n, [1, 2]]]));
  const copy = new Uint8Array(bytes.byteLength + 8).subarray(8);
  copy.set(bytes);
  t.deepEqual(decodeCheckpoint(copy), new Map([[1n, [1, 2]]]));
});

test('class instances come back as plain objects', (t) => {
  class Counter {
    count = 2;
    increment(): void {
      this.count++;
    }
  }
  const back = roundTrip(new Counter()) as Counter;
  t.false(back instanceof Counter);
  t.deepEqual({ ...back }, { count: 2 });
  t.is(Object.getPrototypeOf(back), Object.prototype);
});

test('a function cannot be encoded, and the error says what to keep instead', (t) => {
  t.throws(() => encodeCheckpoint({ f: () => 1 }), {
    instanceOf: KindlingError,
    message: /could not encode checkpoint state: .*keep state in plain data/,
  });
});

test('bytes that are not V8 serialization data fail to decode with a KindlingError', (t) => {
  t.throws(() => decodeCheckpoint(new TextEncoder().encode('{"json": true}')), {
    instanceOf: KindlingError,
    message: /could not decode checkpoint \(14 bytes\)/,
  });
});
