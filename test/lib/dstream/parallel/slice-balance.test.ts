/**
 * SliceBalance: how a stage run one slice per thread cuts its batches between the workers and
 * the main thread, from the costs it saw in the stage's earlier batches.
 */
import test from 'ava';
import { SliceBalance, type SliceTiming } from '../../../../lib/dstream/parallel/slice-balance.js';

/** One batch cut as `balance` says, each side taking `workerMs` / `mainMs` per 1000 records. */
function batch(
  balance: SliceBalance,
  total: number,
  workers: number,
  workerMs: number,
  mainMs: number,
): number[] {
  const offsets = balance.offsets(total, workers);
  const sizes = offsets.map((start, i) => (offsets[i + 1] ?? total) - start);
  const timed = (records: number, perThousand: number): SliceTiming => ({
    records,
    ms: (records * perThousand) / 1000,
  });
  balance.observe(
    timed(sizes[workers] as number, mainMs),
    sizes.slice(0, workers).map((records) => timed(records, workerMs)),
  );
  return sizes;
}

test('a new balance cuts even slices, the main thread last', (t) => {
  const balance = new SliceBalance();
  t.deepEqual(balance.offsets(10_000, 1), [0, 5000]);
  t.deepEqual(balance.offsets(9000, 2), [0, 3000, 6000]);
  t.is(balance.workerCostRatio, 1);
});

test('a worker twice as slow per record gets a third of the batch, and the sides then end together', (t) => {
  const balance = new SliceBalance();
  let sizes: number[] = [];
  for (let n = 0; n < 12; n++) sizes = batch(balance, 30_000, 1, 2, 1);
  t.true(Math.abs((sizes[0] as number) - 10_000) < 100, `worker slice ${sizes[0]}`);
  const [worker, main] = sizes as [number, number];
  t.true(Math.abs(worker * 2 - main) / main < 0.02, `worker ${worker} × 2 against main ${main}`);
});

test('a slower main thread gives the workers more, each the same share', (t) => {
  const balance = new SliceBalance();
  let sizes: number[] = [];
  for (let n = 0; n < 12; n++) sizes = batch(balance, 50_000, 2, 1, 3);
  const [a, b, main] = sizes as [number, number, number];
  t.is(a, b);
  t.true(Math.abs(a - 3 * main) / a < 0.02, `workers ${a}, main ${main}`);
  t.is(a + b + main, 50_000);
});

test('one odd batch moves the cut half-way, not all the way', (t) => {
  const balance = new SliceBalance();
  balance.observe({ records: 5000, ms: 10 }, [{ records: 5000, ms: 40 }]);
  t.is(Math.round(balance.workerCostRatio * 100), 200);
});

test('the ratio is held within 4 either way, however lopsided a batch', (t) => {
  const slow = new SliceBalance();
  for (let n = 0; n < 40; n++) slow.observe({ records: 5000, ms: 1 }, [{ records: 5000, ms: 10_000 }]);
  t.true(slow.workerCostRatio <= 4 && slow.workerCostRatio > 3.99);
  t.deepEqual(slow.offsets(1000, 1), [0, 200], 'a fifth for the worker');
  const fast = new SliceBalance();
  for (let n = 0; n < 40; n++) fast.observe({ records: 5000, ms: 10_000 }, [{ records: 5000, ms: 1 }]);
  t.true(fast.workerCostRatio >= 0.25 && fast.workerCostRatio < 0.2501);
});

test('short slices, a missing side or a zero time teach nothing', (t) => {
  const balance = new SliceBalance();
  balance.observe({ records: 100, ms: 1 }, [{ records: 100, ms: 50 }]);
  balance.observe(undefined, [{ records: 5000, ms: 50 }]);
  balance.observe({ records: 5000, ms: 1 }, []);
  balance.observe({ records: 5000, ms: 0 }, [{ records: 5000, ms: 50 }]);
  t.is(balance.workerCostRatio, 1);
});

test('every slice keeps at least one record, in order, whatever the ratio', (t) => {
  for (const ratio of [0.25, 1, 4]) {
    const balance = new SliceBalance();
    for (let n = 0; n < 40; n++)
      balance.observe({ records: 5000, ms: 10 }, [{ records: 5000, ms: 10 * ratio }]);
    for (const workers of [1, 2, 3, 7]) {
      for (const total of [workers + 1, workers + 2, 100, 129, 1000]) {
        const offsets = balance.offsets(total, workers);
        t.is(offsets.length, workers + 1);
        t.is(offsets[0], 0);
        const ends = [...offsets.slice(1), total];
        t.true(
          offsets.every((start, i) => start < (ends[i] as number)),
          `ratio ${ratio}, ${workers} workers, ${total} records: ${offsets.join(',')}`,
        );
      }
    }
  }
});
