import test from 'ava';
import { BatchError } from '../../lib/index.js';
import { ContextWaiter } from '../../lib/context-waiter.js';

const first = new BatchError('parse', 2000, new Error('bad line'));
const second = new BatchError('save', 3000, new Error('disk full'));

/** 'pending', 'resolved', or the rejection's batch time, once the microtasks so far have run. */
async function outcome(wait: Promise<unknown>): Promise<string> {
  let result = 'pending';
  wait.then(
    () => (result = 'resolved'),
    (error: BatchError) => (result = `rejected ${error.batchTime}`),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

test("Spark's waiter (wake on error) rejects at the first error while the context runs, and on every later wait", async (t) => {
  const waiter = new ContextWaiter(true);
  const waiting = waiter.waitForStopOrError();
  t.is(await outcome(waiting), 'pending');
  waiter.notifyError(first, false);
  waiter.notifyError(second, false);
  t.is(await outcome(waiting), 'rejected 2000');
  t.is(await outcome(waiter.waitForStopOrError()), 'rejected 2000');
  t.is(waiter.stopError, undefined, 'no error stopped the context');
  waiter.notifyStop();
  t.is(await outcome(waiter.waitForStopOrError()), 'rejected 2000');
});

test('the default waiter rejects with the error that stopped the context, once it has stopped', async (t) => {
  const waiter = new ContextWaiter(false);
  const waiting = waiter.waitForStopOrError();
  waiter.notifyError(first, true);
  t.is(await outcome(waiting), 'pending', 'the context is still stopping');
  waiter.notifyStop();
  t.is(await outcome(waiting), 'rejected 2000');
  t.is(waiter.stopError, first);
});

test('a context stopped with no failed batch resolves every wait', async (t) => {
  const waiter = new ContextWaiter(true);
  const waiting = waiter.waitForStopOrError();
  waiter.notifyStop();
  t.is(await outcome(waiting), 'resolved');
  t.true(await waiter.waitOrTimeout(5));
});
