/**
 * The S3 output against MinIO (`scripts/servers/minio.ts`), a fresh bucket per test.
 */
import test from 'ava';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ManualClock, StreamingContext } from '../../../lib/index.js';
import { connectS3 } from '../../../systems/s3/client.js';
import { readS3Batch, s3Output } from '../../../outputs/s3/index.js';
import { writeS3Batch } from '../../../outputs/s3/batch.js';
import { freshBucket, s3Options, testClient } from '../../helpers/s3.js';
import { logServerOnFailure } from '../../helpers/servers.js';

async function keys(bucket: string, prefix = ''): Promise<string[]> {
  const out = await testClient().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key as string).sort();
}

async function text(bucket: string, key: string): Promise<string> {
  const out = await testClient().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString()) ?? '';
}

test('each batch is a folder of parts and a manifest; it reads back exactly', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const bucket = await freshBucket(testClient());
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 's3-output' });
  const input = [
    [
      { id: 1, text: 'héllo, "world"\nline' },
      { id: 2, text: 'b' },
      { id: 3, text: 'c' },
    ],
    [],
    [{ id: 4, text: 'd' }],
  ];
  s3Output(ssc.queueStream(input.map((b) => [...b])), {
    ...s3Options(),
    url: `s3://${bucket}/out`,
    recordsPerPart: 2,
  });
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.deepEqual(await keys(bucket), [
    'out/batch=1000/_manifest',
    'out/batch=1000/part-00000.jsonl',
    'out/batch=1000/part-00001.jsonl',
    'out/batch=2000/_manifest',
    'out/batch=3000/_manifest',
    'out/batch=3000/part-00000.jsonl',
  ]);
  const conn = connectS3('test', s3Options());
  const where = { bucket, prefix: 'out/' };
  t.deepEqual(await readS3Batch(conn, where, 1000), input[0]);
  t.deepEqual(await readS3Batch(conn, where, 2000), []);
  t.deepEqual(await readS3Batch(conn, where, 3000), input[2]);
  t.is(await readS3Batch(conn, where, 4000), undefined, 'an uncommitted batch is not read');
  const manifest = JSON.parse(await text(bucket, 'out/batch=1000/_manifest'));
  t.is(manifest.records, 3);
  t.deepEqual(
    manifest.parts.map((p: { records: number }) => p.records),
    [2, 1],
  );
  conn.client.destroy();
});

/** The records of every committed rolled folder (one holding `_SUCCESS`) under `prefix`, in folder order. */
async function readRolled(
  bucket: string,
  prefix: string,
): Promise<{ folders: string[]; records: unknown[] }> {
  const all = await keys(bucket, prefix);
  const folders = all
    .filter((k) => k.endsWith('/_SUCCESS'))
    .map((k) => k.slice(prefix.length, -'/_SUCCESS'.length))
    .sort();
  const records: unknown[] = [];
  for (const folder of folders) {
    for (const key of all.filter((k) => k.startsWith(`${prefix}${folder}/part-`))) {
      const lines = (await text(bucket, key)).split('\n').filter((l) => l !== '');
      records.push(...lines.map((l) => JSON.parse(l) as unknown));
    }
  }
  return { folders, records };
}

test('roll: small batches become fewer objects that read back exactly; a re-run adds no duplicate', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'minio');
  const bucket = await freshBucket(testClient());
  const input = [1, 2, 3, 4, 5].map((b) => [
    { batch: b, n: 1 },
    { batch: b, n: 2 },
  ]);
  const run = async (): Promise<void> => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 's3-roll' });
    const out = s3Output(ssc.queueStream(input.map((b) => [...b])), {
      ...s3Options(),
      url: `s3://${bucket}/rolled/`,
      roll: { batches: 2 },
    });
    await ssc.start();
    await clock.advance(5000);
    await ssc.stop();
    await ssc.awaitTermination();
    await out.flush();
  };
  await run();
  const first = await readRolled(bucket, 'rolled/');
  t.deepEqual(first.records, input.flat(), 'every record once, in batch order');
  t.true(first.folders.length >= 2 && first.folders.length < input.length, first.folders.join(', '));
  t.true(first.folders.every((f) => /^batches-\d+-\d+$/.test(f)));
  t.deepEqual(
    (await keys(bucket, 'rolled/')).filter((k) => k.includes('_staging')),
    [],
    'nothing left staged after flush',
  );
  await run(); // the same batch times again, as after a crash: already committed, not written again
  t.deepEqual(await readRolled(bucket, 'rolled/'), first);
});

