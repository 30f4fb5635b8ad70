/**
 * The receiver contract through ssc.receiverStream with hand-written receivers: restarts with
 * back-off on the ManualClock, events in order, stop from the receiver, errors never dropped.
 */
import test from 'ava';
import { ConfigurationError, IllegalStateError, Receiver, ReceiverError } from '../../../lib/index.js';
import { collect, nextEvent, receiverLog, setup } from './harness.js';

/** A receiver that records its life and lets the test drive it. */
class ScriptedReceiver extends Receiver<string> {
  readonly log: string[] = [];
  starts = 0;

  constructor(
    private readonly onStarted: (self: ScriptedReceiver, start: number) => void = () => {},
    name = 'scripted',
  ) {
    super(name);
  }

  onStart(): void {
    this.starts++;
    this.log.push(`onStart ${this.starts}`);
    this.onStarted(this, this.starts);
    this.log.push(`onStart ${this.starts} returned`);
  }

  onStop(): void {
    this.log.push('onStop');
  }
}

test('a receiver that throws in onStart is restarted after the back-off', async (t) => {
  const { clock, ssc, events } = setup();
  const receiver = new ScriptedReceiver((self, start) => {
    if (start === 1) throw new Error('no connection yet');
    void self.store([`started ${start}`]);
  });
  const out = collect(ssc.receiverStream(receiver));
  const failed = nextEvent(ssc, 'receiverError');
  await ssc.start();
  const error = await failed;
  t.is(error.restartIn, 500);
  t.is(error.message, 'restarting: onStart() threw (no connection yet)');
  t.is((error.error as Error).message, 'no connection yet');
  await clock.advance(499);
  t.is(receiver.starts, 1);
  await clock.advance(501);
  await ssc.stop();
  t.deepEqual(out, [{ time: 1000, records: ['started 2'] }]);
  t.deepEqual(receiver.log, ['onStart 1', 'onStop', 'onStart 2', 'onStart 2 returned', 'onStop']);
  t.deepEqual(receiverLog(events), ['started', 'error:500', 'started', 'stopped']);
  t.deepEqual(
    events.map((e) => e.type).filter((type) => type.startsWith('receiver') || type === 'contextStopped'),
    ['receiverStarted', 'receiverError', 'receiverStarted', 'receiverStopped', 'contextStopped'],
  );
});

test('restart() backs off longer each time until the receiver stores again', async (t) => {
  const { clock, ssc, events } = setup();
  const receiver = new ScriptedReceiver();
  collect(ssc.receiverStream(receiver));
  await ssc.start();
  receiver.restart('source lost');
  await clock.advance(500);
  receiver.restart('source lost again');
  await clock.advance(999);
  t.is(receiver.starts, 2, 'the second back-off is 1000 ms');
  await clock.advance(1);
  t.is(receiver.starts, 3);
  await receiver.store(['ok']);
  receiver.restart('lost after some data');
  await clock.advance(500);
  t.is(receiver.starts, 4);
  await ssc.stop();
  t.deepEqual(receiverLog(events), [
    'started',
    'error:500',
    'started',
    'error:1000',
    'started',
    'error:500',
    'started',
    'stopped',
  ]);
  const messages = events.flatMap((e) => (e.type === 'receiverError' ? [e.message] : []));
  t.deepEqual(messages, [
    'restarting: source lost',
    'restarting: source lost again',
    'restarting: lost after some data',
  ]);
});

test('restart() from inside onStart calls onStop only after onStart has returned', async (t) => {
  const { clock, ssc, events } = setup();
  const receiver = new ScriptedReceiver((self, start) => {
    if (start === 1) self.restart('not ready');
  });
  collect(ssc.receiverStream(receiver));
  await ssc.start();
  await clock.advance(500);
  await ssc.stop();
  t.deepEqual(receiver.log, [
    'onStart 1',
    'onStart 1 returned',
    'onStop',
    'onStart 2',
    'onStart 2 returned',
    'onStop',
  ]);
  t.deepEqual(receiverLog(events), ['started', 'error:500', 'started', 'stopped']);
});

test('a second restart while one is under way is reported, not dropped, and restarts once', async (t) => {
  const { clock, ssc, events } = setup();
  const receiver = new ScriptedReceiver();
  collect(ssc.receiverStream(receiver));
  await ssc.start();
  receiver.restart('first');
  receiver.restart('second', new Error('also broken'));
  await clock.advance(2000);
  await ssc.stop();
  t.is(receiver.starts, 2);
  t.deepEqual(receiverLog(events), ['started', 'error:500', 'error', 'started', 'stopped']);
  const second = events.find((e) => e.type === 'receiverError' && e.restartIn === undefined);
  t.like(second, { message: 'second (the receiver is already restarting)' });
});

