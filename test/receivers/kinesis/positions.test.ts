/** Where the Kinesis receiver starts without a stored position: LATEST and AT_TIMESTAMP. */
import test from 'ava';
import { SystemClock, StreamingContext } from '../../../lib/index.js';
import { kinesisStream, type KinesisRecord } from '../../../receivers/kinesis/index.js';
import { logServerOnFailure } from '../../helpers/servers.js';
import { Collector, connection, createStream, put, testClient } from './kinesalite.js';

const fast = { pollIntervalMs: 50, shardDiscoveryIntervalMs: 200, requestTimeoutMs: 5000 };

function context(): StreamingContext {
  return new StreamingContext({ batchInterval: 100, clock: new SystemClock(), name: 'kinesis-positions' });
}

const numbered = (prefix: string, n: number): [string, string][] =>
  Array.from({ length: n }, (_, i) => [`k${i % 8}`, `${prefix}${i}`]);

test('AT_TIMESTAMP starts at the first record written at or after the time', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'kinesis');
  const client = testClient();
  const stream = await createStream(client, 2);
  await put(client, stream, numbered('old', 50));
  const from = Date.now() + 1;
  while (Date.now() <= from); // the next records arrive strictly after `from` (ms clock)
  await put(client, stream, numbered('new', 50));

  const ssc = context();
  const seen = new Collector<KinesisRecord<string>>();
  kinesisStream<string>(ssc, {
    ...connection(),
    ...fast,
    streamName: stream,
    initialPosition: { timestamp: new Date(from) },
    decoder: 'string',
  }).foreachBatch((batch) => seen.add(batch));
  await ssc.start();
  await seen.reached(50);
  await ssc.stop({ graceful: true });
  t.deepEqual(
    seen.records.map((r) => r.data).sort(),
    numbered('new', 50)
      .map(([, v]) => v)
      .sort(),
  );
});

test('LATEST reads only what is written after the receiver started', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'kinesis');
  const client = testClient();
  const stream = await createStream(client, 2);
  await put(client, stream, numbered('old', 50));

  const ssc = context();
  const seen = new Collector<KinesisRecord<string>>();
  kinesisStream<string>(ssc, {
    ...connection(),
    ...fast,
    streamName: stream,
    initialPosition: 'LATEST',
    decoder: 'string',
  }).foreachBatch((batch) => seen.add(batch));
  await ssc.start();
  // One probe per shard's key range until both shards' readers have an iterator (a probe seen on each).
  const probed = seen.until(
    (rs) => new Set(rs.filter((r) => r.data === 'probe').map((r) => r.shardId)).size === 2,
  );
  let probing = true;
  void probed.then(() => (probing = false));
  while (probing) {
    await put(
      client,
      stream,
      Array.from({ length: 8 }, (_, i): [string, string] => [`k${i}`, 'probe']),
    );
    await Promise.race([probed, new Promise((r) => setTimeout(r, 100))]);
  }
  await put(client, stream, numbered('new', 50));
  await seen.until((rs) => rs.filter((r) => r.data.startsWith('new')).length === 50);
  await ssc.stop({ graceful: true });
  const data = seen.records.map((r) => r.data).filter((d) => d !== 'probe');
  t.deepEqual(
    data.sort(),
    numbered('new', 50)
      .map(([, v]) => v)
      .sort(),
  );
});
