/**
 * The event → statistics fold, pure, on recorded events: batch rows through their life, input
 * rates and averages, receivers' states, recent errors, retention limits; and a fold of the
 * events a real context on a ManualClock emitted.
 */
import test from 'ava';
import type { KindlingError } from '../../../lib/index.js';
import { BatchError, ManualClock, StreamingContext, type StreamingEvent } from '../../../lib/index.js';
import { StreamingStatistics } from '../../../outputs/dashboard/index.js';

const outputs = (batchTime: number, n: number, error?: KindlingError): StreamingEvent[] =>
  Array.from({ length: n }, (_, op): StreamingEvent[] => [
    { type: 'outputOperationStarted', batchTime, outputOperation: op, operator: `out${op}` },
    {
      type: 'outputOperationCompleted',
      batchTime,
      outputOperation: op,
      operator: `out${op}`,
      duration: 5,
      ...(error && op === n - 1 ? { error } : {}),
    },
  ]).flat();

/** A recorded run: a receiver, two good batches, a failed one, a restart, a stop. */
const failure = new BatchError('map#1', 3000, new Error('boom'));
const recorded: [number, StreamingEvent][] = [
  [0, { type: 'receiverStarted', receiver: 'socket 127.0.0.1:9999', streamId: 0 }],
  [2000, { type: 'batchSubmitted', batchTime: 2000, records: 30 }],
  [2010, { type: 'batchStarted', batchTime: 2000, schedulingDelay: 10 }],
  ...outputs(2000, 2).map((e): [number, StreamingEvent] => [2020, e]),
  [
    2050,
    {
      type: 'batchCompleted',
      batchTime: 2000,
      records: 30,
      deadLetters: 1,
      schedulingDelay: 10,
      processingDelay: 40,
      totalDelay: 50,
    },
  ],
  [2050, { type: 'rateUpdated', streamId: 0, rate: 120 }],
  [2050, { type: 'rateUpdated', streamId: 7, rate: 99 }], // a batch source: no receiver row
  [4000, { type: 'batchSubmitted', batchTime: 4000, records: 10 }],
  [4030, { type: 'batchStarted', batchTime: 4000, schedulingDelay: 30 }],
  [
    4100,
    {
      type: 'batchCompleted',
      batchTime: 4000,
      records: 10,
      deadLetters: 0,
      schedulingDelay: 30,
      processingDelay: 70,
      totalDelay: 100,
    },
  ],
  [
    4500,
    {
      type: 'receiverError',
      receiver: 'socket 127.0.0.1:9999',
      streamId: 0,
      message: 'reset',
      restartIn: 200,
    },
  ],
  [4700, { type: 'receiverStarted', receiver: 'socket 127.0.0.1:9999', streamId: 0 }],
  [5000, { type: 'connectorError', connector: 'kafka output', message: 'broker lost', retryIn: 100 }],
  [6000, { type: 'batchSubmitted', batchTime: 6000, records: 4 }],
  [6000, { type: 'batchStarted', batchTime: 6000, schedulingDelay: 0 }],
  ...outputs(6000, 2, failure).map((e): [number, StreamingEvent] => [6010, e]),
  [
    6020,
    {
      type: 'batchCompleted',
      batchTime: 6000,
      records: 4,
      deadLetters: 0,
      schedulingDelay: 0,
      processingDelay: 20,
      totalDelay: 20,
      error: failure,
    },
  ],
  [8000, { type: 'batchSubmitted', batchTime: 8000, records: 2 }],
  [
    8100,
    { type: 'receiverStopped', receiver: 'socket 127.0.0.1:9999', streamId: 0, reason: 'context stopped' },
  ],
  [8100, { type: 'contextStopped', error: failure }],
];

function fold(events: [number, StreamingEvent][], retainedBatches?: number): StreamingStatistics {
  const stats = new StreamingStatistics({
    name: 'job',
    batchInterval: 2000,
    ...(retainedBatches === undefined ? {} : { retainedBatches }),
  });
  for (const [now, event] of events) stats.apply(event, now);
  return stats;
}

test('batch rows follow each batch through its life, with input rates per second of batch interval', (t) => {
  const { batches } = fold(recorded).snapshot();
  t.deepEqual(
    batches.map((b) => [b.batchTime, b.status, b.records, b.inputRate, b.totalDelay]),
    [
      [2000, 'completed', 30, 15, 50],
      [4000, 'completed', 10, 5, 100],
      [6000, 'failed', 4, 2, 20],
      [8000, 'queued', 2, 1, null],
    ],
  );
  t.deepEqual(batches[0]?.outputOperations, { started: 2, succeeded: 2, failed: 0 });
  t.deepEqual(batches[2]?.outputOperations, { started: 2, succeeded: 1, failed: 1 });
  t.is(batches[2]?.error, "operator 'map#1' failed in the batch of time 3000: boom");
  t.is(batches[0]?.deadLetters, 1);
});

