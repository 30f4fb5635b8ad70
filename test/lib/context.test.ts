import test from 'ava';
import { Subject, filter, firstValueFrom, toArray } from 'rxjs';
import {
  BatchError,
  ConfigurationError,
  IllegalStateError,
  ManualClock,
  StreamingContext,
  type StreamingEvent,
} from '../../lib/index.js';

function context(options: { onBatchError?: 'stop' | 'continue'; name?: string } = {}) {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, ...options });
  return { clock, ssc };
}

test('start without an output operation fails and says how to fix it', async (t) => {
  const { ssc } = context();
  ssc.queueStream([[1]]).map((x) => x + 1);
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.regex(error.message, /no output operation/);
  t.regex(error.message, /foreachBatch\(\)/);
});

test('a batch interval that is not a positive whole number fails at construction', (t) => {
  t.throws(() => new StreamingContext({ batchInterval: 0 }), {
    instanceOf: ConfigurationError,
    message: /seconds\(1\)/,
  });
  t.throws(() => new StreamingContext({ batchInterval: 1.5 }), { instanceOf: ConfigurationError });
});

test('a checkpoint interval that is not a multiple of the slide fails at start', async (t) => {
  const { ssc } = context();
  ssc
    .queueStream([[1]])
    .map((x) => x)
    .checkpoint(1500)
    .foreachBatch(() => {});
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.regex(error.message, /checkpoint interval 1500 ms of '.*' is not a multiple of its slide 1000 ms/);
});

test('a checkpoint interval that is not a multiple of the batch interval fails at construction', (t) => {
  t.throws(
    () => new StreamingContext({ batchInterval: 1000, checkpointDir: 'ckpt', checkpointInterval: 1500 }),
    {
      instanceOf: ConfigurationError,
      message: /checkpointInterval 1500 ms is not a multiple of the batch interval 1000 ms/,
    },
  );
});

test('combining streams of two contexts fails and names both contexts', (t) => {
  const a = context({ name: 'first' }).ssc.queueStream<number>([]);
  const b = context({ name: 'second' }).ssc.queueStream<number>([]);
  const error = t.throws(() => a.union(b), { instanceOf: ConfigurationError });
  t.regex(error.message, /belongs to context 'second', not 'first'/);
  t.throws(() => a.transformWith(b, (x) => x), { instanceOf: ConfigurationError });
});

test('starting twice, or again after stop, fails', async (t) => {
  const { ssc } = context();
  ssc.queueStream([[1]]).foreachBatch(() => {});
  await ssc.start();
  await t.throwsAsync(ssc.start(), { instanceOf: IllegalStateError, message: /already been started/ });
  await ssc.stop();
  await t.throwsAsync(ssc.start(), {
    instanceOf: IllegalStateError,
    message: /create a new StreamingContext/,
  });
});

test('adding operators, inputs or outputs after start fails', async (t) => {
  const { ssc } = context();
  const stream = ssc.queueStream([[1]]);
  stream.foreachBatch(() => {});
  await ssc.start();
  t.throws(() => stream.map((x) => x), { instanceOf: IllegalStateError, message: /after it has started/ });
  t.throws(() => stream.foreachBatch(() => {}), { instanceOf: IllegalStateError });
  t.throws(() => ssc.queueStream([[2]]), { instanceOf: IllegalStateError });
  await ssc.stop();
});

test('operator names are unique; default names come from the place in the graph', (t) => {
  const { ssc } = context();
  const source = ssc.queueStream<string>([]);
  const words = source.flatMap((l) => l.split(' '));
  const lengths = source.map((l) => l.length);
  const twice = source.map((l) => l);
  t.is(words.operatorName, 'queueStream/flatMap');
  t.is(lengths.operatorName, 'queueStream/map');
  t.is(twice.operatorName, 'queueStream/map#2');
  words.name('words');
  t.is(words.map((w) => w).operatorName, 'words/map');
  t.throws(() => lengths.name('words'), {
    instanceOf: ConfigurationError,
    message: /'words' is already used/,
  });
});

test('a throwing user function fails its batch with the operator and time, then the context stops', async (t) => {
  const { clock, ssc } = context();
  const seen: number[] = [];
  ssc
    .queueStream([[1], [2], [3]])
    .map((x) => {
      if (x === 2) throw new Error('two is not allowed');
      return x;
    })
    .name('parse')
    .foreachBatch((records) => {
      seen.push(...records);
    });
  const events = firstValueFrom(ssc.events.pipe(toArray()));
  await ssc.start();
  await clock.advance(3000);
  const error = await t.throwsAsync(ssc.awaitTermination(), { instanceOf: BatchError });
  t.is(error.operator, 'parse');
  t.is(error.batchTime, 2000);
  t.regex(error.message, /operator 'parse' failed in the batch of time 2000: two is not allowed/);
  t.deepEqual(seen, [1]);
  t.is(ssc.state, 'stopped');
  const all = await events;
  const failed = all.find(
    (e): e is Extract<StreamingEvent, { type: 'outputOperationCompleted' }> =>
      e.type === 'outputOperationCompleted' && e.error !== undefined,
  );
  t.is(failed?.batchTime, 2000);
  t.is(all.at(-1)?.type, 'contextStopped');
  t.false(all.some((e) => e.type === 'batchStarted' && e.batchTime === 3000));
});

