/**
 * The validation errors of a context's options and graph not covered in context.test.ts: each is
 * a ConfigurationError that says what is wrong and how to fix it, raised when the job is built or
 * started, never in the middle of a batch.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import {
  ConfigurationError,
  DirectoryCheckpointStore,
  ManualClock,
  StreamingContext,
} from '../../lib/index.js';

function context(): StreamingContext {
  return new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'validation' });
}

test('a block interval that is not positive fails at construction', (t) => {
  for (const blockInterval of [0, -200]) {
    t.throws(() => new StreamingContext({ batchInterval: 1000, blockInterval }), {
      instanceOf: ConfigurationError,
      message: new RegExp(`blockInterval must be a positive number of ms, got ${blockInterval}`),
    });
  }
});

test('checkpointDir and checkpointStore together fail at construction', (t) => {
  t.throws(
    () =>
      new StreamingContext({
        batchInterval: 1000,
        checkpointDir: 'a',
        checkpointStore: new DirectoryCheckpointStore('b'),
      }),
    { instanceOf: ConfigurationError, message: /either checkpointDir or checkpointStore, not both/ },
  );
});

test('a write-ahead log without checkpointDir fails at start and says why it needs one', async (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), writeAheadLog: true });
  ssc.fromObservable<number>(new Subject<number>()).foreachBatch(() => undefined);
  await t.throwsAsync(ssc.start(), {
    instanceOf: ConfigurationError,
    message: /writeAheadLog needs checkpointDir: the log lives beside the checkpoints/,
  });
  t.is(ssc.state, 'stopped');
});

test('a write-ahead log with checkpointDir starts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-validation-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock: new ManualClock(),
    checkpointDir: dir,
    writeAheadLog: true,
  });
  ssc.fromObservable<number>(new Subject<number>()).foreachBatch(() => undefined);
  await t.notThrowsAsync(ssc.start());
  await ssc.stop();
});

test('a checkpoint directory that cannot be written fails at start, saying so and naming the option', async (t) => {
  // /sys refuses new entries to every user on Linux (EPERM for root, who may write anywhere else).
  const dir = '/sys/kindling-unwritable/checkpoints';
  if (process.platform !== 'linux') return t.pass('a Linux-only check');
  for (const writeAheadLog of [false, true]) {
    const ssc = new StreamingContext({
      batchInterval: 1000,
      clock: new ManualClock(),
      checkpointDir: dir,
      writeAheadLog,
    });
    ssc.fromObservable<number>(new Subject<number>()).foreachBatch(() => undefined);
    const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
    t.regex(error.message, /permission denied|read-only/);
    t.regex(error.message, /give checkpointDir a directory this process can write/);
    if (writeAheadLog) t.regex(error.message, /write-ahead log .* turn writeAheadLog off/);
    t.is(ssc.state, 'stopped');
  }
});

test('ssc.union() of no stream fails when it is built', (t) => {
  t.throws(() => context().union(), { instanceOf: ConfigurationError, message: /at least one stream/ });
});

test('a union of streams that slide differently fails at start, naming both slides', async (t) => {
  const ssc = context();
  const input = ssc.queueStream<number>([]);
  input
    .window(2000, 2000)
    .union(input)
    .name('both')
    .foreachBatch(() => undefined);
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.regex(error.message, /union 'both': its streams slide at different intervals/);
  t.regex(error.message, /2000 ms.*1000 ms/);
  t.regex(error.message, /window them alike first/);
});

test('an empty operator name fails when it is given', (t) => {
  const stream = context().queueStream<number>([]);
  t.throws(() => stream.map((x) => x).name(''), {
    instanceOf: ConfigurationError,
    message: /an operator name must not be empty \(renaming 'queueStream\/map'\)/,
  });
});

test('checkpoint(interval) with an interval that is not positive fails when it is built', (t) => {
  const stream = context()
    .queueStream<number>([])
    .map((x) => x);
  for (const interval of [0, -1000]) {
    t.throws(() => stream.checkpoint(interval), {
      instanceOf: ConfigurationError,
      message: new RegExp(`checkpoint\\(${interval}\\) on 'queueStream/map': the interval must be > 0 ms`),
    });
  }
});