test('stop() from the receiver stops it for good; the context runs on', async (t) => {
  const { clock, ssc, events } = setup();
  const receiver = new ScriptedReceiver();
  const out = collect(ssc.receiverStream(receiver));
  await ssc.start();
  await receiver.store(['last']);
  const stopped = nextEvent(ssc, 'receiverStopped');
  receiver.stop('source exhausted');
  t.like(await stopped, { receiver: 'scripted', reason: 'source exhausted' });
  t.true(receiver.isStopped());
  const refused = await t.throwsAsync(receiver.store(['too late']), { instanceOf: ReceiverError });
  t.regex(refused?.message ?? '', /store\(\) refused 1 records: the receiver has stopped/);
  receiver.restart('ignored once stopped');
  await clock.advance(5000);
  await ssc.stop();
  t.is(receiver.starts, 1);
  t.deepEqual(
    out.map((b) => b.records),
    [['last'], [], [], [], []],
  );
  t.deepEqual(receiverLog(events), ['started', 'stopped']);
  t.deepEqual(receiver.log, ['onStart 1', 'onStart 1 returned', 'onStop']);
});

test('stop(reason, error) and reportError are reported on the event stream', async (t) => {
  const { ssc, events } = setup();
  const receiver = new ScriptedReceiver();
  collect(ssc.receiverStream(receiver));
  await ssc.start();
  receiver.reportError('one bad message skipped', new Error('bad json'));
  t.false(receiver.isStopped(), 'reportError does not stop');
  const stopped = nextEvent(ssc, 'receiverStopped');
  receiver.stop('credentials revoked', new Error('401'));
  await stopped;
  await ssc.stop();
  const errors = events.filter((e) => e.type === 'receiverError');
  t.like(errors, [
    { message: 'one bad message skipped', error: new Error('bad json') },
    { message: 'stopping: credentials revoked (401)' },
  ]);
  t.deepEqual(receiverLog(events), ['started', 'error', 'error', 'stopped']);
});

test('an onStop that throws is reported', async (t) => {
  const { ssc, events } = setup();
  class Leaky extends ScriptedReceiver {
    override onStop(): void {
      throw new Error('close failed');
    }
  }
  collect(ssc.receiverStream(new Leaky()));
  await ssc.start();
  await ssc.stop();
  t.like(
    events.find((e) => e.type === 'receiverError'),
    { message: 'onStop() threw (close failed)' },
  );
  t.deepEqual(receiverLog(events), ['started', 'error', 'stopped']);
});

test('an async onStart that rejects is reported and restarted', async (t) => {
  const { clock, ssc, events } = setup();
  let starts = 0;
  class AsyncStart extends Receiver<number> {
    override onStart(): void {
      starts++;
      if (starts === 1)
        void Promise.reject(new Error('late failure')).catch((e: unknown) => this.restart('async', e));
    }
    override onStop(): void {}
  }
  class ReturnsPromise extends Receiver<number> {
    override onStart(): void {
      return Promise.reject(new Error('rejected onStart')) as unknown as void;
    }
    override onStop(): void {}
  }
  collect(ssc.receiverStream(new AsyncStart('async')));
  collect(ssc.receiverStream(new ReturnsPromise('promise')));
  const failed = nextEvent(ssc, 'receiverError', (e) => e.receiver === 'promise');
  await ssc.start();
  t.like(await failed, { message: 'restarting: onStart() failed (rejected onStart)', restartIn: 500 });
  await clock.advance(500);
  await ssc.stop();
  t.is(starts, 2);
  t.true(events.some((e) => e.type === 'receiverError' && e.receiver === 'async' && e.restartIn === 500));
});

test('a receiver object serves one stream: giving it to a second stream fails at once', (t) => {
  const { ssc } = setup();
  const receiver = new ScriptedReceiver();
  ssc.receiverStream(receiver);
  t.throws(() => ssc.receiverStream(receiver), {
    instanceOf: ConfigurationError,
    message: /receiver 'scripted' is already the source of another stream/,
  });
});

test('calling store() on a receiver that was never started fails with a message that says why', (t) => {
  const receiver = new ScriptedReceiver();
  t.throws(() => receiver.store(['x']), {
    instanceOf: IllegalStateError,
    message: /called store\(\) before it was started; pass it to ssc.receiverStream\(\)/,
  });
  t.true(receiver.isStopped());
});

test('stopping the context stops its receivers and ends waits on stored records', async (t) => {
  const { ssc, events } = setup();
  const a = new ScriptedReceiver(undefined, 'a');
  const b = new ScriptedReceiver(undefined, 'b');
  collect(ssc.receiverStream(a));
  const streamB = ssc.receiverStream(b);
  collect(streamB);
  await ssc.start();
  const waiting = (streamB.node as unknown as { whenStored(n: number): Promise<void> }).whenStored(1);
  await ssc.stop();
  await t.throwsAsync(waiting, { message: /only 0 of 1 records were stored/ });
  t.deepEqual(a.log.at(-1), 'onStop');
  t.deepEqual(b.log.at(-1), 'onStop');
  t.is(events.filter((e) => e.type === 'receiverStopped').length, 2);
});

test('records in no batch when the context stops without graceful are reported', async (t) => {
  const { clock, ssc, events } = setup();
  const receiver = new ScriptedReceiver();
  const out = collect(ssc.receiverStream(receiver));
  await ssc.start();
  await receiver.store(['in a batch']);
  await clock.advance(1000);
  await receiver.store(['x', 'y']);
  await ssc.stop();
  t.deepEqual(out, [{ time: 1000, records: ['in a batch'] }]);
  t.like(
    events.find((e) => e.type === 'receiverError'),
    { message: '2 received records are in no batch: the context stopped without { graceful: true }' },
  );
});
