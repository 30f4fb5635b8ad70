import test from 'ava';
import { measureWal } from '../../../bench/checkpoint/wal.js';

test('a small WAL benchmark run reads every record back and reports Kindling beside raw fs', async (t) => {
  const { rows, ratios, correct } = await measureWal({
    quick: true,
    settings: { records: 300, syncedRecords: 5, runs: 1 },
  });
  t.true(correct);
  const metrics = (system: string) => rows.filter((r) => r.system === system).map((r) => r.metric);
  t.deepEqual(metrics('raw-fs'), [
    'wal records/s (1 KiB, fsync never)',
    'wal MB/s (1 KiB, fsync never)',
    'wal records/s (1 KiB, fsync always)',
    'wal MB/s (1 KiB, fsync always)',
  ]);
  t.is(metrics('kindling').length, 8);
  t.true(metrics('kindling').includes('wal records/s (1 KiB, fsync every 100 ms)'));
  t.true(rows.every((r) => Number.isFinite(r.value) && r.value > 0));
  t.deepEqual(Object.keys(ratios), [
    'kindling / raw-fs (wal records/s, fsync never)',
    'kindling / raw-fs (wal records/s, fsync always)',
  ]);
});
