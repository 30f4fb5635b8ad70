/**
 * The S3 lookup against MinIO (`scripts/servers/minio.ts`), a fresh bucket per test.
 */
import test from 'ava';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KindlingError, ManualClock, StreamingContext } from '../../../lib/index.js';
import { s3Lookup } from '../../../lookups/s3/index.js';
import {
  countCommands,
  freshBucket,
  minioProxy,
  putText,
  recordingSleeper,
  s3Options,
  testClient,
} from '../../helpers/s3.js';
import { logServerOnFailure } from '../../helpers/servers.js';

const jsonl = (rows: readonly object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('one JSONL object: values of present keys, nothing for absent ones', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  await putText(
    client,
    bucket,
    'users.jsonl',
    jsonl([
      { id: 'u1', name: 'Ada' },
      { id: 'u2', name: 'Bob' },
    ]),
  );
  const lookup = s3Lookup<string, { id: string; name: string }>({
    ...s3Options(),
    url: `s3://${bucket}/users.jsonl`,
    key: (row) => row.id,
  });
  const found = await lookup.getAll(['u1', 'nobody', 'u2']);
  t.deepEqual(
    [...found.entries()],
    [
      ['u1', { id: 'u1', name: 'Ada' }],
      ['u2', { id: 'u2', name: 'Bob' }],
    ],
  );
  t.is((await lookup.load()).size, 2);
  await lookup.close();
});

test('every CSV object under a prefix, quoted fields, value mapping', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  await putText(client, bucket, 'users/a.csv', 'id,name\nu1,"Lovelace, Ada"\n');
  await putText(client, bucket, 'users/b.csv', 'id,name\r\nu2,"Bob ""the"" Builder"\r\n');
  await putText(client, bucket, 'other/c.csv', 'id,name\nu3,Eve\n');
  const lookup = s3Lookup<string, string, { id: string; name: string }>({
    ...s3Options(),
    url: `s3://${bucket}/users/`,
    format: 'csv',
    key: (row) => row.id,
    value: (row) => row.name,
  });
  const found = await lookup.getAll(['u1', 'u2', 'u3']);
  t.deepEqual(Object.fromEntries(found), { u1: 'Lovelace, Ada', u2: 'Bob "the" Builder' });
  await lookup.close();
});

test('10k distinct keys cost one listing and one GetObject per object, then no call', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'minio');
  const setup = testClient();
  const bucket = await freshBucket(setup);
  const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}`);
  for (let part = 0; part < 4; part++) {
    const rows = keys.filter((_, i) => i % 4 === part).map((id) => ({ id, n: Number(id.slice(1)) }));
    await putText(setup, bucket, `t/part-${part}.jsonl`, jsonl(rows));
  }
  const client = new S3Client({
    ...s3Options(),
    forcePathStyle: true,
    requestHandler: new NodeHttpHandler(),
  });
  const counts = countCommands(client);
  const lookup = s3Lookup<string, { id: string; n: number }>({
    client,
    url: `s3://${bucket}/t/`,
    key: (r) => r.id,
  });
  const found = await lookup.getAll([...keys, 'missing']);
  t.is(found.size, 10_000);
  t.is(found.get('k9999')?.n, 9999);
  t.is(counts.get('GetObjectCommand'), 4);
  t.is(counts.get('ListObjectsV2Command'), 1);
  await lookup.getAll(keys.slice(0, 5000));
  t.is(counts.get('GetObjectCommand'), 4, 'a second batch is answered from memory');
  await lookup.refresh(2000);
  t.is(counts.get('GetObjectCommand'), 4, 'nothing changed: no reload');
  t.is(counts.get('ListObjectsV2Command'), 2);
  client.destroy();
});

test('a replaced object is picked up at the next batch boundary, never within a batch', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  await putText(client, bucket, 'p.jsonl', jsonl([{ id: 'a', v: 1 }]));
  const lookup = s3Lookup<string, { id: string; v: number }>({
    ...s3Options(),
    url: `s3://${bucket}/p.jsonl`,
    key: (r) => r.id,
  });
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 's3-lookup-refresh' });
  const seen: (number | undefined)[][] = [];
  const input: string[][] = [['a'], ['a', 'b'], ['a']];
  ssc
    .queueStream(input)
    .joinLookup(lookup, (k: string) => k, { missing: 'keep' })
    .foreachBatch((records) => {
      seen.push(records.map(([, value]) => value?.v));
    });
  await ssc.start();
  await clock.advance(1000);
  await putText(
    client,
    bucket,
    'p.jsonl',
    jsonl([
      { id: 'a', v: 2 },
      { id: 'b', v: 3 },
    ]),
  );
  // Still the old table until refresh runs at the next batch.
  t.is((await lookup.getAll(['a'])).get('a')?.v, 1);
  await clock.advance(2000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.deepEqual(seen, [[1], [2, 3], [2]]);
  await lookup.close();
});

