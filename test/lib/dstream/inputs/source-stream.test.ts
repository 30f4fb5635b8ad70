import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, StreamingContext } from '../../../../lib/index.js';
import { CountingSource } from '../../../helpers/counting-source.js';

/** The counting source, which also records its start, commits and stop. */
class Counter extends CountingSource {
  readonly commits: number[] = [];
  started = 0;
  stopped = 0;
  constructor(perBatch = 3) {
    super('counter', perBatch);
  }
  start(): void {
    this.started++;
  }
  async commit(time: number): Promise<void> {
    this.commits.push(time);
  }
  stop(): void {
    this.stopped++;
  }
}

test('a batch source is read once per batch, told its limit, and committed after each batch', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock });
  const source = new Counter();
  const seen: number[][] = [];
  ssc.sourceStream(source).foreachBatch((records) => {
    seen.push(records);
  });
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(seen, [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  t.deepEqual(source.commits, [1000, 2000]);
  t.deepEqual(source.limits, [
    { interval: 1000, rate: undefined },
    { interval: 1000, rate: undefined },
  ]);
  t.deepEqual([source.started, source.stopped], [1, 1]);
});

test('a failed batch is not committed', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, onBatchError: 'continue' });
  const source = new Counter();
  ssc.sourceStream(source).foreachBatch((records) => {
    if (records.includes(4)) throw new Error('no fours');
  });
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  t.deepEqual(source.commits, [1000, 3000]);
});

/** A clock on which work takes time: each processed record adds 2 ms to `now()`. */
class CostlyClock extends ManualClock {
  spent = 0;
  override now(): number {
    return super.now() + this.spent;
  }
}

test('with backpressure, the estimated rate reaches read', async (t) => {
  const clock = new CostlyClock();
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    backpressure: { enabled: true, initialRate: 50, minRate: 1 },
  });
  const source = new Counter(100);
  ssc.sourceStream(source).foreachBatch((records) => {
    clock.spent += 2 * records.length;
  });
  await ssc.start();
  await clock.advance(4000);
  await ssc.stop();
  t.is(source.limits[0]?.rate, 50, 'the initial rate until the first estimate');
  t.true(
    source.limits.slice(2).every((l) => typeof l.rate === 'number' && l.rate !== 50),
    'estimates follow',
  );
});

test("a source's position is checkpointed and restored before start", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-source-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const build = (source: Counter, clock: ManualClock) => () => {
    const ssc = new StreamingContext({ batchInterval: 1000, clock, checkpointDir: dir });
    ssc.sourceStream(source).foreachBatch(() => undefined);
    return ssc;
  };
  const firstClock = new ManualClock();
  const first = await StreamingContext.getOrCreate(dir, build(new Counter(), firstClock));
  await first.start();
  await firstClock.advance(2000);
  await first.stop();
  const resumed = new Counter();
  const clock = new ManualClock(2000);
  const second = await StreamingContext.getOrCreate(dir, build(resumed, clock));
  t.is(resumed.next, 6, 'restored to where the checkpointed batch 2000 left it');
  await second.start();
  await clock.advance(1000);
  await second.stop();
  t.deepEqual(resumed.commits, [3000]);
  t.is(resumed.next, 9);
});