test("onBatchError: 'continue' (Spark's) runs the batches after a failed one; awaitTermination rejects with the first error", async (t) => {
  const { clock, ssc } = context({ onBatchError: 'continue' });
  const seen: number[] = [];
  const failures: number[] = [];
  const stopped = firstValueFrom(ssc.events.pipe(filter((e) => e.type === 'contextStopped')));
  ssc.events.subscribe((e) => {
    if (e.type === 'batchCompleted' && e.error) failures.push(e.batchTime);
  });
  ssc.queueStream([[1], [2], [3], [4]]).foreachBatch((records) => {
    if (records[0] === 2) return Promise.reject(new Error('async failure'));
    if (records[0] === 3) throw new Error('second failure');
    seen.push(...records);
  });
  await ssc.start();
  const terminated = ssc.awaitTermination();
  await clock.advance(2000);
  const first = await t.throwsAsync(terminated, { instanceOf: BatchError });
  t.is(first.batchTime, 2000);
  t.is(ssc.state, 'active', 'the context runs on: the program decides to stop');
  await clock.advance(2000);
  t.deepEqual(seen, [1, 4]);
  t.deepEqual(failures, [2000, 3000]);
  const again = await t.throwsAsync(ssc.awaitTermination(), { instanceOf: BatchError });
  t.is(again, first, 'every later wait rejects with the first error');
  await ssc.stop();
  t.is(await t.throwsAsync(ssc.awaitTermination()), first);
  t.deepEqual(await stopped, { type: 'contextStopped' }, 'no batch stopped the context');
});

test('events describe each batch in order, with records and delays from the clock', async (t) => {
  const { clock, ssc } = context();
  const stream = ssc.queueStream([[1, 2, 3]]);
  stream.foreachBatch(() => {});
  stream.count().foreachBatch(() => {});
  const events = firstValueFrom(ssc.events.pipe(toArray()));
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  const types = (await events).map((e) => ('batchTime' in e ? `${e.type}@${e.batchTime}` : e.type));
  t.deepEqual(types, [
    'batchSubmitted@1000',
    'batchStarted@1000',
    'outputOperationStarted@1000',
    'outputOperationCompleted@1000',
    'outputOperationStarted@1000',
    'outputOperationCompleted@1000',
    'batchCompleted@1000',
    'contextStopped',
  ]);
  const completed = (await events).find((e) => e.type === 'batchCompleted');
  t.like(completed, { records: 3, schedulingDelay: 0, processingDelay: 0, totalDelay: 0 });
});

test('scheduling delay grows when batches queue up behind a slow one', async (t) => {
  const { clock, ssc } = context();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  ssc.queueStream([[1], [2], [3]]).foreachBatch(async (records) => {
    if (records[0] === 1) await gate;
  });
  const completed = firstValueFrom(
    ssc.events.pipe(
      filter((e) => e.type === 'batchCompleted'),
      toArray(),
    ),
  );
  await ssc.start();
  const advancing = clock.advance(3000, { waitEachStep: false });
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await advancing;
  await ssc.stop();
  const delays = (await completed).map((e) => (e.type === 'batchCompleted' ? e.schedulingDelay : -1));
  t.deepEqual(delays, [2000, 1000, 0]);
});

for (const graceful of [true, false]) {
  test(`stop({ graceful: ${graceful} }) ${graceful ? 'drains' : 'drops'} the queued batches`, async (t) => {
    const { clock, ssc } = context();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const processed: number[] = [];
    ssc.queueStream([[1], [2], [3]]).foreachBatch(async (_records, time) => {
      if (time === 1000) await gate;
      processed.push(time);
    });
    const firstStarted = firstValueFrom(ssc.events.pipe(filter((e) => e.type === 'batchStarted')));
    await ssc.start();
    const advancing = clock.advance(3000, { waitEachStep: false });
    await firstStarted;
    const stopping = ssc.stop({ graceful });
    release();
    await stopping;
    await advancing;
    t.deepEqual(processed, graceful ? [1000, 2000, 3000] : [1000]);
    t.is(ssc.state, 'stopped');
  });
}

test('awaitTerminationOrTimeout says whether the context stopped', async (t) => {
  const { ssc } = context();
  ssc.queueStream([[1]]).foreachBatch(() => {});
  await ssc.start();
  t.false(await ssc.awaitTerminationOrTimeout(5));
  await ssc.stop();
  t.true(await ssc.awaitTerminationOrTimeout(5));
});

test('progress prints one line per batch', async (t) => {
  const lines: string[] = [];
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    name: 'job',
    progress: (l) => lines.push(l),
  });
  ssc.queueStream([[1, 2]]).foreachBatch(() => {});
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.is(lines.length, 2);
  t.regex(lines[0] ?? '', /^\[job\] batch 00:00:01\.000 records=2 scheduling=0ms processing=0ms total=0ms$/);
});

test('a start that fails in an input stops the inputs already started and leaves the context stopped', async (t) => {
  const { ssc } = context();
  const subject = new Subject<number>();
  ssc.fromObservable(subject).foreachBatch(() => {});
  ssc.textFileStream('/nonexistent/kindling-input').foreachBatch(() => {});
  const events: string[] = [];
  ssc.events.subscribe((e) => events.push(e.type));
  await t.throwsAsync(ssc.start(), {
    instanceOf: ConfigurationError,
    message: /does not exist|not a directory/,
  });
  t.is(ssc.state, 'stopped');
  t.false(subject.observed, 'the observable receiver was unsubscribed');
  t.deepEqual(events, ['receiverStarted', 'receiverStopped', 'contextStopped']);
});
