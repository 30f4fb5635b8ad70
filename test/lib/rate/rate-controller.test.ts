/**
 * The rate controller on a ManualClock: batchCompleted events in, rates pushed to the receivers'
 * limiters and reported as rateUpdated events.
 */
import test from 'ava';
import { Subject } from 'rxjs';
import { ManualClock } from '../../../lib/clock/manual-clock.js';
import { ConfigurationError } from '../../../lib/errors.js';
import { RateController, type BackpressureOptions } from '../../../lib/rate/rate-controller.js';
import { RateLimiter } from '../../../lib/receiver/rate-limiter.js';
import type { EventOf, StreamingEvent } from '../../../lib/types.js';

/** A stream whose batches' record counts the test sets. */
function input(counts: Record<number, number>) {
  return {
    receiver: {},
    blockGenerator: { recordsTakenAt: (time: number): number | undefined => counts[time] },
  };
}

function completed(batchTime: number, records: number, processingDelay: number, schedulingDelay = 0) {
  return {
    type: 'batchCompleted',
    batchTime,
    records,
    processingDelay,
    schedulingDelay,
    totalDelay: processingDelay + schedulingDelay,
  } as EventOf<'batchCompleted'>;
}

function submitted(batchTime: number, records: number) {
  return { type: 'batchSubmitted', batchTime, records } as EventOf<'batchSubmitted'>;
}

function controller(
  options: BackpressureOptions,
  maxRates: (number | undefined)[],
  counts: Record<number, number>[],
) {
  const clock = new ManualClock();
  const rc = new RateController(clock, 1000, options);
  const inputs = counts.map(input);
  const limiters = inputs.map((i, n) => {
    const factory = rc.gate(i.receiver, maxRates[n]);
    if (!factory) throw new Error('backpressure should give every receiver a limiter');
    return factory();
  });
  const events = new Subject<StreamingEvent>();
  const log: StreamingEvent[] = [];
  events.subscribe((e) => log.push(e));
  rc.start(events, [{ not: 'a receiver stream' }, ...inputs]);
  return { rc, limiters, events, log };
}

const rates = (log: readonly StreamingEvent[]) =>
  log.flatMap((e) => (e.type === 'rateUpdated' ? [[e.streamId, e.rate]] : []));

test('each stream gets a new rate after every batch that gives an estimate', (t) => {
  const { limiters, events, log } = controller(
    { enabled: true, initialRate: 500, integral: 0 },
    [undefined, undefined],
    [
      { 1000: 500, 2000: 500, 3000: 800 },
      { 1000: 100, 2000: 0, 3000: 300 },
    ],
  );
  t.deepEqual(
    limiters.map((l) => l.maxRate),
    [500, 500],
    'initialRate until the first estimate',
  );
  events.next(completed(1000, 600, 250)); // first batch: only the starting point
  t.deepEqual(rates(log), []);
  events.next(completed(2000, 500, 250)); // stream 2 took nothing: no estimate for it
  events.next(completed(3000, 1100, 400));
  t.deepEqual(rates(log), [
    [1, 2000], // 500 records in 250 ms
    [1, 2000], // 800 in 400 ms: 2000 again
    [2, 750], // 300 in 400 ms, after 400 in 1000 ms
  ]);
  t.deepEqual(
    limiters.map((l) => l.maxRate),
    [2000, 750],
  );
  const order = log.map((e) => (e.type === 'batchCompleted' ? `batch ${e.batchTime}` : e.type));
  t.deepEqual(order, ['batch 1000', 'batch 2000', 'rateUpdated', 'batch 3000', 'rateUpdated', 'rateUpdated']);
});

test('the rate never exceeds maxRate, and never falls below minRate', (t) => {
  const { limiters, events, log } = controller(
    { enabled: true, minRate: 50 },
    [300],
    [{ 1000: 100, 2000: 100, 3000: 100, 4000: 1 }],
  );
  t.is(limiters[0]?.maxRate, 300, 'no initialRate: maxRate until the first estimate');
  events.next(completed(1000, 100, 100));
  events.next(completed(2000, 100, 100)); // 1000 per second, capped at 300
  events.next(completed(3000, 100, 100, 20_000)); // a long backlog: far below zero
  t.deepEqual(rates(log), [
    [1, 300],
    [1, 50],
  ]);
  t.is(limiters[0]?.maxRate, 50);
});

