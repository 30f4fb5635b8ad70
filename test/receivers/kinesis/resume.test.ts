/**
 * The Kinesis receiver's sequence numbers in the checkpoint and write-ahead log: a job stopped
 * part-way through a stream and started again with `getOrCreate` reads on where it stopped, so
 * the two runs together see every record exactly once.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock, StreamingContext, type StreamingEvent } from '../../../lib/index.js';
import { kinesisStream, type KinesisRecord } from '../../../receivers/kinesis/index.js';
import { logServerOnFailure } from '../../helpers/servers.js';
import { Collector, connection, createStream, increasing, put, testClient } from './kinesalite.js';

test('a job restarted from its checkpoint resumes after the last sequence number: nothing lost or read twice', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'kinesis');
  const dir = await mkdtemp(join(tmpdir(), 'kindling-kinesis-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const client = testClient();
  const stream = await createStream(client, 2);
  const records = (from: number, n: number): [string, string][] =>
    Array.from({ length: n }, (_, i) => [`k${(from + i) % 16}`, String(from + i)]);
  await put(client, stream, records(0, 600));

  const run = async (collector: Collector<KinesisRecord<string>>): Promise<StreamingContext> => {
    const ssc = await StreamingContext.getOrCreate(dir, () => {
      const ssc = new StreamingContext({
        batchInterval: 100,
        clock: new SystemClock(),
        checkpointDir: dir,
        writeAheadLog: { fsync: 'never' },
        name: 'kinesis-resume',
      });
      kinesisStream<string>(ssc, {
        ...connection(),
        streamName: stream,
        initialPosition: 'TRIM_HORIZON',
        decoder: 'string',
        // Small reads with pauses, so the first run stops part-way through the stream.
        maxRecordsPerCall: 20,
        pollIntervalMs: 50,
        shardDiscoveryIntervalMs: 500,
      }).foreachBatch((batch) => collector.add(batch));
      return ssc;
    });
    await ssc.start();
    return ssc;
  };

  const first = new Collector<KinesisRecord<string>>();
  const ssc1 = await run(first);
  await first.reached(150);
  await ssc1.stop({ graceful: true });
  t.true(first.records.length < 600, `the first run stopped part-way (${first.records.length} of 600)`);

  await put(client, stream, records(600, 400));
  const second = new Collector<KinesisRecord<string>>();
  const events: StreamingEvent[] = [];
  const ssc2 = await run(second);
  ssc2.events.subscribe((e) => events.push(e));
  const all = (rs: readonly KinesisRecord<string>[]): boolean =>
    first.records.length + rs.length >= 1000 && rs.some((r) => r.data === '999');
  await second.until(all);
  await ssc2.stop({ graceful: true });

  const both = [...first.records, ...second.records];
  t.is(new Set(both.map((r) => `${r.shardId}/${r.sequenceNumber}`)).size, both.length, 'no record twice');
  t.is(both.length, 1000);
  t.deepEqual(
    both.map((r) => Number(r.data)).sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  for (const shard of new Set(both.map((r) => r.shardId))) {
    t.true(increasing(both.filter((r) => r.shardId === shard).map((r) => r.sequenceNumber)), shard);
  }
  t.false(
    events.some((e) => e.type === 'receiverError'),
    'no receiver errors in the second run',
  );
});
