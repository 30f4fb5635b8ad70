/**
 * S3CheckpointStore against MinIO (`scripts/servers/minio.ts`), a fresh bucket per test.
 */
import test from 'ava';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { KindlingError } from '../../../lib/index.js';
import { S3CheckpointStore } from '../../../outputs/s3/index.js';
import {
  freshBucket,
  minioProxy,
  putText,
  recordingSleeper,
  s3Options,
  testClient,
} from '../../helpers/s3.js';
import { logServerOnFailure } from '../../helpers/servers.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

test('round trip: newest first, only the newest `keep` kept', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  const store = new S3CheckpointStore({ ...s3Options(), url: `s3://${bucket}/ckpt`, keep: 2 });
  for (const time of [1000, 2000, 3000]) await store.write(time, bytes(`state at ${time}`));
  await store.write(3000, bytes('state at 3000, again'));
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => [c.time, str(c.data)]),
    [
      [3000, 'state at 3000, again'],
      [2000, 'state at 2000'],
    ],
  );
  t.deepEqual(skipped, []);
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  t.deepEqual(
    (listed.Contents ?? []).map((o) => o.Key),
    ['ckpt/checkpoint-0000000000002000', 'ckpt/checkpoint-0000000000003000'],
  );
  await store.clear();
  t.deepEqual((await store.readAll()).checkpoints, []);
  store.close();
});

test('incremental checkpoints are named after their base, which is kept as long as they are', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  const store = new S3CheckpointStore({ ...s3Options(), url: `s3://${bucket}/ckpt`, keep: 2 });
  t.true(store.incremental);
  await store.write(1000, bytes('whole at 1000'));
  await store.write(2000, bytes('changes since 1000'), 1000);
  await store.write(3000, bytes('changes since 2000'), 2000);
  await store.write(4000, bytes('whole at 4000'));
  const listed = async (): Promise<(string | undefined)[]> =>
    ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
  t.deepEqual(
    await listed(),
    [
      'ckpt/checkpoint-0000000000001000',
      'ckpt/checkpoint-0000000000002000-on-0000000000001000',
      'ckpt/checkpoint-0000000000003000-on-0000000000002000',
      'ckpt/checkpoint-0000000000004000',
    ],
    'keep 2 keeps 3000 and 4000, and 2000 and 1000 that 3000 builds on',
  );
  await store.write(5000, bytes('changes since 4000'), 4000);
  t.deepEqual(
    await listed(),
    ['ckpt/checkpoint-0000000000004000', 'ckpt/checkpoint-0000000000005000-on-0000000000004000'],
    'once 3000 is not kept, neither are its bases',
  );
  store.close();
});

test("batches' plans: written, read back oldest first, damaged ones named, and retired with old checkpoints", async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  const store = new S3CheckpointStore({ ...s3Options(), url: `s3://${bucket}/ckpt/`, keep: 2 });
  await store.write(1000, bytes('state at 1000'));
  for (const time of [2000, 3000, 4000]) await store.writePlans(time, bytes(`plans of ${time}`));
  await putText(client, bucket, 'ckpt/plans-0000000000005000', 'torn');
  const { plans, skipped } = await store.readPlans();
  t.deepEqual(
    plans.map((p) => [p.time, str(p.data)]),
    [
      [2000, 'plans of 2000'],
      [3000, 'plans of 3000'],
      [4000, 'plans of 4000'],
    ],
  );
  t.deepEqual(
    skipped.map((s) => s.name),
    ['plans-0000000000005000'],
  );
  await store.write(2000, bytes('state at 2000'));
  await store.write(3000, bytes('state at 3000')); // keeps 2000 and 3000: plans up to 2000 go
  t.deepEqual(
    (await store.readPlans()).plans.map((p) => p.time),
    [3000, 4000],
  );
  await store.clear();
  t.deepEqual(await store.readPlans(), { plans: [], skipped: [] });
  store.close();
});

test('a corrupt checkpoint object is skipped with its reason', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  const store = new S3CheckpointStore({ ...s3Options(), url: `s3://${bucket}/c/` });
  await store.write(1000, bytes('good'));
  await putText(client, bucket, 'c/checkpoint-0000000000002000', 'KCKP garbage');
  await putText(client, bucket, 'c/unrelated.txt', 'not a checkpoint');
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => [c.time, str(c.data)]),
    [[1000, 'good']],
  );
  t.is(skipped.length, 1);
  t.is(skipped[0]?.name, 'checkpoint-0000000000002000');
  t.regex(skipped[0]?.reason ?? '', /version|truncated|checksum/);
  store.close();
});

test('server down: the write retries with back-off, then fails retriably without the secret', async (t) => {
  t.timeout(30_000);
  const bucket = await freshBucket(testClient());
  const proxy = await minioProxy();
  await proxy.cut();
  const clock = recordingSleeper();
  const options = { ...s3Options(proxy.port), url: `s3://${bucket}/c/`, maxAttempts: 3, clock };
  const store = new S3CheckpointStore({ ...options, backoff: { initialDelay: 50, jitter: 0 } });
  const error = await t.throwsAsync(() => store.write(1000, bytes('x')), { instanceOf: KindlingError });
  t.true(error.retriable);
  t.deepEqual(clock.waits, [50, 100]);
  t.false(error.message.includes(s3Options().credentials.secretAccessKey));
  store.close();
});
