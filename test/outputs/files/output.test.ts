/**
 * The local-file output on real files: what was written reads back exactly (JSON Lines, CSV),
 * a batch written again (or after a crash between writing and renaming) leaves no duplicates and
 * no temporary files, and rolled files hold exactly the records of their batches.
 */
import test from 'ava';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, ManualClock, StreamingContext, isBatchError } from '../../../lib/index.js';
import { LocalFileStore, fileOutput } from '../../../outputs/files/index.js';
import { FolderOutput } from '../../../outputs/store/index.js';
import { parseCsv, readJsonl, tree } from './read-back.js';

interface Tweet {
  readonly id: number;
  readonly user: string;
  readonly text: string;
  readonly score?: number | null;
}

async function tempDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-files-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const tweets = (from: number, n: number): Tweet[] =>
  Array.from({ length: n }, (_, i) => ({
    id: from + i,
    user: `u${(from + i) % 7}`,
    text: `tweet ${from + i}`,
  }));

test('each batch is a folder of JSON Lines with _SUCCESS that reads back exactly', async (t) => {
  const dir = await tempDir(t);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'files-jsonl' });
  const odd: Tweet[] = [
    { id: 1, user: 'é "q"', text: 'line\nbreak, comma \u2028 😀' },
    { id: 2, user: '', text: '' },
  ];
  const batches = [odd, [], tweets(10, 500)];
  fileOutput(ssc.queueStream([...batches]), { dir, format: 'jsonl' });
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  t.deepEqual(await tree(dir), [
    'batch-1000/_SUCCESS',
    'batch-1000/part-00000.jsonl',
    'batch-2000/_SUCCESS',
    'batch-2000/part-00000.jsonl',
    'batch-3000/_SUCCESS',
    'batch-3000/part-00000.jsonl',
  ]);
  t.deepEqual(await readJsonl(join(dir, 'batch-1000/part-00000.jsonl')), odd);
  t.deepEqual(await readJsonl(join(dir, 'batch-2000/part-00000.jsonl')), []);
  t.deepEqual(await readJsonl(join(dir, 'batch-3000/part-00000.jsonl')), batches[2]);
});

test('CSV quotes the fields that need it (RFC 4180) and reads back exactly', async (t) => {
  const dir = await tempDir(t);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'files-csv' });
  const records: Tweet[] = [
    { id: 1, user: 'a,b', text: 'say "hi"', score: 0.5 },
    { id: 2, user: 'multi\r\nline', text: 'plain', score: null },
    { id: 3, user: ' spaced ', text: '"', score: -1 },
  ];
  fileOutput(ssc.queueStream([records]), { dir, format: 'csv', columns: ['id', 'user', 'text', 'score'] });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  const text = await readFile(join(dir, 'batch-1000/part-00000.csv'), 'utf8');
  t.true(text.startsWith('id,user,text,score\r\n1,"a,b","say ""hi""",0.5\r\n'));
  t.deepEqual(parseCsv(text), [
    ['id', 'user', 'text', 'score'],
    ['1', 'a,b', 'say "hi"', '0.5'],
    ['2', 'multi\r\nline', 'plain', ''],
    ['3', ' spaced ', '"', '-1'],
  ]);
});

test('writing a batch again replaces its folder: no duplicates, no temporary files', async (t) => {
  const dir = await tempDir(t);
  const out = new FolderOutput<Tweet>(new LocalFileStore(dir), { format: 'jsonl' }, 1000);
  await out.write(tweets(0, 5), 1000);
  await out.write(tweets(0, 5), 1000);
  t.deepEqual(await tree(dir), ['batch-1000/_SUCCESS', 'batch-1000/part-00000.jsonl']);
  t.deepEqual(await readJsonl(join(dir, 'batch-1000/part-00000.jsonl')), tweets(0, 5));
});

