import test from 'ava';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { ManualClock, StreamingContext } from '../../../../lib/index.js';
import { saveAsTextFiles } from '../../../../lib/dstream/output-operations/save-text.js';

function context() {
  const clock = new ManualClock();
  return { clock, ssc: new StreamingContext({ batchInterval: 1000, clock }) };
}

test('print shows the first n records under the batch time, as Spark does', async (t) => {
  const { clock, ssc } = context();
  const printed: string[] = [];
  ssc
    .queueStream([
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
      [],
    ])
    .print(2, (text) => printed.push(text));
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  const rule = '-------------------------------------------';
  t.deepEqual(printed, [
    [rule, 'Time: 1000 ms', rule, '(a,1)', '(b,2)', '...', ''].join('\n'),
    [rule, 'Time: 2000 ms', rule, ''].join('\n'),
  ]);
});

test('saveAsTextFiles writes a prefix-TIME.suffix directory per batch', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-save-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { clock, ssc } = context();
  ssc.queueStream([['x', 'y'], [], ['z']]).saveAsTextFiles(join(dir, 'out'), 'txt');
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  t.deepEqual((await readdir(dir)).sort(), ['out-1000.txt', 'out-2000.txt', 'out-3000.txt']);
  t.is(await readFile(join(dir, 'out-1000.txt', 'part-00000'), 'utf8'), 'x\ny\n');
  t.is(await readFile(join(dir, 'out-2000.txt', 'part-00000'), 'utf8'), '');
  t.deepEqual((await readdir(join(dir, 'out-3000.txt'))).sort(), ['_SUCCESS', 'part-00000']);
});

test('saving the same batch again replaces it, leaving no duplicates or temporary files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-save-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await saveAsTextFiles(['a', 'b'], 1000, join(dir, 'out'));
  await saveAsTextFiles(['a', 'b'], 1000, join(dir, 'out'));
  t.deepEqual(await readdir(dir), ['out-1000']);
  t.is(await readFile(join(dir, 'out-1000', 'part-00000'), 'utf8'), 'a\nb\n');
});

test('asObservable emits each batch with its time and completes when the context stops', async (t) => {
  const { clock, ssc } = context();
  const batches = lastValueFrom(
    ssc
      .queueStream([[1, 2], [3]])
      .asObservable()
      .pipe(toArray()),
  );
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  t.deepEqual(await batches, [
    { time: 1000, records: [1, 2] },
    { time: 2000, records: [3] },
    { time: 3000, records: [] },
  ]);
});
