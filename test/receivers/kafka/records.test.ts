import test from 'ava';
import type { KafkaMessage } from 'kafkajs';
import { ManualClock, RejectedRecord, StreamingContext } from '../../../lib/index.js';
import { offsetsOf } from '../../../receivers/kafka/fetcher.js';
import { deserializeMessages, type AnyKafkaRecord } from '../../../receivers/kafka/records.js';
import { KafkaDirectSource } from '../../../receivers/kafka/source.js';

function message(
  offset: number,
  value: Buffer | null,
  key: Buffer | null = null,
  headers = {},
): KafkaMessage {
  return { offset: String(offset), key, value, headers, timestamp: '1700000000000', attributes: 0 };
}

function decode(
  messages: KafkaMessage[],
  deserializer: 'string' | 'json' | 'buffer',
): (AnyKafkaRecord | RejectedRecord)[] {
  const offsets = Float64Array.from(messages, (m) => Number(m.offset));
  return deserializeMessages('orders', 2, messages, offsets, deserializer);
}

test('string records carry topic, partition, offset, key, value, headers and timestamp', (t) => {
  const [record] = decode(
    [
      message(41, Buffer.from('héllo'), Buffer.from('k1'), {
        trace: Buffer.from('abc'),
        multi: [Buffer.from('x'), 'y'],
      }),
    ],
    'string',
  );
  t.deepEqual(record, {
    topic: 'orders',
    partition: 2,
    offset: 41,
    key: 'k1',
    value: 'héllo',
    headers: { trace: 'abc', multi: ['x', 'y'] },
    timestamp: 1_700_000_000_000,
  });
});

test('a tombstone has a null value and a missing key is null', (t) => {
  const [record] = decode([message(0, null)], 'json') as AnyKafkaRecord[];
  t.is(record?.value, null);
  t.is(record?.key, null);
});

test('json values are parsed; malformed JSON becomes a rejected record with the text and its place', (t) => {
  const [good, bad] = decode([message(1, Buffer.from('{"n":1}')), message(2, Buffer.from('{"n":'))], 'json');
  t.deepEqual((good as AnyKafkaRecord).value, { n: 1 });
  t.true(bad instanceof RejectedRecord);
  const rejected = bad as RejectedRecord;
  t.is(rejected.reason, 'malformedJson');
  t.is(rejected.record, '{"n":');
  t.is(rejected.detail, 'orders/2@2');
  t.regex(rejected.error.message, /orders\/2@2 is not JSON/);
});

test('a value or key that is not UTF-8 becomes a rejected record with its bytes', (t) => {
  const bytes = Buffer.from([0x41, 0xc3, 0x28]);
  const [value, key] = decode([message(5, bytes), message(6, Buffer.from('ok'), bytes)], 'string');
  t.is((value as RejectedRecord).reason, 'invalidUtf8');
  t.deepEqual((value as RejectedRecord).record, bytes);
  t.regex((key as RejectedRecord).error.message, /the key of the record at orders\/2@6 is not valid UTF-8/);
});

test('buffer records keep the bytes of key, value and headers, valid UTF-8 or not', (t) => {
  const bytes = Buffer.from([0xff, 0x00]);
  const [record] = decode([message(9, bytes, bytes, { h: 'text' })], 'buffer') as AnyKafkaRecord[];
  t.deepEqual(record?.value, bytes);
  t.deepEqual(record?.key, bytes);
  t.deepEqual(record?.headers, { h: Buffer.from('text') });
});

test('buffer records keep each message its own timestamp, also when runs of them share one', (t) => {
  const stamps = ['1700000000000', '1700000000000', '1700000000007', '1700000000000', '1700000000007'];
  const messages = stamps.map((timestamp, i) => ({ ...message(10 + i, Buffer.from([i])), timestamp }));
  const records = decode(messages, 'buffer') as AnyKafkaRecord[];
  t.deepEqual(
    records.map((r) => [r.offset, r.timestamp]),
    stamps.map((s, i) => [10 + i, Number(s)]),
  );
});

test('offsets are numbers, consecutive or with the gaps compaction and transaction markers leave', (t) => {
  const of = (offsets: number[]): number[] =>
    Array.from(offsetsOf(offsets.map((o) => message(o, Buffer.from('v')))));
  t.deepEqual(of([5, 6, 7, 8]), [5, 6, 7, 8]);
  t.deepEqual(of([5, 7, 8, 9]), [5, 7, 8, 9], 'a gap: every offset parsed');
  t.deepEqual(of([5, 6, 9]), [5, 6, 9]);
  t.deepEqual(of([42]), [42]);
  t.deepEqual(of([2 ** 40, 2 ** 40 + 1]), [2 ** 40, 2 ** 40 + 1]);
});

test("the direct stream's source names a record's topic/partition@offset for dead letters, and nothing else", (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const source = new KafkaDirectSource(ssc, { brokers: ['127.0.0.1:1'], topics: ['orders'], groupId: 'g' });
  const [record] = decode([message(42, Buffer.from('x'))], 'string');
  t.is(
    source.describeRecord({ ...(record as AnyKafkaRecord), topic: 'orders', partition: 3 }),
    'orders/3@42',
  );
  t.is(source.describeRecord({ value: 'derived from a record' }), undefined);
  t.is(source.describeRecord('text'), undefined);
});
