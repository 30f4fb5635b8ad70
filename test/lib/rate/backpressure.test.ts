/**
 * Backpressure wired into a context on a ManualClock: the initial rate holds until the first
 * estimate, then each batch's rate follows the job's measured speed, capped at maxRate.
 */
import test from 'ava';
import { ManualClock, Receiver, StreamingContext, type StreamingEvent } from '../../../lib/index.js';

/** A ManualClock on which a batch's work takes `busy` ms of clock time (reset after each batch). */
class WorkClock extends ManualClock {
  busy = 0;
  override now(): number {
    return super.now() + this.busy;
  }
}

/** Stores all its records in one call at start, as a fast source with a backlog would. */
class Backlog extends Receiver<number> {
  done: Promise<void> | undefined;
  constructor(private readonly count: number) {
    super('backlog');
  }
  onStart(): void {
    this.done = this.store(Array.from({ length: this.count }, (_, i) => i)).catch(() => undefined);
  }
  onStop(): void {}
}

/** A job whose work costs 2 ms of clock time per record: it can do 500 records a second. */
async function run(options: { initialRate: number; maxRate?: number }, seconds: number) {
  const clock = new WorkClock();
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    backpressure: { enabled: true, initialRate: options.initialRate },
  });
  const log: StreamingEvent[] = [];
  ssc.events.subscribe((event) => {
    log.push(event);
    if (event.type === 'batchCompleted') clock.busy = 0;
  });
  const sizes: number[] = [];
  const receiverOptions = options.maxRate === undefined ? {} : { maxRate: options.maxRate };
  ssc.receiverStream(new Backlog(100_000), receiverOptions).foreachBatch((records) => {
    sizes.push(records.length);
    clock.busy = records.length * 2;
  });
  await ssc.start();
  await clock.advance(seconds * 1000);
  await ssc.stop();
  const rates = log.flatMap((e) => (e.type === 'rateUpdated' ? [e] : []));
  const order = log.flatMap((e) =>
    e.type === 'batchCompleted' ? [`batch ${e.batchTime}`] : e.type === 'rateUpdated' ? ['rate'] : [],
  );
  return { sizes, rates, order };
}

const near = (value: number, target: number, slack: number) => Math.abs(value - target) <= slack;

test('the initial rate holds until the first estimate, then batches follow the measured speed', async (t) => {
  const { sizes, rates, order } = await run({ initialRate: 100 }, 6);
  t.deepEqual(order.slice(0, 4), ['batch 1000', 'batch 2000', 'rate', 'batch 3000']);
  t.deepEqual(
    rates.map((r) => [r.streamId, r.rate]),
    Array.from({ length: 5 }, () => [0, 500]),
    '2 ms per record: 500 records a second, after every batch from the second on',
  );
  t.true(
    sizes.slice(0, 2).every((n) => near(n, 100, 2)),
    `batches at the initial rate: ${sizes.join(', ')}`,
  );
  t.true(
    sizes.slice(3).every((n) => near(n, 500, 10)),
    `then batches at the estimated rate: ${sizes.join(', ')}`,
  );
});

test('the estimated rate never exceeds maxRate', async (t) => {
  const { sizes, rates } = await run({ initialRate: 1000, maxRate: 300 }, 6);
  t.true(rates.length >= 4);
  t.true(
    rates.every((r) => r.rate === 300),
    `rates ${rates.map((r) => r.rate).join(', ')}`,
  );
  t.true(
    sizes.every((n) => n <= 303),
    `initialRate above maxRate starts at maxRate: ${sizes.join(', ')}`,
  );
});