test('a crash between writing and renaming leaves a temp file; running the batch again cleans it up', async (t) => {
  const dir = await tempDir(t);
  // What a crashed attempt leaves: a temporary part, an older partial part, no _SUCCESS.
  await mkdir(join(dir, 'batch-2000'), { recursive: true });
  await writeFile(join(dir, 'batch-2000/.part-00000.jsonl.tmp'), '{"id":1,"user":"u1","te');
  await writeFile(join(dir, 'batch-2000/part-00001.jsonl'), '{"id":99}\n');
  const out = new FolderOutput<Tweet>(new LocalFileStore(dir), { format: 'jsonl' }, 1000);
  await out.write(tweets(1, 3), 2000);
  t.deepEqual(await tree(dir), ['batch-2000/_SUCCESS', 'batch-2000/part-00000.jsonl']);
  t.deepEqual(await readJsonl(join(dir, 'batch-2000/part-00000.jsonl')), tweets(1, 3));
});

test('roll by batches: one file per window of 3 batch times, each with exactly its batches', async (t) => {
  const dir = await tempDir(t);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'files-roll' });
  const batches = Array.from({ length: 7 }, (_, i) => tweets(i * 10, i + 1));
  const out = fileOutput(ssc.queueStream([...batches]), { dir, roll: { batches: 3 } });
  await ssc.start();
  await clock.advance(7000);
  await ssc.stop();
  t.deepEqual(await tree(dir), [
    '_staging/batch-7000.jsonl',
    'batches-1000-3000/_SUCCESS',
    'batches-1000-3000/part-00000.jsonl',
    'batches-4000-6000/_SUCCESS',
    'batches-4000-6000/part-00000.jsonl',
  ]);
  t.deepEqual(await readJsonl(join(dir, 'batches-1000-3000/part-00000.jsonl')), batches.slice(0, 3).flat());
  t.deepEqual(await readJsonl(join(dir, 'batches-4000-6000/part-00000.jsonl')), batches.slice(3, 6).flat());
  await out.flush();
  t.deepEqual(await readJsonl(join(dir, 'batches-7000-7000/part-00000.jsonl')), batches[6]);
  t.false((await tree(dir)).some((p) => p.startsWith('_staging/')));
});

test('roll by size: a file closes once it holds maxBytes, and CSV files get one header each', async (t) => {
  const dir = await tempDir(t);
  const out = new FolderOutput<[string, number]>(
    new LocalFileStore(dir),
    { format: 'csv', columns: ['word', 'count'], roll: { maxBytes: 20 } },
    1000,
  );
  await out.write([['a', 1]], 1000); // "a,1\r\n": 5 bytes
  await out.write(
    [
      ['bb', 2],
      ['c', 3],
    ],
    2000,
  ); // 11 more: 16
  await out.write([['dd', 4]], 3000); // 6 more: 22, closes
  await out.write([['e', 5]], 4000);
  t.deepEqual(await tree(dir), [
    '_staging/batch-4000.csv',
    'batches-1000-3000/_SUCCESS',
    'batches-1000-3000/part-00000.csv',
  ]);
  t.is(
    await readFile(join(dir, 'batches-1000-3000/part-00000.csv'), 'utf8'),
    'word,count\r\na,1\r\nbb,2\r\nc,3\r\ndd,4\r\n',
  );
});

