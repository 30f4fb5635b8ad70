import test from 'ava';
import { Subject, defer, lastValueFrom, toArray } from 'rxjs';
import { collect, nextEvent, receiverLog, setup } from '../../receiver/harness.js';

test('fromObservable: values emitted before each tick land in that batch', async (t) => {
  const { clock, ssc } = setup();
  const source = new Subject<number>();
  const out = collect(ssc.fromObservable(source));
  await ssc.start();
  source.next(1);
  source.next(2);
  await clock.advance(1000);
  source.next(3);
  await clock.advance(500);
  source.next(4);
  await clock.advance(500);
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(out, [
    { time: 1000, records: [1, 2] },
    { time: 2000, records: [3, 4] },
    { time: 3000, records: [] },
  ]);
});

test('an observable error is reported and the receiver subscribes again after the back-off', async (t) => {
  const { clock, ssc, events } = setup();
  const subjects: Subject<string>[] = [];
  const source = defer(() => {
    const subject = new Subject<string>();
    subjects.push(subject);
    return subject;
  });
  const out = collect(ssc.fromObservable(source));
  await ssc.start();
  subjects[0]?.next('a');
  const failed = nextEvent(ssc, 'receiverError');
  subjects[0]?.error(new Error('feed broke'));
  const error = await failed;
  t.is(error.restartIn, 500);
  t.is(error.receiver, 'fromObservable');
  t.is((error.error as Error).message, 'feed broke');
  t.regex(error.message, /the observable failed \(feed broke\)/);
  t.is(subjects[0]?.observed, false, 'the failed subscription is released');
  await clock.advance(499);
  t.is(subjects.length, 1, 'not subscribed again before the back-off');
  await clock.advance(1);
  t.is(subjects.length, 2);
  subjects[1]?.next('b');
  await clock.advance(500);
  await ssc.stop();
  t.deepEqual(out, [{ time: 1000, records: ['a', 'b'] }]);
  t.deepEqual(receiverLog(events), ['started', 'error:500', 'started', 'stopped']);
});

test('a completed observable stops its receiver for good while the context runs on', async (t) => {
  const { clock, ssc, events } = setup();
  const source = new Subject<number>();
  const out = collect(ssc.fromObservable(source));
  await ssc.start();
  source.next(1);
  const stopped = nextEvent(ssc, 'receiverStopped');
  source.complete();
  t.is((await stopped).reason, 'the observable completed');
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records),
    [[1], []],
  );
  t.deepEqual(receiverLog(events), ['started', 'stopped']);
});

test('asObservable emits once per batch however many records the batch holds', async (t) => {
  const { clock, ssc } = setup();
  const source = new Subject<number>();
  const batches = lastValueFrom(
    ssc
      .fromObservable(source)
      .map((n) => n * 2)
      .asObservable()
      .pipe(toArray()),
  );
  await ssc.start();
  for (let i = 0; i < 10_000; i++) source.next(i);
  await clock.advance(1000);
  source.next(-1);
  await clock.advance(2000);
  await ssc.stop();
  const emitted = await batches;
  t.deepEqual(
    emitted.map((b) => [b.time, b.records.length]),
    [
      [1000, 10_000],
      [2000, 1],
      [3000, 0],
    ],
  );
  t.is(emitted[0]?.records[9_999], 19_998);
});

test('the event stream carries one event per batch, not per record', async (t) => {
  const { clock, ssc, events } = setup();
  const source = new Subject<number>();
  collect(ssc.fromObservable(source));
  await ssc.start();
  for (let i = 0; i < 10_000; i++) source.next(i);
  await clock.advance(1000);
  await ssc.stop();
  const submitted = events.filter((e) => e.type === 'batchSubmitted');
  t.deepEqual(submitted, [{ type: 'batchSubmitted', batchTime: 1000, records: 10_000 }]);
  t.true(events.length < 20);
});
