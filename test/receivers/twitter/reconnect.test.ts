/** Twitter's reconnect rules, as delays in a table. */
import test from 'ava';
import { ReconnectBackoff, kindOfStatus } from '../../../receivers/twitter/reconnect.js';

test('network errors back off linearly by 250 ms up to 16 s', (t) => {
  const backoff = new ReconnectBackoff();
  const delays = Array.from({ length: 66 }, () => backoff.delay('network'));
  t.deepEqual(delays.slice(0, 4), [250, 500, 750, 1000]);
  t.is(delays[63], 16_000);
  t.is(delays[65], 16_000);
});

test('HTTP errors back off exponentially from 5 s up to 320 s', (t) => {
  const backoff = new ReconnectBackoff();
  t.deepEqual(
    Array.from({ length: 9 }, () => backoff.delay('http')),
    [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 320_000, 320_000],
  );
});

test('rate limiting backs off exponentially from 1 minute, capped at 16 minutes', (t) => {
  const backoff = new ReconnectBackoff();
  t.deepEqual(
    Array.from({ length: 6 }, () => backoff.delay('rateLimited')),
    [60_000, 120_000, 240_000, 480_000, 960_000, 960_000],
  );
});

test('each kind counts on its own; a dropped established connection reconnects at once and resets all', (t) => {
  const backoff = new ReconnectBackoff();
  t.deepEqual(
    ['network', 'network', 'http', 'network', 'dropped', 'network', 'http'].map((k) =>
      backoff.delay(k as 'network' | 'http' | 'dropped'),
    ),
    [250, 500, 5_000, 750, 0, 250, 5_000],
  );
});

test('the policy can be changed', (t) => {
  const backoff = new ReconnectBackoff({
    networkStepMs: 10,
    networkMaxMs: 25,
    httpInitialMs: 100,
    httpMaxMs: 150,
  });
  t.deepEqual(
    [1, 2, 3].map(() => backoff.delay('network')),
    [10, 20, 25],
  );
  t.deepEqual(
    [1, 2].map(() => backoff.delay('http')),
    [100, 150],
  );
});

test('HTTP statuses: 420 and 429 are rate limits, 408 and 5xx retried, other 4xx fatal', (t) => {
  t.deepEqual([420, 429, 408, 500, 503, 400, 401, 403, 404, 406, 413, 416, 302].map(kindOfStatus), [
    'rateLimited',
    'rateLimited',
    'http',
    'http',
    'http',
    'fatal',
    'fatal',
    'fatal',
    'fatal',
    'fatal',
    'fatal',
    'fatal',
    'fatal',
  ]);
});
