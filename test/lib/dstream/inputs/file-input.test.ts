/**
 * textFileStream against a real temporary directory: files are written beside it and moved in
 * by rename, as a producer should.
 */
import test from 'ava';
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError } from '../../../../lib/index.js';
import { collect, setup } from '../../receiver/harness.js';

async function workspace(t: { teardown: (fn: () => Promise<void>) => void }) {
  const root = await mkdtemp(join(tmpdir(), 'kindling-files-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'incoming');
  const staging = join(root, 'staging');
  await mkdir(dir);
  await mkdir(staging);
  /** Writes `name` in the staging directory, then renames it into the watched one. */
  const moveIn = async (name: string, text: string): Promise<void> => {
    await writeFile(join(staging, name), text);
    await rename(join(staging, name), join(dir, name));
  };
  return { dir, moveIn };
}

test('files moved in by rename appear in the next batch; files present at start are ignored', async (t) => {
  const { dir, moveIn } = await workspace(t);
  await writeFile(join(dir, 'old.txt'), 'old line\n');
  const { clock, ssc } = setup();
  const out = collect(ssc.textFileStream(dir));
  await ssc.start();
  await moveIn('b.txt', 'b1\nb2\n');
  await moveIn('a.txt', 'a1\r\na2');
  await clock.advance(1000);
  await moveIn('c.txt', 'c1\n');
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(out, [
    { time: 1000, records: ['a1', 'a2', 'b1', 'b2'] },
    { time: 2000, records: ['c1'] },
    { time: 3000, records: [] },
  ]);
});

test('includeExisting reads the files present at start in the first batch', async (t) => {
  const { dir, moveIn } = await workspace(t);
  await writeFile(join(dir, 'old.txt'), 'old line\n');
  const { clock, ssc } = setup();
  const out = collect(ssc.textFileStream(dir, { includeExisting: true }));
  await ssc.start();
  await clock.advance(1000);
  await moveIn('new.txt', 'new line\n');
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records),
    [['old line'], ['new line']],
  );
});

test('names starting with a dot or an underscore are ignored, as are subdirectories', async (t) => {
  const { dir, moveIn } = await workspace(t);
  const { clock, ssc } = setup();
  const out = collect(ssc.textFileStream(dir));
  await ssc.start();
  await writeFile(join(dir, '.part-0.tmp'), 'hidden\n');
  await writeFile(join(dir, '_COPYING_'), 'temporary\n');
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'sub', 'inner.txt'), 'nested\n');
  await moveIn('visible.txt', 'shown\n');
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(out, [{ time: 1000, records: ['shown'] }]);
});

test('a filter option chooses the files', async (t) => {
  const { dir, moveIn } = await workspace(t);
  const { clock, ssc } = setup();
  const out = collect(ssc.textFileStream(dir, { filter: (name) => name.endsWith('.csv') }));
  await ssc.start();
  await moveIn('rows.csv', '1,2\n');
  await moveIn('notes.txt', 'skip\n');
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(out, [{ time: 1000, records: ['1,2'] }]);
});

test('a file is read once; removed and moved in again under its name, it is read again', async (t) => {
  const { dir, moveIn } = await workspace(t);
  const { clock, ssc } = setup();
  const out = collect(ssc.textFileStream(dir));
  await ssc.start();
  await moveIn('f.txt', 'first\n');
  await clock.advance(2000);
  await unlink(join(dir, 'f.txt'));
  await clock.advance(1000);
  await moveIn('f.txt', 'second\n');
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records),
    [['first'], [], [], ['second']],
  );
});

test('a missing directory fails at start() with a ConfigurationError that says what to do', async (t) => {
  const { dir } = await workspace(t);
  const missing = join(dir, 'not-there');
  const { ssc } = setup();
  collect(ssc.textFileStream(missing));
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.is(
    error?.message,
    `textFileStream: '${missing}' does not exist; create the directory before start() or pass another path`,
  );
  await ssc.stop();
});

test('a path that is a file, not a directory, fails at start()', async (t) => {
  const { dir } = await workspace(t);
  const file = join(dir, 'plain.txt');
  await writeFile(file, 'x\n');
  const { ssc } = setup();
  collect(ssc.textFileStream(file));
  await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError, message: /is not a directory/ });
  await ssc.stop();
});

test('a file: URL reads the directory it names', async (t) => {
  const { dir, moveIn } = await workspace(t);
  const { clock, ssc } = setup();
  const out = collect(ssc.textFileStream(pathToFileURL(dir).href));
  await ssc.start();
  await moveIn('a.txt', 'from a URL\n');
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records),
    [['from a URL']],
  );
});

for (const [url, expected] of [
  [
    's3://bucket/incoming',
    /for s3:\/\/ use s3TextFileStream\(ssc, 's3:\/\/bucket\/prefix', options\) from 'kindling\/receivers'/,
  ],
  ['s3a://bucket/incoming', /for s3a:\/\/ use s3TextFileStream/],
  [
    'hdfs://namenode:8020/incoming',
    /for hdfs:\/\/ use hdfsTextFileStream\(ssc, 'hdfs:\/\/namenode:8020\/folder'/,
  ],
  ['gs://bucket/incoming', /no stream of Kindling reads gs:\/\/ folders/],
  ['file://otherhost/incoming', /is not a local file URL/],
] as const) {
  test(`textFileStream('${url}') is refused when the stream is made, saying what to use`, (t) => {
    const { ssc } = setup();
    const error = t.throws(() => ssc.textFileStream(url), { instanceOf: ConfigurationError });
    t.regex(error?.message ?? '', expected);
    t.true(error?.message.includes(`'${url}'`));
  });
}
