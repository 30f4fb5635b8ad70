import test from 'ava';
import kafkajs from 'kafkajs';
import { describeKafkaError, isRetriableKafkaError, secretsOf } from '../../../systems/kafka/client.js';

// kafkajs is CommonJS and spreads its error classes into its exports: reach them through the default import.
const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } = kafkajs;
const KafkaJSSASLAuthenticationError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (
  m: string,
) => Error;

test('secrets of the SASL options are masked in messages, causes included', (t) => {
  const secrets = secretsOf({
    brokers: ['h:1'],
    sasl: { mechanism: 'plain', username: 'u', password: 's3cret' },
  });
  t.deepEqual(secrets, ['s3cret']);
  const error = new Error('login with s3cret failed', { cause: new Error('server saw s3cret') });
  t.is(describeKafkaError(error, secrets), 'login with *** failed (server saw ***)');
});

test('lost connections are worth retrying, also once kafkajs ran out of retries; failed logins are not', (t) => {
  const lost = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
  t.true(isRetriableKafkaError(lost));
  t.true(isRetriableKafkaError(new KafkaJSNumberOfRetriesExceeded(lost, { retryCount: 5, retryTime: 100 })));
  t.false(isRetriableKafkaError(new KafkaJSSASLAuthenticationError('SASL PLAIN authentication failed')));
  t.false(isRetriableKafkaError(new KafkaJSNonRetriableError('Invalid topic')));
  // What producer.connect() throws once kafkajs gave up on a broker that is down.
  t.true(isRetriableKafkaError(new KafkaJSNonRetriableError(lost)));
  t.false(isRetriableKafkaError(new TypeError('a bug')));
});
