/**
 * The output contract on a ManualClock: the context opens an output at start, writes it once per
 * batch time, and `stop()` resolves only after its close, which comes after the last batch's
 * writes; a close that fails is reported and the stop still finishes.
 */
import test from 'ava';
import {
  ConfigurationError,
  KindlingError,
  ManualClock,
  StreamingContext,
  addContextOutput,
  addOutput,
  type Output,
  type StreamingEvent,
} from '../../lib/index.js';

/** An in-process output that records its calls; its close resolves when the test calls `release`. */
function heldOutput(name = 'held') {
  const log: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let closeCalled!: () => void;
  const closing = new Promise<void>((resolve) => (closeCalled = resolve));
  const output: Output<number> = {
    name,
    delivery: { guarantee: 'at-least-once', when: 'always: a batch run again is written again' },
    open: async () => void log.push('open'),
    write: async (records, time) => void log.push(`write ${time}: ${records.join(',')}`),
    close: async () => {
      log.push('close');
      closeCalled();
      await released;
      log.push('closed');
    },
  };
  return { output, log, release, closing };
}

function context() {
  const clock = new ManualClock();
  const warnings: string[] = [];
  const logger = {
    info: () => {},
    warn: (m: string) => warnings.push(m),
    error: (m: string) => warnings.push(m),
  };
  const ssc = new StreamingContext({ batchInterval: 1000, clock, logger });
  const events: StreamingEvent[] = [];
  ssc.events.subscribe((event) => events.push(event));
  return { clock, ssc, events, warnings };
}

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

test('stop() resolves only after the output has closed, which comes after the last batch is written', async (t) => {
  const { clock, ssc, events } = context();
  const { output, log, release, closing } = heldOutput();
  t.is(addOutput(ssc.queueStream([[1, 2], [3]]), output), output);
  await ssc.start();
  t.deepEqual(log, ['open']);
  await clock.advance(2000);
  let stopped = false;
  const stopping = ssc.stop({ graceful: true }).then(() => (stopped = true));
  await closing;
  await turns();
  t.false(stopped, 'stop() waits for the close');
  t.false(events.some((e) => e.type === 'contextStopped'));
  release();
  await stopping;
  t.true(stopped);
  t.deepEqual(log, ['open', 'write 1000: 1,2', 'write 2000: 3', 'close', 'closed']);
  t.is(events.at(-1)?.type, 'contextStopped');
});

test('a close that fails is reported on events and in the log, and the stop finishes; the other outputs close', async (t) => {
  const { clock, ssc, events, warnings } = context();
  const stream = ssc.queueStream([[1]]);
  const closed: string[] = [];
  addOutput(stream, {
    name: 'broken sink',
    delivery: { guarantee: 'at-most-once', when: 'always' },
    write: async () => {},
    close: async () => {
      throw new Error('connection reset while flushing');
    },
  });
  addOutput(stream, {
    name: 'good sink',
    delivery: { guarantee: 'exactly-once', when: 'always' },
    write: async () => {},
    close: async () => void closed.push('good sink'),
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(closed, ['good sink']);
  const reported = events.find((e) => e.type === 'connectorError');
  t.like(reported, {
    type: 'connectorError',
    connector: 'broken sink',
    message: "output 'broken sink' failed to close: connection reset while flushing",
  });
  t.true(reported?.type === 'connectorError' && reported.error instanceof KindlingError);
  t.deepEqual(warnings, ["output 'broken sink' failed to close: connection reset while flushing"]);
  t.is(events.at(-1)?.type, 'contextStopped');
  t.is(ssc.state, 'stopped');
});

test('an output that fails to open fails the start, naming it; the outputs are closed', async (t) => {
  const { ssc } = context();
  const { output, log, release } = heldOutput('first');
  release();
  addOutput(ssc.queueStream([[1]]), output);
  addOutput(ssc.queueStream([[1]]), {
    name: 'unreachable',
    delivery: { guarantee: 'at-least-once', when: 'always' },
    open: async () => {
      throw new Error('connection refused');
    },
    write: async () => {},
    close: async () => void log.push('close unreachable'),
  });
  const error = await t.throwsAsync(ssc.start());
  t.is(error?.message, "output 'unreachable' could not open: connection refused");
  t.deepEqual(log, ['open', 'close', 'close unreachable', 'closed']);
  t.is(ssc.state, 'stopped');
});

test('an output fed by the events closes after contextStopped, before stop() resolves', async (t) => {
  const { clock, ssc, events } = context();
  ssc.queueStream([[1]]).foreachBatch(() => {});
  const seen: string[] = [];
  addContextOutput(ssc, {
    name: 'board',
    delivery: { guarantee: 'at-most-once', when: 'always' },
    close: async () => void seen.push(`close after ${events.at(-1)?.type}`),
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(seen, ['close after contextStopped']);
  t.is(ssc.state, 'stopped');
});

test('a context stopped before it started closes its outputs, unopened; an output without write is refused', async (t) => {
  const { ssc } = context();
  const { output, log, release } = heldOutput();
  release();
  addOutput(ssc.queueStream([[1]]), output);
  await ssc.stop();
  t.deepEqual(log, ['close', 'closed']);
  t.throws(() => addOutput(ssc.queueStream([[1]]), {} as Output<number>), { instanceOf: ConfigurationError });
});
