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

test('tracked work that sleeps on the clock does not hang advance: time moves on to its sleep in order', async (t) => {
  const clock = new ManualClock();
  const seen: string[] = [];
  clock.timer(100, 100).subscribe((tick) => {
    seen.push(`tick ${tick}`);
    if (tick === 100) {
      clock.track(
        (async () => {
          await clock.sleep(150); // a back-off inside a batch
          seen.push(`batch 100 woke at ${clock.now()}`);
        })(),
      );
    }
  });
  await clock.advance(300);
  t.deepEqual(seen, ['tick 100', 'tick 200', 'batch 100 woke at 250', 'tick 300']);
});

test('a sleep started before the advance still fires only after the tracked work', async (t) => {
  const clock = new ManualClock();
  const seen: string[] = [];
  void clock.sleep(150).then(() => seen.push(`slept until ${clock.now()}`));
  let release: () => void = () => undefined;
  clock.timer(100, 100).subscribe((tick) => {
    if (tick !== 100) return;
    clock.track(new Promise<void>((resolve) => (release = resolve)).then(() => seen.push('work done')));
  });
  const advanced = clock.advance(200);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(seen, []);
  release();
  await advanced;
  t.deepEqual(seen, ['work done', 'slept until 150']);
});

test('tracked work blocked on a long sleep lets the advance reach its target, firing timers on the way', async (t) => {
  const clock = new ManualClock();
  const seen: string[] = [];
  clock.timer(100, 100).subscribe((tick) => {
    if (tick !== 100) return;
    const timeout = new Promise<string>((resolve) =>
      clock.timer(250, 250).subscribe(() => resolve(`timed out at ${clock.now()}`)),
    );
    const slow = clock.sleep(10_000).then(() => 'answered');
    clock.track(Promise.race([timeout, slow]).then((outcome) => seen.push(outcome)));
  });
  await clock.advance(300);
  t.deepEqual(seen, ['timed out at 250']);
  t.is(clock.now(), 300);
});
