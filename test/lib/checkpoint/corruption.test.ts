/**
 * Corruption: a truncated newest checkpoint and a torn write-ahead-log segment. Recovery falls
 * back to the last good checkpoint and the log's good records, and says so on events and in
 * the log.
 */
import test from 'ava';
import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, toArray } from 'rxjs';
import { ManualClock, Receiver, StreamingContext, type StreamingEvent } from '../../../lib/index.js';

class Pushed extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

function job(dir: string, start: number, warnings: string[]) {
  const clock = new ManualClock(start);
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    checkpointDir: dir,
    writeAheadLog: true,
    logger: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
  });
  const receiver = new Pushed('pushed');
  let state: [string, number][] = [];
  ssc
    .receiverStream(receiver)
    .map((w): [string, number] => [w, 1])
    .updateStateByKey((ones: number[], n: number | undefined) => (n ?? 0) + ones.length)
    .name('counts')
    .foreachBatch((records) => {
      state = [...records].sort();
    });
  return { ssc, clock, receiver, state: () => state };
}

test('a truncated checkpoint and a torn log segment: recovery uses the last good checkpoint and the good records', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-corrupt-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = job(dir, 0, []);
  await first.ssc.start();
  await first.receiver.store(['a', 'b', 'a']);
  await first.clock.advance(1000);
  await first.receiver.store(['b', 'c']);
  await first.clock.advance(1000);
  t.deepEqual(first.state(), [
    ['a', 2],
    ['b', 2],
    ['c', 1],
  ]);
  await first.receiver.store(['d', 'd', 'd', 'd']); // logged, in no batch yet, when the process dies
  // The first process is abandoned here, as if killed. Then the disk shows the damage:
  const checkpoints = (await readdir(dir)).filter((f) => f.startsWith('checkpoint-')).sort();
  const newest = checkpoints.at(-1) as string;
  await truncate(join(dir, newest), 30);
  const logDir = join(dir, 'received', 'receiverStream');
  const segment = join(logDir, (await readdir(logDir)).sort().at(-1) as string);
  await truncate(segment, (await stat(segment)).size - 5); // tears the block of 'd's

  const warnings: string[] = [];
  let second!: ReturnType<typeof job>;
  const ssc = await StreamingContext.getOrCreate(dir, () => (second = job(dir, 2000, warnings)).ssc);
  const events = firstValueFrom(
    ssc.events.pipe(
      filter((e) => e.type === 'checkpointRestored' || e.type === 'writeAheadLogDamaged'),
      toArray(),
    ),
  );
  await ssc.start();
  await second.clock.advance(1000);
  await ssc.stop();
  const [restored, damaged] = (await events) as [
    Extract<StreamingEvent, { type: 'checkpointRestored' }>,
    Extract<StreamingEvent, { type: 'writeAheadLogDamaged' }>,
  ];
  t.is(restored.batchTime, 1000, 'fell back to the checkpoint before the truncated one');
  t.is(restored.skipped[0]?.name, newest);
  t.regex(restored.skipped[0]?.reason ?? '', /truncated/);
  t.is(damaged.type, 'writeAheadLogDamaged');
  t.regex(damaged.detail, /torn/);
  t.true(
    warnings.some((w) => w.includes(newest)),
    'the skipped checkpoint is in the log',
  );
  t.true(
    warnings.some((w) => /write-ahead log of 'receiverStream'.*torn/.test(w)),
    'the damage is in the log',
  );
  t.deepEqual(
    second.state(),
    [
      ['a', 2],
      ['b', 2],
      ['c', 1],
    ],
    "batch 2000 ran again from the log's good records; the torn block cannot be read back",
  );
});
