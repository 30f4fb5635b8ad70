/**
 * A 5x overload on a ManualClock, without initialRate: a source offers 5000 records a second to a
 * job that processes 1000 (1 ms of clock time per record, so batches queue up behind a slow one
 * as they would on a real clock). Backpressure must bring the rate to what the job processes
 * within a few batches, and not hold minRate for many batches while a backlog drains.
 */
import test from 'ava';
import type { Subscription } from 'rxjs';
import { ManualClock, Receiver, StreamingContext } from '../../../lib/index.js';

/**
 * Offers `perSecond` records a second, in 10 ms slices. What it cannot store yet waits at the
 * source, as lines wait in a TCP sender that the receiver holds back: one store at a time, of at
 * most 500 records (a socket read, then a pause until `store` resolves).
 */
class Source extends Receiver<number> {
  private timer: Subscription | undefined;
  private offered = 0;
  private next = 0;
  private storing = false;

  constructor(
    private readonly clock: ManualClock,
    private readonly perSecond: number,
  ) {
    super('source');
  }

  onStart(): void {
    this.timer = this.clock.timer(10, 10).subscribe(() => {
      this.offered += this.perSecond / 100;
      void this.drain();
    });
  }

  onStop(): void {
    this.timer?.unsubscribe();
  }

  private async drain(): Promise<void> {
    if (this.storing) return;
    this.storing = true;
    try {
      while (this.next < this.offered) {
        const count = Math.min(this.offered - this.next, 500);
        await this.store(Array.from({ length: count }, () => this.next++));
      }
    } catch {
      // The context stopped at the end of the run: what is left was never taken.
    } finally {
      this.storing = false;
    }
  }
}

interface Batch {
  readonly time: number;
  readonly records: number;
  readonly schedulingDelay: number;
}

/** Runs the overload for `seconds` of clock time; the batches and rates seen before its end. */
async function overload(seconds: number): Promise<{ batches: Batch[]; rates: number[] }> {
  const clock = new ManualClock();
  const end = seconds * 1000;
  const ssc = new StreamingContext({ batchInterval: 1000, clock, backpressure: { enabled: true } });
  ssc.receiverStream(new Source(clock, 5000)).foreachBatch(async (records) => {
    // 1 ms a record. Work still running at the end is cut short there, so the run can end.
    await clock.sleep(Math.min(records.length, end - clock.now()));
  });
  const batches: Batch[] = [];
  const rates: number[] = [];
  ssc.events.subscribe((e) => {
    if (clock.now() >= end) return;
    if (e.type === 'batchCompleted') {
      batches.push({ time: e.batchTime, records: e.records, schedulingDelay: e.schedulingDelay });
    }
    if (e.type === 'rateUpdated') rates.push(Math.round(e.rate * 10) / 10);
  });
  await ssc.start();
  await clock.advance(end);
  await ssc.stop();
  return { batches, rates };
}

test('a 5x overload without initialRate settles at the rate the job processes', async (t) => {
  const { batches, rates } = await overload(40);
  t.deepEqual(
    rates.slice(0, 3),
    [100, 1000, 210],
    'minRate once batch 2000 waits behind batch 1000 (4950 records, 4.95 s); 1000 when that one ' +
      "completes (its processing rate); then Spark's first estimate, 1000 - 0.2 * 3950 ms * 1000 / 1000 ms",
  );
  t.deepEqual(
    batches.slice(0, 3).map((b) => b.records),
    [4950, 5000, 149],
    'only the first two batches were taken unbounded',
  );
  const atMinRate = rates.slice(2).filter((rate) => rate === 100).length;
  t.true(atMinRate <= 4, `estimates at minRate: ${atMinRate} (${rates.join(', ')})`);
  t.true(
    batches.every((b) => b.schedulingDelay < 8000),
    `scheduling delays ${batches.map((b) => b.schedulingDelay).join(', ')}`,
  );
  const last = batches.filter((b) => b.time > 20_000);
  t.true(last.length >= 18, `batches in the last 20 s: ${last.length}`);
  t.deepEqual(
    last.map((b) => [b.records, b.schedulingDelay]),
    last.map(() => [1000, 0]),
    'settled: every batch holds what the job processes in an interval, and none waits',
  );
  t.deepEqual(
    rates.slice(-last.length),
    last.map(() => 1000),
  );
});