test('the integral term lowers the rate while batches wait (scheduling delay)', (t) => {
  const { events, log } = controller({ enabled: true }, [undefined], [{ 1000: 1000, 2000: 1000 }]);
  events.next(completed(1000, 1000, 500));
  events.next(completed(2000, 1000, 500, 1500)); // 2000/s, minus 0.2 * 1500 * 2000 / 1000
  t.deepEqual(rates(log), [[1, 1400]]);
});

test('without initialRate, a batch that waits behind another holds the receiver until the first estimate', (t) => {
  const { limiters, events, log } = controller(
    { enabled: true },
    [undefined],
    [{ 1000: 5000, 2000: 5000, 3000: 100 }],
  );
  t.is(limiters[0]?.maxRate, Infinity, 'nothing bounds the receiver before the first estimate');
  events.next(submitted(1000, 5000));
  t.deepEqual(rates(log), [], 'one batch at a time: the job keeps up so far');
  events.next(submitted(2000, 5000)); // batch 1000 still runs: the job is behind
  events.next(submitted(3000, 100));
  t.deepEqual(rates(log), [[1, 100]], 'held at minRate, once');
  events.next(completed(1000, 5000, 5000)); // 1000 records a second: Spark's starting point
  t.deepEqual(rates(log), [
    [1, 100],
    [1, 1000],
  ]);
  events.next(completed(2000, 5000, 5000, 4000)); // Spark's estimate: 1000 - 0.2 * 4000 * 1000 / 1000
  events.next(completed(3000, 100, 100, 8000)); // far below zero: minRate, as in Spark
  t.deepEqual(rates(log), [
    [1, 100],
    [1, 1000],
    [1, 200],
    [1, 100],
  ]);
  t.is(limiters[0]?.maxRate, 100);
});

test("a job that falls behind after its first batch is held at that batch's processing rate", (t) => {
  const { limiters, events, log } = controller({ enabled: true }, [undefined], [{ 1000: 1000, 2000: 3000 }]);
  events.next(submitted(1000, 1000));
  events.next(completed(1000, 1000, 500)); // 2000 records a second; no estimate yet
  events.next(submitted(2000, 3000));
  t.deepEqual(rates(log), []);
  events.next(submitted(3000, 2000)); // batch 2000 still runs
  t.deepEqual(rates(log), [[1, 2000]]);
  t.is(limiters[0]?.maxRate, 2000);
});

test('no hold with an initialRate (it bounds the receiver until the first estimate), nor above maxRate', (t) => {
  const initial = controller({ enabled: true, initialRate: 500 }, [undefined], [{}]);
  initial.events.next(submitted(1000, 500));
  initial.events.next(submitted(2000, 500));
  t.deepEqual(rates(initial.log), []);
  t.is(initial.limiters[0]?.maxRate, 500);
  const capped = controller({ enabled: true }, [50], [{}]);
  capped.events.next(submitted(1000, 50));
  capped.events.next(submitted(2000, 50));
  t.deepEqual(rates(capped.log), [], 'maxRate 50 is below minRate: nothing changes');
  t.is(capped.limiters[0]?.maxRate, 50);
});

test('stop() ends the control; the limiters keep their rate', (t) => {
  const { rc, limiters, events, log } = controller(
    { enabled: true, integral: 0 },
    [undefined],
    [{ 1000: 10, 2000: 10, 3000: 10 }],
  );
  events.next(completed(1000, 10, 10));
  events.next(completed(2000, 10, 10));
  rc.stop();
  events.next(completed(3000, 10, 1));
  t.deepEqual(rates(log), [[1, 1000]]);
  t.is(limiters[0]?.maxRate, 1000);
});

test('without backpressure only a maxRate makes a limiter, and nothing is controlled', (t) => {
  const rc = new RateController(new ManualClock(), 1000, { enabled: false, integral: -1 });
  t.false(rc.enabled);
  t.is(rc.gate({}, undefined), undefined);
  const limiter = rc.gate({}, 100)?.();
  t.true(limiter instanceof RateLimiter);
  t.is(limiter?.maxRate, 100);
});

test('bad backpressure options fail at construction with what to fix', (t) => {
  const clock = new ManualClock();
  t.throws(() => new RateController(clock, 1000, { enabled: true, initialRate: 0 }), {
    instanceOf: ConfigurationError,
    message: /backpressure.initialRate must be a positive number of records per second, got 0/,
  });
  t.throws(() => new RateController(clock, 1000, { enabled: true, proportional: -0.5 }), {
    instanceOf: ConfigurationError,
    message: 'backpressure.proportional must be a number >= 0, got -0.5; the default is 1',
  });
});
