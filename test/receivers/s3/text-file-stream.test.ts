/**
 * s3TextFileStream against MinIO (`scripts/servers/minio.ts`), a fresh bucket per test.
 */
import test from 'ava';
import { ManualClock, StreamingContext } from '../../../lib/index.js';
import { s3TextFileStream } from '../../../receivers/s3/index.js';
import { freshBucket, putText, s3Options, testClient } from '../../helpers/s3.js';
import { logServerOnFailure } from '../../helpers/servers.js';

test('objects that appear become the next batch, each once; existing and hidden ones are skipped', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  await putText(client, bucket, 'in/old.txt', 'old\n');
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 's3-text' });
  const batches: string[][] = [];
  s3TextFileStream(ssc, `s3://${bucket}/in/`, s3Options()).foreachBatch((lines) => {
    batches.push([...lines]);
  });
  await ssc.start();
  await putText(client, bucket, 'in/a.txt', 'a1\r\na2\n');
  await putText(client, bucket, 'in/_tmp.txt', 'hidden\n');
  await clock.advance(1000);
  await clock.advance(1000);
  await putText(client, bucket, 'in/b.txt', 'b1');
  await putText(client, bucket, 'in/c.txt', 'c1\nc2\n');
  await putText(client, bucket, 'elsewhere.txt', 'no\n');
  await clock.advance(1000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.deepEqual(batches, [['a1', 'a2'], [], ['b1', 'c1', 'c2']]);
});

test('a job resumed from a checkpoint neither reads an object twice nor skips one', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'minio');
  const client = testClient();
  const bucket = await freshBucket(client);
  const store = `s3://${bucket}/checkpoints/`;
  const { S3CheckpointStore } = await import('../../../outputs/s3/index.js');
  const run = async (before: () => Promise<void>, until: number): Promise<string[][]> => {
    const clock = new ManualClock();
    const checkpointStore = new S3CheckpointStore({ ...s3Options(), url: store });
    const seen: string[][] = [];
    // getOrCreate's directory argument is only checked against a checkpointDir, which is unset here.
    const ssc = await StreamingContext.getOrCreate(store, () => {
      const created = new StreamingContext({
        batchInterval: 1000,
        clock,
        name: 's3-text-ckpt',
        checkpointStore,
      });
      s3TextFileStream(created, `s3://${bucket}/in/`, { ...s3Options(), includeExisting: true }).foreachBatch(
        (lines) => {
          seen.push([...lines]);
        },
      );
      return created;
    });
    await before();
    await ssc.start();
    await clock.advance(until);
    await ssc.stop();
    await ssc.awaitTermination();
    checkpointStore.close();
    return seen;
  };
  const first = await run(() => putText(client, bucket, 'in/1.txt', 'one\n'), 1000);
  t.deepEqual(first, [['one']]);
  // The resumed job's next batch is at 2000; its position already holds in/1.txt.
  const second = await run(() => putText(client, bucket, 'in/2.txt', 'two\n'), 2000);
  t.deepEqual(second, [['two']]);
});
