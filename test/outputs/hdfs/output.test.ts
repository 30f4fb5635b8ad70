/**
 * The HDFS output and checkpoint store against the real HDFS (WebHDFS): what was written reads
 * back exactly, a batch written again leaves no duplicates and no temp files, rolled output, and
 * checkpoints written, read newest first, retained, and a corrupt one skipped.
 */
import test from 'ava';
import { ConfigurationError, ManualClock, StreamingContext, isBatchError } from '../../../lib/index.js';
import { HdfsCheckpointStore, hdfsOutput } from '../../../outputs/hdfs/index.js';
import { hdfsClient, hdfsPorts, hdfsUrl, uniqueHdfsDir } from '../../helpers/hdfs.js';
import { logServerOnFailure } from '../../helpers/servers.js';

interface Tweet {
  readonly id: number;
  readonly user: string;
  readonly text: string;
}

const tweets = (from: number, n: number): Tweet[] =>
  Array.from({ length: n }, (_, i) => ({
    id: from + i,
    user: `u${(from + i) % 7}`,
    text: `tweet ${from + i}`,
  }));

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function readJsonl(path: string): Promise<unknown[]> {
  const text = decode(await hdfsClient().open(path));
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
}

/** Every file under `dir`, as sorted relative paths. */
async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await hdfsClient().listStatus(dir)) {
    if (e.type === 'DIRECTORY')
      out.push(...(await tree(`${dir}/${e.pathSuffix}`, `${prefix}${e.pathSuffix}/`)));
    else out.push(`${prefix}${e.pathSuffix}`);
  }
  return out.sort();
}

test('each batch is a folder of JSON Lines with _SUCCESS that reads back exactly', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('output');
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'hdfs-output' });
  const odd: Tweet[] = [{ id: 1, user: 'é "q"', text: 'line\nbreak, comma \u2028 😀' }];
  const batches = [odd, [], tweets(10, 300)];
  const out = hdfsOutput(ssc.queueStream([...batches]), {
    url: hdfsUrl(dir),
    httpPort: hdfsPorts().http,
    user: hdfsPorts().user,
  });
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
  t.deepEqual(await readJsonl(`${dir}/batch-1000/part-00000.jsonl`), odd);
  t.deepEqual(await readJsonl(`${dir}/batch-2000/part-00000.jsonl`), []);
  t.deepEqual(await readJsonl(`${dir}/batch-3000/part-00000.jsonl`), batches[2]);
  t.true(out.store.location.includes(dir));
});

test('a batch written again replaces its folder: no duplicates, no temp files', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('output-rerun');
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'hdfs-rerun' });
  const out = hdfsOutput(ssc.queueStream<Tweet>([]), { url: hdfsUrl(dir), httpPort: hdfsPorts().http });
  const fs = hdfsClient();
  // A crash after the part was written but before _SUCCESS: a stray temp file and a part.
  await fs.create(`${dir}/batch-1000/.part-00000.jsonl.tmp`, '{"id":-1}\n');
  await fs.create(`${dir}/batch-1000/part-00000.jsonl`, '{"id":-2}\n');
  await out.write(tweets(0, 5), 1000);
  await out.write(tweets(0, 5), 1000); // the re-run of the same batch
  t.deepEqual(await tree(dir), ['batch-1000/_SUCCESS', 'batch-1000/part-00000.jsonl']);
  t.deepEqual(await readJsonl(`${dir}/batch-1000/part-00000.jsonl`), tweets(0, 5));
});

test('CSV with columns, and rolled batches in one file', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('output-roll');
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'hdfs-roll' });
  hdfsOutput(ssc.queueStream([tweets(0, 2), tweets(2, 1), tweets(3, 2)]), {
    url: hdfsUrl(dir),
    httpPort: hdfsPorts().http,
    format: 'csv',
    columns: ['id', 'user', 'text'],
    roll: { batches: 3 },
  });
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  t.deepEqual(await tree(dir), ['batches-1000-3000/_SUCCESS', 'batches-1000-3000/part-00000.csv']);
  const text = decode(await hdfsClient().open(`${dir}/batches-1000-3000/part-00000.csv`));
  const rows = text.trimEnd().split(/\r?\n/);
  t.is(rows[0], 'id,user,text');
  t.deepEqual(
    rows.slice(1),
    tweets(0, 5).map((r) => `${r.id},${r.user},${r.text}`),
  );
});

