import test from 'ava';
import { ManualClock } from '../../../lib/index.js';

test('starts at 0, or where told', (t) => {
  t.is(new ManualClock().now(), 0);
  t.is(new ManualClock(5000).now(), 5000);
});

test('fires timer ticks and sleeps in time order, with now() at each tick', async (t) => {
  const clock = new ManualClock();
  const seen: string[] = [];
  clock.timer(100, 100).subscribe((tick) => seen.push(`tick ${tick} at ${clock.now()}`));
  void clock.sleep(250).then(() => seen.push(`slept until ${clock.now()}`));
  await clock.advance(300);
  t.deepEqual(seen, ['tick 100 at 100', 'tick 200 at 200', 'slept until 250', 'tick 300 at 300']);
  t.is(clock.now(), 300);
});

test('advance waits for tracked work, including work that work starts', async (t) => {
  const clock = new ManualClock();
  const done: number[] = [];
  clock.timer(10, 10).subscribe((tick) => {
    clock.track(
      (async () => {
        await new Promise((resolve) => setImmediate(resolve));
        clock.track(Promise.resolve().then(() => done.push(tick * 100)));
        done.push(tick);
      })(),
    );
  });
  await clock.advance(20);
  t.deepEqual(done, [10, 1000, 20, 2000]);
});

test('tracked work that fails does not reject advance', async (t) => {
  const clock = new ManualClock();
  clock.timer(1, 1).subscribe(() => clock.track(Promise.reject(new Error('batch failed'))));
  await t.notThrowsAsync(clock.advance(3));
});

test('advances queue behind each other', async (t) => {
  const clock = new ManualClock();
  const ticks: number[] = [];
  clock.timer(1, 1).subscribe((tick) => ticks.push(tick));
  await Promise.all([clock.advance(2), clock.advance(2)]);
  t.deepEqual(ticks, [1, 2, 3, 4]);
});

test('a negative step is refused', (t) => {
  t.throws(() => new ManualClock().advance(-1), { instanceOf: RangeError });
});

test('unsubscribing a timer stops its ticks', async (t) => {
  const clock = new ManualClock();
  const ticks: number[] = [];
  const sub = clock.timer(1, 1).subscribe((tick) => ticks.push(tick));
  await clock.advance(2);
  sub.unsubscribe();
  await clock.advance(2);
  t.deepEqual(ticks, [1, 2]);
});
