/**
 * What backpressure needs of the rate limiter: no limit before the first estimate, a ceiling
 * (maxRate) on every rate set, and a burst that makes up time the receiver could not use.
 */
import test from 'ava';
import { ConfigurationError } from '../../../lib/errors.js';
import { ManualClock } from '../../../lib/clock/manual-clock.js';
import { RateLimiter } from '../../../lib/receiver/rate-limiter.js';

test('rate Infinity lets everything pass at once until setRate', async (t) => {
  const clock = new ManualClock();
  const limiter = new RateLimiter(clock, Infinity);
  t.is(limiter.maxRate, Infinity);
  t.is(await limiter.acquire(1_000_000), 1_000_000);
  t.is(limiter.setRate(100), 100);
  const grant = limiter.acquire(50);
  await clock.advance(10);
  t.is(await grant, 1, 'paced from the moment the rate is set: one chunk (1 record) per 10 ms');
});

test('setRate never goes above the ceiling; a rate above it starts at the ceiling', (t) => {
  const limiter = new RateLimiter(new ManualClock(), 1000, { ceiling: 300 });
  t.is(limiter.maxRate, 300);
  t.is(limiter.setRate(5000), 300);
  t.is(limiter.setRate(120), 120);
  t.is(new RateLimiter(new ManualClock(), Infinity, { ceiling: 50 }).maxRate, 50);
});

test('an idle limiter saves up one chunk by default, or `burst` ms worth', async (t) => {
  const clock = new ManualClock();
  const plain = new RateLimiter(clock, 100);
  const bursty = new RateLimiter(clock, 100, { burst: 1000 });
  await plain.acquire(1);
  await bursty.acquire(1);
  await clock.advance(5000);
  t.is(await plain.acquire(1000), 1, 'one chunk: a hundredth of a second of 100 per second');
  t.is(await bursty.acquire(1000), 100, 'a second of 100 per second, not five');
});

test('rates and bursts are checked', (t) => {
  const clock = new ManualClock();
  t.throws(() => new RateLimiter(clock, 10, { burst: -1 }), {
    instanceOf: ConfigurationError,
    message: 'rate limiter burst must be a number of ms >= 0, got -1',
  });
  t.throws(() => new RateLimiter(clock, 10, { ceiling: 0 }), { instanceOf: ConfigurationError });
  t.throws(() => new RateLimiter(clock, 10).setRate(Infinity), { instanceOf: ConfigurationError });
});