test('reload every N ms of batch time with reload: always', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const setup = testClient();
  const bucket = await freshBucket(setup);
  await putText(setup, bucket, 'p.jsonl', jsonl([{ id: 'a' }]));
  const client = new S3Client({
    ...s3Options(),
    forcePathStyle: true,
    requestHandler: new NodeHttpHandler(),
  });
  const counts = countCommands(client);
  const lookup = s3Lookup({
    client,
    url: `s3://${bucket}/p.jsonl`,
    key: (r: { id: string }) => r.id,
    reload: 'always',
    refreshIntervalMs: 5000,
  });
  await lookup.refresh(1000);
  for (const time of [2000, 3000, 4000, 5000]) await lookup.refresh(time);
  t.is(counts.get('GetObjectCommand'), 1, 'no reload before 5 s of batch time');
  await lookup.refresh(6000);
  t.is(counts.get('GetObjectCommand'), 2);
  client.destroy();
});

test('server down: retries with back-off, then fails (or keeps the stale table when asked), never silently', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  await putText(client, bucket, 'p.jsonl', jsonl([{ id: 'a', v: 1 }]));
  const proxy = await minioProxy();
  const secret = s3Options().credentials.secretAccessKey;
  const make = (
    onRefreshError: 'fail' | 'keepStale',
    clock: { sleep(ms: number): Promise<void> },
    reported: string[],
  ) =>
    s3Lookup<string, { id: string; v: number }>({
      ...s3Options(proxy.port),
      url: `s3://${bucket}/p.jsonl`,
      key: (r) => r.id,
      maxAttempts: 4,
      backoff: { initialDelay: 100, jitter: 0 },
      clock,
      onRefreshError,
      onError: (message) => reported.push(message),
    });
  const failSleeper = recordingSleeper();
  const failReports: string[] = [];
  const failing = make('fail', failSleeper, failReports);
  const staleReports: string[] = [];
  const stale = make('keepStale', recordingSleeper(), staleReports);
  t.is((await failing.getAll(['a'])).get('a')?.v, 1);
  t.is((await stale.getAll(['a'])).get('a')?.v, 1);
  await proxy.cut();

  const error = await t.throwsAsync(() => failing.refresh(2000), { instanceOf: KindlingError });
  t.true(error.retriable);
  t.regex(error.message, /after 4 attempts/);
  t.deepEqual(failSleeper.waits, [100, 200, 400]);
  t.is(failReports.length, 3);
  for (const text of [error.message, ...failReports]) t.false(text.includes(secret));

  await stale.refresh(2000);
  t.is((await stale.getAll(['a'])).get('a')?.v, 1, 'the table loaded before still answers');
  t.true(staleReports.some((m) => m.includes('reload failed')));

  const fresh = make('fail', recordingSleeper(), []);
  await t.throwsAsync(() => fresh.getAll(['a']), { instanceOf: KindlingError, message: /reading|listing/ });
  await Promise.all([failing.close(), stale.close(), fresh.close()]);
});

test('a missing single object and bad options are clear errors', async (t) => {
  t.timeout(30_000);
  const client = testClient();
  const bucket = await freshBucket(client);
  const lookup = s3Lookup({
    ...s3Options(),
    url: `s3://${bucket}/nope.jsonl`,
    key: (r: { id: string }) => r.id,
  });
  await t.throwsAsync(() => lookup.getAll(['a']), { message: /there is no object .*nope\.jsonl/ });
  t.throws(() => s3Lookup({ url: 'http://x/y', key: (r: unknown) => r }), {
    message: /s3:\/\/bucket\/prefix/,
  });
  t.throws(() => s3Lookup({ url: 's3://b/k', key: 'id' as never }), { message: /key must be a function/ });
  await lookup.close();
});
