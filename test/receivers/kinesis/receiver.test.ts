/**
 * The Kinesis receiver against kinesalite: two shards read completely and in order, a split
 * followed mid-run (the parent read to its end before its children), bad JSON in dead letters,
 * and errors that never carry the secret key.
 */
import test from 'ava';
import { GetRecordsCommand, ListShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { SystemClock, StreamingContext, type DeadLetter, type StreamingEvent } from '../../../lib/index.js';
import { kinesisStream, type KinesisRecord } from '../../../receivers/kinesis/index.js';
import { logServerOnFailure } from '../../helpers/servers.js';
import {
  Collector,
  connection,
  createStream,
  increasing,
  put,
  testClient,
  waitForShards,
} from './kinesalite.js';

const fast = { pollIntervalMs: 50, shardDiscoveryIntervalMs: 200, requestTimeoutMs: 5000 };

function context(): StreamingContext {
  return new StreamingContext({ batchInterval: 100, clock: new SystemClock(), name: 'kinesis-test' });
}

test('two shards: every record once, in sequence order per shard and in put order per key', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kinesis');
  const client = testClient();
  const stream = await createStream(client, 2);
  const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
  const input = (from: number, n: number): [string, string][] =>
    Array.from({ length: n }, (_, i) => [keys[(from + i) % keys.length] as string, String(from + i)]);
  const shardsBefore = await put(client, stream, input(0, 1200));

  const ssc = context();
  const seen = new Collector<KinesisRecord<string>>();
  kinesisStream<string>(ssc, {
    ...connection(),
    ...fast,
    streamName: stream,
    initialPosition: 'TRIM_HORIZON',
    decoder: 'string',
  }).foreachBatch((batch) => seen.add(batch));
  await ssc.start();
  await seen.reached(1200);
  const shardsAfter = await put(client, stream, input(1200, 800)); // while the job runs
  await seen.reached(2000);
  await ssc.stop({ graceful: true });

  const records = seen.records;
  t.is(records.length, 2000);
  t.is(new Set(records.map((r) => `${r.shardId}/${r.sequenceNumber}`)).size, 2000);
  t.deepEqual(
    records.map((r) => Number(r.data)).sort((a, b) => a - b),
    Array.from({ length: 2000 }, (_, i) => i),
  );
  const expectedPerShard = new Map<string, number>();
  for (const s of [...shardsBefore, ...shardsAfter])
    expectedPerShard.set(s, (expectedPerShard.get(s) ?? 0) + 1);
  t.is(expectedPerShard.size, 2, 'the keys spread over both shards');
  for (const [shard, count] of expectedPerShard) {
    const ofShard = records.filter((r) => r.shardId === shard);
    t.is(ofShard.length, count, `count of ${shard}`);
    t.true(increasing(ofShard.map((r) => r.sequenceNumber)), `sequence order of ${shard}`);
  }
  for (const key of keys) {
    const values = records.filter((r) => r.partitionKey === key).map((r) => Number(r.data));
    t.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
      `put order of ${key}`,
    );
  }
  const first = records[0] as KinesisRecord<string>;
  t.is(first.streamName, stream);
  t.true(first.approximateArrivalTimestamp instanceof Date);
});

test('a shard split mid-run is followed: the parent is read to its end before its children, nothing lost', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kinesis');
  const client = testClient();
  const stream = await createStream(client, 1);
  const ssc = context();
  const seen = new Collector<KinesisRecord<string>>();
  kinesisStream<string>(ssc, {
    ...connection(),
    ...fast,
    // Small reads, a pause after each: the parent still has records when its children appear.
    maxRecordsPerCall: 25,
    streamName: stream,
    initialPosition: 'TRIM_HORIZON',
    decoder: 'string',
  }).foreachBatch((batch) => seen.add(batch));
  await ssc.start();
  const records = (from: number, n: number): [string, string][] =>
    Array.from({ length: n }, (_, i) => [`k${(from + i) % 50}`, String(from + i)]);
  await put(client, stream, records(0, 500));
  await seen.reached(100); // the parent is being read

  const [parent] = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  const parentId = parent?.ShardId as string;
  const end = BigInt(parent?.HashKeyRange?.EndingHashKey as string);
  await client.send(
    new SplitShardCommand({
      StreamName: stream,
      ShardToSplit: parentId,
      NewStartingHashKey: String(end / 2n),
    }),
  );
  t.true(seen.records.length < 500, 'the split came while the parent still had records to read');
  // kinesalite answers SplitShard before it applies it: put only once the children exist.
  await waitForShards(client, stream, 3);
  const childShards = await put(client, stream, records(500, 500));
  await seen.reached(1000);
  await ssc.stop({ graceful: true });

  const got = seen.records;
  t.is(got.length, 1000);
  t.deepEqual(
    got.map((r) => Number(r.data)).sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  t.is(new Set(childShards).size, 2, 'records after the split went to both children');
  t.false(childShards.includes(parentId));
  const lastOfParent = got.map((r) => r.shardId).lastIndexOf(parentId);
  const firstOfChild = got.findIndex((r) => r.shardId !== parentId);
  t.is(lastOfParent, 499, 'the parent has the first 500 records');
  t.true(firstOfChild > lastOfParent, 'no child record before the parent ended');
  for (const shard of new Set(got.map((r) => r.shardId))) {
    t.true(increasing(got.filter((r) => r.shardId === shard).map((r) => r.sequenceNumber)));
  }
});

