import test from 'ava';
import { ConfigurationError, ManualClock, StreamingContext } from '../../../lib/index.js';
import { kafkaOutput, type KafkaOutputOptions } from '../../../outputs/index.js';

function build(options: Record<string, unknown>): void {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const stream = ssc.queueStream<string>([]);
  kafkaOutput(stream, {
    brokers: ['127.0.0.1:9092'],
    topic: 'out',
    ...options,
  } as KafkaOutputOptions<string>);
}

const cases: [string, Record<string, unknown>, RegExp][] = [
  ['no topic', { topic: '' }, /topic must be a topic name/],
  ['no brokers', { brokers: [] }, /brokers must list/],
  [
    'a transaction without an id',
    { transactional: { transactionalId: '', source: {} } },
    /transactionalId is required/,
  ],
  [
    'a transaction without a source',
    { transactional: { transactionalId: 'job' } },
    /transactional.source must be the stream kafkaDirectStream\(\) returned/,
  ],
  ['a zero request size', { maxRequestBytes: 0 }, /maxRequestBytes must be a positive number/],
];

for (const [what, options, message] of cases) {
  test(`a Kafka output with ${what} is refused when it is built`, (t) => {
    const error = t.throws(() => build(options), { instanceOf: ConfigurationError });
    t.regex(error?.message ?? '', message);
  });
}
