import test from 'ava';
import { Subject } from 'rxjs';
import {
  ConfigurationError,
  ManualClock,
  Receiver,
  ReceiverError,
  StoppedError,
} from '../../../lib/index.js';
import { RateLimiter } from '../../../lib/receiver/rate-limiter.js';
import { collect, setup } from './harness.js';

/** Stores `records` in one call as soon as it starts, and keeps the promise of that call. */
class BulkReceiver extends Receiver<number> {
  done: Promise<void> | undefined;

  constructor(private readonly records: number[]) {
    super('bulk');
  }

  onStart(): void {
    this.done = this.store(this.records);
  }

  onStop(): void {}
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

test('maxRate: 3 x maxRate records stored at once spread over 3 batches, in order', async (t) => {
  const { clock, ssc } = setup();
  const receiver = new BulkReceiver(range(0, 30));
  const out = collect(ssc.receiverStream(receiver, { maxRate: 10 }));
  await ssc.start();
  await clock.advance(4000);
  await receiver.done;
  await ssc.stop();
  t.deepEqual(out, [
    { time: 1000, records: range(0, 10) },
    { time: 2000, records: range(10, 20) },
    { time: 3000, records: range(20, 30) },
    { time: 4000, records: [] },
  ]);
});

test('maxRate also paces record-by-record stores (fromObservable), keeping their order', async (t) => {
  const { clock, ssc } = setup();
  const source = new Subject<number>();
  const out = collect(ssc.fromObservable(source, { maxRate: 1500 }));
  await ssc.start();
  for (let i = 0; i < 4000; i++) source.next(i);
  await clock.advance(3000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records.length),
    [1500, 1500, 1000],
  );
  t.deepEqual(
    out.flatMap((b) => b.records),
    range(0, 4000),
  );
});

test('stores still waiting for maxRate when the context stops are refused with a ReceiverError', async (t) => {
  const { clock, ssc } = setup();
  const receiver = new BulkReceiver(range(0, 30));
  const out = collect(ssc.receiverStream(receiver, { maxRate: 10 }));
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  const error = await t.throwsAsync(receiver.done ?? Promise.resolve(), { instanceOf: ReceiverError });
  t.regex(error?.message ?? '', /refused 19 records: the receiver stopped while they waited for maxRate/);
  t.deepEqual(
    out.map((b) => b.records),
    [range(0, 10)],
  );
});

test('maxRate must be a positive number', (t) => {
  const { ssc } = setup();
  t.throws(() => ssc.receiverStream(new BulkReceiver([]), { maxRate: 0 }), {
    instanceOf: ConfigurationError,
    message: 'maxRate must be a positive number of records per second, got 0',
  });
});

test('RateLimiter grants a hundredth of a second worth at a time, paced on the clock', async (t) => {
  const clock = new ManualClock();
  const limiter = new RateLimiter(clock, 1000);
  const grants: [number, number][] = [];
  const pump = (async () => {
    let left = 35;
    while (left > 0) {
      const granted = await limiter.acquire(left);
      grants.push([clock.now(), granted]);
      left -= granted;
    }
  })();
  await clock.advance(100);
  await pump;
  t.deepEqual(grants, [
    [0, 10],
    [10, 10],
    [20, 10],
    [30, 5],
  ]);
});

test('RateLimiter: setRate changes the pace; close() rejects a waiting acquire', async (t) => {
  const clock = new ManualClock();
  const limiter = new RateLimiter(clock, 10);
  t.is(await limiter.acquire(5), 1);
  limiter.setRate(1000);
  t.is(limiter.maxRate, 1000);
  const next = limiter.acquire(50);
  await clock.advance(9);
  const early = await Promise.race([next, Promise.resolve('waiting')]);
  t.is(early, 'waiting', 'a chunk of 10 at 1000/s accrues in 10 ms');
  await clock.advance(1);
  t.is(await next, 10);
  const waiting = limiter.acquire(50);
  await clock.advance(0); // lets the acquire start waiting on the clock
  limiter.close();
  await t.throwsAsync(waiting, { instanceOf: StoppedError, message: /closed while records waited/ });
  await t.throwsAsync(limiter.acquire(1), { instanceOf: StoppedError });
  t.throws(() => limiter.setRate(-1), { instanceOf: ConfigurationError });
});
