import test from 'ava';
import { collect, setup } from '../../receiver/harness.js';

test('queueStream gives the n-th queued batch to the n-th batch time, then empty batches', async (t) => {
  const { clock, ssc } = setup();
  const out = collect(ssc.queueStream([[1, 2], [3], [4, 5, 6]]));
  await ssc.start();
  await clock.advance(4000);
  await ssc.stop();
  t.deepEqual(out, [
    { time: 1000, records: [1, 2] },
    { time: 2000, records: [3] },
    { time: 3000, records: [4, 5, 6] },
    { time: 4000, records: [] },
  ]);
});

test('queueStream with oneAtATime false takes everything queued so far in one batch', async (t) => {
  const { clock, ssc } = setup();
  const queue = [[1, 2], [3]];
  const out = collect(ssc.queueStream(queue, { oneAtATime: false }));
  await ssc.start();
  await clock.advance(1000);
  queue.push([4], [5, 6]);
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(out, [
    { time: 1000, records: [1, 2, 3] },
    { time: 2000, records: [4, 5, 6] },
    { time: 3000, records: [] },
  ]);
});

test('queueStream gives defaultBatch once the queue is empty', async (t) => {
  const { clock, ssc } = setup();
  const out = collect(ssc.queueStream([['a']], { defaultBatch: ['default'] }));
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records),
    [['a'], ['default'], ['default']],
  );
});

test('queueStream with oneAtATime false also falls back to defaultBatch', async (t) => {
  const { clock, ssc } = setup();
  const out = collect(ssc.queueStream([[1], [2]], { oneAtATime: false, defaultBatch: [0] }));
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records),
    [[1, 2], [0]],
  );
});

test('batches pushed onto the queue after start are taken by the following batch times, in order', async (t) => {
  const { clock, ssc } = setup();
  const queue: string[][] = [];
  const out = collect(ssc.queueStream(queue));
  await ssc.start();
  await clock.advance(1000);
  queue.push(['x'], ['y']);
  await clock.advance(1000);
  queue.push(['z']);
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records),
    [[], ['x'], ['y'], ['z']],
  );
  t.deepEqual(queue, [], 'taken batches leave the queue');
});

test('a queued batch is copied: changing it after it was taken does not change the batch', async (t) => {
  const { clock, ssc } = setup();
  const batch = [1, 2];
  const out = collect(ssc.queueStream([batch]));
  await ssc.start();
  await clock.advance(1000);
  batch.push(3);
  await ssc.stop();
  t.deepEqual(out, [{ time: 1000, records: [1, 2] }]);
});

test('every queue is materialised at every batch time, even where no output reads it', async (t) => {
  const { clock, ssc } = setup();
  const unread = [[1], [2], [3]];
  ssc.queueStream(unread);
  collect(ssc.queueStream([['read']]));
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(unread, [[3]]);
});
