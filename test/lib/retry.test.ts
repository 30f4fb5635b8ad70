import test from 'ava';
import { ManualClock, backoffDelay, retry } from '../../lib/index.js';

test('backoff grows by the factor up to the maximum, with jitter from the given randomness', (t) => {
  const policy = { initialDelay: 100, factor: 2, maxDelay: 1000, jitter: 0 };
  t.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy)),
    [100, 200, 400, 800, 1000],
  );
  t.is(backoffDelay(1, { initialDelay: 100, jitter: 0.5, random: () => 0 }), 50);
  t.is(backoffDelay(1, { initialDelay: 100, jitter: 0.5, random: () => 0.999999 }), 150);
});

test('retry waits on the clock between attempts and returns the first success', async (t) => {
  const clock = new ManualClock();
  const attempts: number[] = [];
  const result = retry(
    async (n) => {
      attempts.push(clock.now());
      if (n < 3) throw new Error(`attempt ${n} failed`);
      return 'ok';
    },
    clock,
    { initialDelay: 100, jitter: 0 },
  );
  await clock.advance(1000);
  t.is(await result, 'ok');
  t.deepEqual(attempts, [0, 100, 300]);
});

test('retry gives up after maxAttempts and on errors it must not retry', async (t) => {
  const clock = new ManualClock();
  let calls = 0;
  const failing = retry(
    async () => {
      calls++;
      throw new Error('down');
    },
    clock,
    { maxAttempts: 2, initialDelay: 10, jitter: 0 },
  );
  const rejected = t.throwsAsync(failing, { message: 'down' });
  await clock.advance(100);
  await rejected;
  t.is(calls, 2);
  await t.throwsAsync(
    retry(
      async () => {
        throw new Error('fatal');
      },
      clock,
      { shouldRetry: () => false },
    ),
    { message: 'fatal' },
  );
});