test('rolled batches written again are neither duplicated nor lost, across restarts and crashes', async (t) => {
  const dir = await tempDir(t);
  const store = new LocalFileStore(dir);
  const part = join(dir, 'batches-1000-3000/part-00000.jsonl');
  let out = new FolderOutput<Tweet>(store, { roll: { batches: 3 } }, 1000);
  await out.write(tweets(0, 2), 1000);
  await out.write(tweets(2, 2), 2000);
  await out.write(tweets(9, 9), 2000); // the batch at 2000 runs again, with other records: replaced
  await out.write(tweets(4, 2), 3000);
  await out.write(tweets(4, 2), 3000); // the closing batch runs again: already committed
  const expected = [...tweets(0, 2), ...tweets(9, 9), ...tweets(4, 2)];
  t.deepEqual(await readJsonl(part), expected);

  // A crash after _SUCCESS but before the staged batches were deleted, then a restart.
  await mkdir(join(dir, '_staging'), { recursive: true });
  await writeFile(join(dir, '_staging/batch-3000.jsonl'), '{"id":4}\n');
  out = new FolderOutput<Tweet>(store, { roll: { batches: 3 } }, 1000);
  await out.write(tweets(4, 2), 3000);
  t.deepEqual(await readJsonl(part), expected);
  t.deepEqual(await tree(dir), ['batches-1000-3000/_SUCCESS', 'batches-1000-3000/part-00000.jsonl']);

  // A crash in the middle of committing the next window: staged batches and a half-written folder.
  await out.write(tweets(20, 1), 4000);
  await out.write(tweets(21, 1), 5000);
  await writeFile(join(dir, '_staging/batch-6000.jsonl'), `${JSON.stringify(tweets(22, 1)[0])}\n`);
  await mkdir(join(dir, 'batches-4000-6000'));
  await writeFile(join(dir, 'batches-4000-6000/.part-00000.jsonl.tmp'), '{"id":20');
  out = new FolderOutput<Tweet>(store, { roll: { batches: 3 } }, 1000);
  await out.write(tweets(22, 1), 6000);
  t.deepEqual(await readJsonl(join(dir, 'batches-4000-6000/part-00000.jsonl')), tweets(20, 3));
  t.deepEqual(await tree(dir), [
    'batches-1000-3000/_SUCCESS',
    'batches-1000-3000/part-00000.jsonl',
    'batches-4000-6000/_SUCCESS',
    'batches-4000-6000/part-00000.jsonl',
  ]);
});

test('batches staged in a window that ended while the job was down are committed first', async (t) => {
  const dir = await tempDir(t);
  const store = new LocalFileStore(dir);
  await new FolderOutput<Tweet>(store, { roll: { batches: 3 } }, 1000).write(tweets(0, 1), 1000);
  await new FolderOutput<Tweet>(store, { roll: { batches: 3 } }, 1000).write(tweets(1, 1), 2000);
  await new FolderOutput<Tweet>(store, { roll: { batches: 3 } }, 1000).write(tweets(2, 1), 8000);
  t.deepEqual(await tree(dir), [
    '_staging/batch-8000.jsonl',
    'batches-1000-2000/_SUCCESS',
    'batches-1000-2000/part-00000.jsonl',
  ]);
  t.deepEqual(await readJsonl(join(dir, 'batches-1000-2000/part-00000.jsonl')), tweets(0, 2));
});

test('wrong options are refused before anything is written', (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'files-config' });
  const s = ssc.queueStream<Tweet>([]);
  t.throws(() => fileOutput(s, { dir: '' }), { instanceOf: ConfigurationError, message: /dir must name/ });
  t.throws(() => fileOutput(s, { dir: '/tmp/x', roll: {} }), {
    instanceOf: ConfigurationError,
    message: /roll needs/,
  });
  t.throws(() => fileOutput(s, { dir: '/tmp/x', roll: { batches: 1.5 } }), {
    instanceOf: ConfigurationError,
  });
  t.throws(() => fileOutput(s, { dir: '/tmp/x', format: 'jsonl', columns: ['id'] }), {
    instanceOf: ConfigurationError,
    message: /columns is for format 'csv'/,
  });
  t.throws(() => fileOutput(s, { dir: '/tmp/x', format: 'xml' as 'csv' }), { message: /format must be/ });
});

test('a record that cannot be written fails the batch, naming the record, and writes nothing', async (t) => {
  const dir = await tempDir(t);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'files-bad' });
  fileOutput(
    ssc.queueStream<Tweet>([
      [
        { id: 1, user: 'a', text: 'b' },
        { id: 2, user: 'c', text: 'd' },
      ],
    ]),
    {
      dir,
      format: 'csv',
    },
  );
  const failed = ssc.awaitTermination().catch((e: unknown) => e);
  await ssc.start();
  await clock.advance(1000).catch(() => undefined);
  const error = await failed;
  t.true(isBatchError(error));
  t.regex(String((error as Error).message), /record 0 of the batch cannot be written: .*needs `columns`/);
  t.deepEqual(await tree(dir), []);
  await ssc.stop().catch(() => undefined);
});