test('the summary counts and averages the retained completed batches, and says why the context stopped', (t) => {
  t.deepEqual(fold(recorded).summary(), {
    name: 'job',
    batchInterval: 2000,
    state: 'stopped',
    firstBatchTime: 2000,
    lastBatchTime: 8000,
    completedBatches: 2,
    failedBatches: 1,
    totalRecords: 44,
    totalDeadLetters: 1,
    averageInputRate: 10,
    averageSchedulingDelay: 20,
    averageProcessingDelay: 55,
    averageTotalDelay: 75,
    stopError: "operator 'map#1' failed in the batch of time 3000: boom",
  });
  const waiting = fold([]).summary();
  t.is(waiting.state, 'waiting');
  t.is(waiting.averageTotalDelay, null);
});

test('receivers go active, restarting, active again and stopped, keeping their last error and rate limit', (t) => {
  const steps = recorded.filter(([, e]) => e.type.startsWith('receiver') || e.type === 'rateUpdated');
  const stats = new StreamingStatistics({ name: 'job', batchInterval: 2000 });
  const states = steps.flatMap(([now, e]) =>
    stats.apply(e, now).flatMap((c) => (c.kind === 'receiver' ? [[c.receiver.state, c.receiver.since]] : [])),
  );
  t.deepEqual(states, [
    ['active', 0],
    ['active', 0],
    ['restarting', 4500],
    ['active', 4700],
    ['stopped', 8100],
  ]);
  t.deepEqual(stats.snapshot().receivers, [
    {
      streamId: 0,
      name: 'socket 127.0.0.1:9999',
      state: 'stopped',
      since: 8100,
      errors: 1,
      lastError: 'reset',
      lastErrorAt: 4500,
      restartIn: null,
      stopReason: 'context stopped',
      rateLimit: 120,
    },
  ]);
});

test('errors of every kind are kept, newest last; a failed batch changes its row and reports the error', (t) => {
  const at = recorded.findIndex(([, e]) => e.type === 'batchCompleted' && e.error);
  const [now, failed] = recorded[at] as [number, StreamingEvent];
  const changes = fold(recorded.slice(0, at)).apply(failed, now);
  t.deepEqual(
    changes.map((c) => c.kind),
    ['batch', 'reportedError'],
  );
  const all = fold(recorded).snapshot().errors;
  t.deepEqual(
    all.map((e) => [e.at, e.source, e.batchTime]),
    [
      [4500, 'receiver socket 127.0.0.1:9999', null],
      [5000, 'connector kafka output', null],
      [6020, 'batch', 6000],
    ],
  );
  const few = new StreamingStatistics({ name: 'job', batchInterval: 1000, retainedErrors: 2 });
  for (const n of [1, 2, 3]) few.apply({ type: 'connectorError', connector: 'c', message: `e${n}` }, n);
  t.deepEqual(
    few.snapshot().errors.map((e) => e.message),
    ['e2', 'e3'],
  );
});

test('only the newest retainedBatches rows are kept, and averages are over those', (t) => {
  const events: [number, StreamingEvent][] = [1, 2, 3, 4].map((n) => [
    n * 2000,
    {
      type: 'batchCompleted',
      batchTime: n * 2000,
      records: n,
      deadLetters: 0,
      schedulingDelay: 0,
      processingDelay: n * 10,
      totalDelay: n * 10,
    },
  ]);
  const stats = fold(events, 2);
  t.deepEqual(
    stats.snapshot().batches.map((b) => b.batchTime),
    [6000, 8000],
  );
  t.is(stats.summary().averageProcessingDelay, 35);
  t.is(stats.summary().completedBatches, 4, 'counts cover every batch');
  t.is(stats.summary().totalRecords, 10);
  const late = stats.apply(
    { type: 'outputOperationStarted', batchTime: 2000, outputOperation: 0, operator: 'o' },
    9,
  );
  t.like(late[0], { kind: 'batch', batch: { batchTime: 2000 } });
  t.deepEqual(
    stats.snapshot().batches.map((b) => b.batchTime),
    [6000, 8000],
    'a late event of a dropped batch is not kept',
  );
  t.is(stats.summary().lastBatchTime, 8000);
});

test('events recorded from a real context fold into one completed row per batch', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'recorded' });
  ssc.queueStream([[1, 2, 3], [], [4]]).foreachBatch(() => undefined);
  const events: [number, StreamingEvent][] = [];
  ssc.events.subscribe((e) => events.push([clock.now(), e]));
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();

  const stats = new StreamingStatistics({ name: 'recorded', batchInterval: 1000 });
  for (const [now, e] of events) stats.apply(e, now);
  const { summary, batches } = stats.snapshot();
  t.deepEqual(
    batches.map((b) => [b.batchTime, b.records, b.status, b.outputOperations.succeeded]),
    [
      [1000, 3, 'completed', 1],
      [2000, 0, 'completed', 1],
      [3000, 1, 'completed', 1],
    ],
  );
  t.is(summary.state, 'stopped');
  t.is(summary.totalRecords, 4);
  t.is(summary.stopError, null);
});