test('roll refuses options that only apply to a folder per batch', (t) => {
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock: new ManualClock(),
    name: 's3-roll-options',
  });
  const stream = ssc.queueStream<{ n: number }>([]);
  t.throws(
    () => s3Output(stream, { ...s3Options(), url: 's3://b/p/', roll: { batches: 2 }, recordsPerPart: 5 }),
    {
      message: /with roll, .*leave out delimiter and recordsPerPart/,
    },
  );
  t.throws(() => s3Output(stream, { ...s3Options(), url: 's3://b/p/', roll: {} }), {
    message: /roll needs batches/,
  });
});

test('CSV parts with a header, quoting, and chosen columns', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const bucket = await freshBucket(testClient());
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 's3-output-csv' });
  s3Output(
    ssc.queueStream([
      [
        { word: 'a,b', count: 2, extra: true },
        { word: 'say "hi"', count: 1 },
      ],
    ]),
    {
      ...s3Options(),
      url: `s3://${bucket}/csv/`,
      format: 'csv',
      columns: ['word', 'count'],
    },
  );
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.is(await text(bucket, 'csv/batch=1000/part-00000.csv'), 'word,count\r\n"a,b",2\r\n"say ""hi""",1\r\n');
  const conn = connectS3('test', s3Options());
  t.deepEqual(await readS3Batch(conn, { bucket, prefix: 'csv/' }, 1000), [
    { word: 'a,b', count: '2' },
    { word: 'say "hi"', count: '1' },
  ]);
  conn.client.destroy();
});

test('re-running a batch overwrites its parts, removes stale ones, and leaves no duplicate', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const bucket = await freshBucket(testClient());
  const conn = connectS3('test', s3Options());
  const layout = { bucket, prefix: 'r/', format: 'jsonl' as const, recordsPerPart: 2 };
  const first = [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }];
  await writeS3Batch(conn, layout, 5000, first);
  t.is((await keys(bucket, 'r/')).length, 4);
  await writeS3Batch(conn, layout, 5000, first);
  t.deepEqual(
    await readS3Batch(conn, { bucket, prefix: 'r/' }, 5000),
    first,
    'the same run again: no duplicates',
  );
  // A re-run after a crash may see fewer records (e.g. a source that lost some): no stale part survives.
  const second = [{ n: 1 }, { n: 2 }];
  await writeS3Batch(conn, layout, 5000, second);
  t.deepEqual(await keys(bucket, 'r/'), ['r/batch=5000/_manifest', 'r/batch=5000/part-00000.jsonl']);
  t.deepEqual(await readS3Batch(conn, { bucket, prefix: 'r/' }, 5000), second);
  conn.client.destroy();
});

test('a record that cannot be serialized fails the batch by its index, nothing committed', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const bucket = await freshBucket(testClient());
  const conn = connectS3('test', s3Options());
  const layout = { bucket, prefix: 'bad/', format: 'jsonl' as const, recordsPerPart: 10 };
  await t.throwsAsync(() => writeS3Batch(conn, layout, 1000, [{ n: 1 }, { n: 2n }]), {
    message: /record 1 of the batch at 1000 cannot be written as jsonl/,
  });
  t.deepEqual(await keys(bucket, 'bad/'), []);
  conn.client.destroy();
});

test('bad options are clear errors', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const stream = ssc.queueStream<object>([]);
  t.throws(() => s3Output(stream, { url: 'bucket/x' }), { message: /not an S3 address/ });
  t.throws(() => s3Output(stream, { url: 's3://b/x', recordsPerPart: 0 }), { message: /recordsPerPart/ });
  t.throws(() => s3Output(stream, { url: 's3://b/x', format: 'xml' as never }), { message: /format/ });
});
