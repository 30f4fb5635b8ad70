import test from 'ava';
import { ConfigurationError, ManualClock, StreamingContext } from '../../../lib/index.js';
import { kafkaDirectStream, type KafkaDirectStreamOptions } from '../../../receivers/index.js';

const valid: KafkaDirectStreamOptions = { brokers: ['127.0.0.1:9092'], topics: ['orders'], groupId: 'g' };

function build(options: Partial<KafkaDirectStreamOptions> | Record<string, unknown>): void {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  kafkaDirectStream(ssc, { ...valid, ...options } as KafkaDirectStreamOptions);
}

const cases: [string, Record<string, unknown>, RegExp][] = [
  ['no brokers', { brokers: [] }, /brokers must list at least one 'host:port'/],
  ['a broker without a port', { brokers: ['localhost'] }, /broker 'localhost' is not 'host:port'/],
  ['no topics', { topics: [] }, /topics must list one or more topic names/],
  ['a bad topic name', { topics: ['a b'] }, /topics must list/],
  ['no group', { groupId: '' }, /groupId is required/],
  ['a bad starting offset', { startingOffsets: 'first' }, /startingOffsets must be 'earliest', 'latest'/],
  [
    'offsets of another topic',
    { startingOffsets: { other: { 0: 1 } } },
    /names topic 'other', which is not in topics/,
  ],
  ['a negative offset', { startingOffsets: { orders: { 0: -1 } } }, /whole numbers >= 0/],
  ['a bad commit mode', { commit: 'never' }, /commit must be 'kafka' or 'checkpoint'/],
  ['a bad deserializer', { deserializer: 'avro' }, /deserializer must be 'string', 'json' or 'buffer'/],
  ['a zero rate', { maxRatePerPartition: 0 }, /maxRatePerPartition must be a positive number/],
  ['a short session', { sessionTimeout: 500 }, /sessionTimeout must be at least 1000 ms/],
  ['an unknown SASL mechanism', { sasl: { mechanism: 'kerberos' } }, /sasl.mechanism must be one of/],
];

for (const [what, options, message] of cases) {
  test(`a direct stream with ${what} is refused when it is built`, (t) => {
    const error = t.throws(() => build(options), { instanceOf: ConfigurationError });
    t.regex(error?.message ?? '', message);
  });
}

test('valid options build a stream that tells its offset ranges (none before a batch)', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const stream = kafkaDirectStream(ssc, {
    ...valid,
    startingOffsets: { orders: { 0: 5 } },
    name: 'orders-in',
  });
  t.is(stream.offsetRangesAt(1000), undefined);
  t.is(stream.source.groupId, 'g');
  t.is(stream.operatorName, 'orders-in');
});
