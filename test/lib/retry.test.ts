import test from 'ava';
import { KindlingError, ManualClock, TimeoutError, backoffDelay, retry } from '../../lib/index.js';

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

test('onRetry is told of each failure retried; shouldRetry sees the attempt; giveUp makes the error thrown', async (t) => {
  const clock = new ManualClock();
  const told: [string, number, number][] = [];
  const asked: number[] = [];
  const failing = retry(
    async (n) => {
      throw new Error(`down ${n}`);
    },
    clock,
    {
      maxAttempts: 5,
      initialDelay: 100,
      jitter: 0,
      shouldRetry: (_error, attempt) => {
        asked.push(attempt);
        return attempt < 3;
      },
      onRetry: (error, attempt, delay) => told.push([(error as Error).message, attempt, delay]),
      giveUp: (error, attempts) =>
        new KindlingError(`gave up after ${attempts}: ${(error as Error).message}`, { cause: error }),
    },
  );
  const rejected = t.throwsAsync(failing, { instanceOf: KindlingError, message: 'gave up after 3: down 3' });
  await clock.advance(1000);
  await rejected;
  t.deepEqual(told, [
    ['down 1', 1, 100],
    ['down 2', 2, 200],
  ]);
  t.deepEqual(asked, [1, 2, 3]);

  // When the attempts run out, shouldRetry is not asked, and giveUp is told how many were made.
  asked.length = 0;
  const last = retry(
    async () => {
      throw new Error('still down');
    },
    clock,
    {
      maxAttempts: 2,
      initialDelay: 10,
      jitter: 0,
      shouldRetry: (_error, attempt) => asked.push(attempt) > 0,
      giveUp: (_error, attempts) => new Error(`${attempts} attempts`),
    },
  );
  const gaveUp = t.throwsAsync(last, { message: '2 attempts' });
  await clock.advance(100);
  await gaveUp;
  t.deepEqual(asked, [1]);
});

test('tryTimeout: a try that hangs is abandoned at its limit on the clock, its signal aborted, and retried', async (t) => {
  const clock = new ManualClock();
  const starts: number[] = [];
  const aborts: [number, number, string][] = [];
  const result = retry(
    (n, signal) => {
      starts.push(clock.now());
      signal.addEventListener('abort', () => aborts.push([n, clock.now(), (signal.reason as Error).name]));
      return n === 1 ? new Promise<string>(() => undefined) : Promise.resolve(`ok at try ${n}`);
    },
    clock,
    { initialDelay: 100, jitter: 0, tryTimeout: 500, timeoutClock: clock },
  );
  await clock.advance(2000);
  t.is(await result, 'ok at try 2');
  t.deepEqual(starts, [0, 600]);
  // The try that answered in time is not aborted later: its time limit went with it.
  t.deepEqual(aborts, [[1, 500, 'TimeoutError']]);
});

test('tryTimeout: every try timing out fails with a TimeoutError, reported to onRetry like any failure', async (t) => {
  const clock = new ManualClock();
  const told: [string, number, number][] = [];
  const hanging = retry(
    (_n, signal) =>
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    clock,
    {
      maxAttempts: 2,
      initialDelay: 100,
      jitter: 0,
      tryTimeout: 300,
      timeoutClock: clock,
      onRetry: (error, attempt, delay) =>
        told.push([`${(error as Error).name}: ${(error as Error).message}`, attempt, delay]),
    },
  );
  let failedAt: number | undefined;
  const rejected = t.throwsAsync(
    hanging.finally(() => (failedAt = clock.now())),
    { instanceOf: TimeoutError, message: 'timed out after 300 ms' },
  );
  await clock.advance(1000);
  await rejected;
  t.deepEqual(told, [['TimeoutError: timed out after 300 ms', 1, 100]]);
  t.is(failedAt, 700); // 300 ms, a back-off of 100, 300 ms again
});