test('a lost NameNode fails the batch with a clear error after retries', async (t) => {
  t.timeout(60_000);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'hdfs-lost' });
  const sleeps: number[] = [];
  hdfsOutput(ssc.queueStream([tweets(0, 1)]), {
    url: 'webhdfs://127.0.0.1:1/out',
    maxAttempts: 2,
    backoff: { initialDelay: 10, jitter: 0 },
    clock: { sleep: async (ms) => void sleeps.push(ms) },
  });
  await ssc.start();
  await clock.advance(1000);
  const error = await t.throwsAsync(ssc.awaitTermination());
  t.true(isBatchError(error));
  t.regex(error.message, /webhdfs\/v1|127\.0\.0\.1:1.*failed/);
  t.regex(error.message, /gave up after 2 attempts/);
  t.deepEqual(sleeps, [10]);
  await ssc.stop().catch(() => undefined);
});

test('output options are checked', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'hdfs-opts' });
  const s = ssc.queueStream<Tweet>([]);
  t.throws(() => hdfsOutput(s, { url: 'file:///tmp/x' }), {
    instanceOf: ConfigurationError,
    message: /HDFS address/,
  });
  t.throws(() => hdfsOutput(s, { url: 'hdfs://nn:8020/' }), {
    instanceOf: ConfigurationError,
    message: /below the root/,
  });
});

test('checkpoint store: round trip newest first, retention, a corrupt file skipped', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('checkpoints');
  const store = new HdfsCheckpointStore({ url: hdfsUrl(dir), httpPort: hdfsPorts().http, keep: 2 });
  t.deepEqual(await store.readAll(), { checkpoints: [], skipped: [] });
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  await store.write(1000, bytes('one'));
  await store.write(2000, bytes('two'));
  await store.write(3000, bytes('three'));
  await store.write(3000, bytes('three again')); // replaces the same time
  const { checkpoints, skipped } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => [c.time, decode(c.data)]),
    [
      [3000, 'three again'],
      [2000, 'two'],
    ],
  );
  t.deepEqual(skipped, []);
  t.deepEqual(await tree(dir), ['checkpoint-0000000000002000', 'checkpoint-0000000000003000']);
  // A newer checkpoint cut short (a torn write by something else): skipped, with why.
  const fs = hdfsClient();
  await fs.create(`${dir}/checkpoint-0000000000004000`, bytes('KCKP\u0000\u0000'));
  const after = await store.readAll();
  t.deepEqual(
    after.checkpoints.map((c) => c.time),
    [3000, 2000],
  );
  t.is(after.skipped.length, 1);
  t.is(after.skipped[0]?.name, 'checkpoint-0000000000004000');
  t.regex(after.skipped[0]?.reason ?? '', /truncated/);
  await store.clear();
  t.deepEqual(await tree(dir), []);
});

test('checkpoint store: an incremental checkpoint is named after its base, which is kept as long as it is', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('checkpoint-bases');
  const store = new HdfsCheckpointStore({ url: hdfsUrl(dir), httpPort: hdfsPorts().http, keep: 1 });
  t.true(store.incremental);
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  await store.write(1000, bytes('whole'));
  await store.write(2000, bytes('changes since 1000'), 1000);
  t.deepEqual(await tree(dir), [
    'checkpoint-0000000000001000',
    'checkpoint-0000000000002000-on-0000000000001000',
  ]);
  await store.write(3000, bytes('whole again'));
  t.deepEqual(await tree(dir), ['checkpoint-0000000000003000']);
  const { checkpoints } = await store.readAll();
  t.deepEqual(
    checkpoints.map((c) => [c.name, decode(c.data)]),
    [['checkpoint-0000000000003000', 'whole again']],
  );
  await store.clear();
});

test("the HDFS store keeps batches' plans, oldest first, until no kept checkpoint needs them", async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('checkpoint-plans');
  const store = new HdfsCheckpointStore({ url: hdfsUrl(dir), httpPort: hdfsPorts().http, keep: 2 });
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  await store.write(1000, bytes('state at 1000'));
  for (const time of [2000, 3000]) await store.writePlans(time, bytes(`plans of ${time}`));
  t.deepEqual(
    (await store.readPlans()).plans.map((p) => [p.time, decode(p.data)]),
    [
      [2000, 'plans of 2000'],
      [3000, 'plans of 3000'],
    ],
  );
  await store.write(2000, bytes('state at 2000'));
  await store.write(3000, bytes('state at 3000'));
  t.deepEqual(await tree(dir), [
    'checkpoint-0000000000002000',
    'checkpoint-0000000000003000',
    'plans-0000000000003000',
  ]);
  await store.clear();
  t.deepEqual(await tree(dir), []);
});

test('a StreamingContext writes its checkpoints to the HDFS store', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('checkpoint-ctx');
  const store = new HdfsCheckpointStore({ url: hdfsUrl(dir), httpPort: hdfsPorts().http });
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'hdfs-ckpt', checkpointStore: store });
  ssc
    .queueStream([[1], [2], [3]])
    .reduce((a, b) => a + b)
    .foreachBatch(() => undefined);
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  const { checkpoints } = await store.readAll();
  t.true(checkpoints.length >= 1);
  t.is(checkpoints[0]?.time, 3000);
});