test('with the json decoder, malformed JSON goes to the dead letters with where it came from', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'kinesis');
  const client = testClient();
  const stream = await createStream(client, 1);
  await put(client, stream, [
    ['a', '{"n":1}'],
    ['a', '{"n":'],
    ['a', '{"n":3}'],
  ]);
  const ssc = context();
  const seen = new Collector<KinesisRecord<{ n: number }>>();
  const letters = new Collector<DeadLetter>();
  const input = kinesisStream<{ n: number }>(ssc, {
    ...connection(),
    ...fast,
    streamName: stream,
    initialPosition: 'TRIM_HORIZON',
    decoder: 'json',
  });
  input.foreachBatch((batch) => seen.add(batch));
  input.deadLetters().foreachBatch((batch) => letters.add(batch));
  await ssc.start();
  await Promise.all([seen.reached(2), letters.reached(1)]);
  await ssc.stop({ graceful: true });
  t.deepEqual(
    seen.records.map((r) => r.data),
    [{ n: 1 }, { n: 3 }],
  );
  t.is(letters.records.length, 1);
  const letter = letters.records[0] as DeadLetter;
  t.is(letter.reason, 'malformedJson');
  t.is(letter.record, '{"n":');
  t.regex(letter.origin.detail ?? '', new RegExp(`^${stream}/shardId-000000000000/\\d+$`));
});

test('a missing stream is reported on events and restarts the receiver; no event carries the secret key', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'kinesis');
  const secret = 'kindling-secret-do-not-log-8f3a';
  const ssc = context();
  const events: StreamingEvent[] = [];
  ssc.events.subscribe((e) => events.push(e));
  const restarted = new Promise<void>((resolve) =>
    ssc.events.subscribe((e) => {
      if (e.type === 'receiverError' && e.restartIn !== undefined) resolve();
    }),
  );
  kinesisStream(ssc, {
    ...connection(),
    ...fast,
    credentials: { accessKeyId: 'kindling-test', secretAccessKey: secret },
    streamName: 'kindling-no-such-stream',
  }).foreachBatch(() => undefined);
  await ssc.start();
  await restarted;
  await ssc.stop();
  const errors = events.filter((e) => e.type === 'receiverError');
  t.true(errors.length >= 1);
  t.regex(errors[0]?.type === 'receiverError' ? errors[0].message : '', /ResourceNotFoundException/);
  const text = JSON.stringify(events, (_k, v: unknown) =>
    v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
  );
  t.false(text.includes(secret));
});

test('throttled GetRecords calls back off and go on, without errors on events', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'kinesis');
  const admin = testClient();
  const stream = await createStream(admin, 1);
  await put(
    admin,
    stream,
    Array.from({ length: 30 }, (_, i): [string, string] => ['k', String(i)]),
  );
  // The server does not throttle on demand: the first three GetRecords calls fail as Kinesis would.
  const client = testClient();
  const send = client.send.bind(client) as (c: unknown, o?: unknown) => Promise<unknown>;
  let throttled = 0;
  client.send = (async (command: unknown, options?: unknown) => {
    if (command instanceof GetRecordsCommand && throttled < 3) {
      throttled++;
      const error = new Error('Rate exceeded for shard');
      error.name = 'ProvisionedThroughputExceededException';
      throw error;
    }
    return send(command, options);
  }) as typeof client.send;
  const ssc = context();
  const events: StreamingEvent[] = [];
  ssc.events.subscribe((e) => events.push(e));
  const seen = new Collector<KinesisRecord<string>>();
  kinesisStream<string>(ssc, {
    ...fast,
    client,
    backoff: { initialDelay: 10, maxDelay: 50 },
    streamName: stream,
    initialPosition: 'TRIM_HORIZON',
    decoder: 'string',
  }).foreachBatch((batch) => seen.add(batch));
  await ssc.start();
  await seen.reached(30);
  await ssc.stop({ graceful: true });
  t.is(throttled, 3);
  t.deepEqual(
    seen.records.map((r) => Number(r.data)),
    Array.from({ length: 30 }, (_, i) => i),
  );
  t.deepEqual(
    events.filter((e) => e.type === 'receiverError'),
    [],
  );
});

test('options are checked before anything connects', (t) => {
  const ssc = context();
  t.throws(() => kinesisStream(ssc, { streamName: 'bad name!' }), { message: /streamName must be/ });
  t.throws(() => kinesisStream(ssc, { streamName: 's', initialPosition: 'EARLIEST' as 'LATEST' }), {
    message: /initialPosition must be 'TRIM_HORIZON', 'LATEST' or \{ timestamp \}/,
  });
  t.throws(() => kinesisStream(ssc, { streamName: 's', maxRecordsPerCall: 20_000 }), {
    message: /maxRecordsPerCall must be a number above 0 and at most 10000/,
  });
  t.throws(() => kinesisStream(ssc, { streamName: 's', endpoint: '127.0.0.1:4567' }), {
    message: /is not a URL/,
  });
});
