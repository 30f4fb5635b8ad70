/**
 * A failed batch is not remembered: whatever reads it later (a window over it, the next state)
 * computes it again, as Spark recomputes a failed RDD, so a transient failure heals. An input's
 * batch is read once: its failure is remembered. With `onBatchError: 'continue'` (Spark's), so
 * that the batches after a failed one run.
 */
import test from 'ava';
import { BatchError, ManualClock, StreamingContext } from '../../../lib/index.js';

function context() {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, onBatchError: 'continue' });
  const failed: number[] = [];
  ssc.events.subscribe((e) => {
    if (e.type === 'batchCompleted' && e.error) failed.push(e.batchTime);
  });
  return { clock, ssc, failed };
}

/** A function of `x` that throws the first time it sees `flaky`, and is the identity otherwise. */
function failingOnce(flaky: number): { f: (x: number) => number; calls: number[] } {
  const calls: number[] = [];
  let failed = false;
  const f = (x: number): number => {
    calls.push(x);
    if (x === flaky && !failed) {
      failed = true;
      throw new Error(`transient failure on ${x}`);
    }
    return x;
  };
  return { f, calls };
}

test('a window over a batch that failed for a transient reason computes that batch again', async (t) => {
  const { clock, ssc, failed } = context();
  const { f, calls } = failingOnce(2);
  const windows: [number, number[]][] = [];
  ssc
    .queueStream([[1], [2], [3], [4]])
    .map(f)
    .window(2000, 1000)
    .foreachBatch((records, time) => {
      windows.push([time, [...records].sort()]);
    });
  await ssc.start();
  await clock.advance(4000);
  await ssc.stop();
  await t.throwsAsync(ssc.awaitTermination(), { message: /transient failure on 2/ });
  t.deepEqual(failed, [2000]);
  t.deepEqual(windows, [
    [1000, [1]],
    [3000, [2, 3]],
    [4000, [3, 4]],
  ]);
  t.deepEqual(
    calls,
    [1, 2, 2, 3, 4],
    'the batch of 2000 was computed again for the window of 3000, and only then',
  );
});

test('the outputs of a failed batch share its failure; a later batch that reads it computes it again', async (t) => {
  const { clock, ssc, failed } = context();
  const times: number[] = [];
  let thrown = false;
  const parsed = ssc.queueStream([[1], [2], [3]]).transform((records, time) => {
    times.push(time);
    if (time === 2000 && !thrown) {
      thrown = true;
      throw new Error('parser not ready');
    }
    return records;
  });
  const outputs: string[] = [];
  parsed.foreachBatch((records, time) => void outputs.push(`first ${time}: ${records.join()}`));
  parsed.foreachBatch((records, time) => void outputs.push(`second ${time}: ${records.join()}`));
  parsed
    .window(2000, 1000)
    .foreachBatch((records, time) => void outputs.push(`window ${time}: ${records.join()}`));
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  await t.throwsAsync(ssc.awaitTermination(), { message: /parser not ready/ });
  t.deepEqual(failed, [2000]);
  t.deepEqual(
    times,
    [1000, 2000, 3000, 2000],
    'computed once for the batch of 2000, again for the window of 3000',
  );
  t.deepEqual(outputs, [
    'first 1000: 1',
    'second 1000: 1',
    'window 1000: 1',
    'first 3000: 3',
    'second 3000: 3',
    'window 3000: 2,3',
  ]);
});

test('state after a failed batch is computed from the state before it, with the failed batch again', async (t) => {
  const { clock, ssc, failed } = context();
  let thrown = false;
  const counts: [number, [string, number][]][] = [];
  ssc
    .queueStream([['a'], ['a', 'b'], ['a'], []])
    .map((w): [string, number] => [w, 1])
    .updateStateByKey((ones: number[], n: number | undefined, _key, time) => {
      if (time === 2000 && !thrown) {
        thrown = true;
        throw new Error('state store unavailable');
      }
      return (n ?? 0) + ones.length;
    })
    .foreachBatch((records, time) => {
      counts.push([time, [...records].sort()]);
    });
  await ssc.start();
  await clock.advance(4000);
  await ssc.stop();
  await t.throwsAsync(ssc.awaitTermination(), { message: /state store unavailable/ });
  t.deepEqual(failed, [2000]);
  t.deepEqual(counts, [
    [1000, [['a', 1]]],
    [
      3000,
      [
        ['a', 3],
        ['b', 1],
      ],
    ],
    [
      4000,
      [
        ['a', 3],
        ['b', 1],
      ],
    ],
  ]);
});

test('an input batch that failed is read once: a window over it fails again rather than read other records', async (t) => {
  const { clock, ssc, failed } = context();
  let reads = 0;
  const source = {
    name: 'flaky',
    plan: (time: number) => [time],
    replan: () => undefined,
    read: async (time: number) => {
      reads++;
      if (time === 2000 && reads === 2) throw new Error('read timed out');
      return [time];
    },
  };
  const windows: number[] = [];
  ssc
    .sourceStream(source)
    .window(2000, 1000)
    .foreachBatch((_records, time) => {
      windows.push(time);
    });
  await ssc.start();
  await clock.advance(4000);
  await ssc.stop();
  const error = await t.throwsAsync(ssc.awaitTermination(), { instanceOf: BatchError });
  t.like(error, { operator: 'sourceStream', batchTime: 2000 });
  t.regex(error.message, /read timed out/);
  t.deepEqual(
    failed,
    [3000],
    'the batch of 2000 failed as it was generated; the window of 3000 failed with it',
  );
  t.deepEqual(windows, [1000, 4000]);
  t.is(reads, 4, 'each batch time was read once');
});
