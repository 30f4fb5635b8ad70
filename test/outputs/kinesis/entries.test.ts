/** Unit tests of the Kinesis output's limits: record size with its key, and calls of 500 records and 5 MiB. */
import test from 'ava';
import { chunkEntries, toEntry } from '../../../outputs/kinesis/entries.js';

test('a record may be 1 MiB with its partition key, not a byte more', (t) => {
  const key = 'k'.repeat(10);
  t.is(toEntry(key, new Uint8Array(1024 * 1024 - 10), undefined).bytes, 1024 * 1024);
  t.throws(() => toEntry(key, new Uint8Array(1024 * 1024 - 9), undefined), { message: /over the limit/ });
  t.throws(() => toEntry('', 'x', undefined), { message: /1 to 256 characters, got 0 characters/ });
  t.throws(() => toEntry('k'.repeat(257), 'x', undefined), { message: /got 257 characters/ });
  t.deepEqual(toEntry('é', 'é', '42').entry, {
    PartitionKey: 'é',
    Data: new TextEncoder().encode('é'),
    ExplicitHashKey: '42',
  });
});

test('calls hold at most 500 records and 5 MiB, in order', (t) => {
  const small = Array.from({ length: 1001 }, (_, i) => toEntry(`k${i}`, 'x', undefined));
  t.deepEqual(
    chunkEntries(small).map((c) => c.length),
    [500, 500, 1],
  );
  const big = Array.from({ length: 11 }, () => toEntry('k', new Uint8Array(1000 * 1000), undefined));
  const chunks = chunkEntries(big);
  t.deepEqual(
    chunks.map((c) => c.length),
    [5, 5, 1],
  );
  for (const c of chunks) t.true(c.reduce((s, e) => s + e.bytes, 0) <= 5 * 1024 * 1024);
  t.deepEqual(chunkEntries([]), []);
});
