/**
 * The Kinesis output against kinesalite: records written in calls within the limits, a partly
 * failed PutRecords retried for the failed records only (all arrive exactly once), and records
 * over the size limit sent to the dead letters or failing the batch.
 */
import test from 'ava';
import { PutRecordsCommand, type KinesisClient, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { ManualClock, StreamingContext, type DeadLetter, type StreamingEvent } from '../../../lib/index.js';
import { kinesisOutput } from '../../../outputs/kinesis/index.js';
import { logServerOnFailure } from '../../helpers/servers.js';
import {
  Collector,
  connection,
  createStream,
  increasing,
  readAll,
  testClient,
} from '../../receivers/kinesis/kinesalite.js';

interface Event {
  readonly key: string;
  readonly n: number;
}

function context(clock: ManualClock): StreamingContext {
  return new StreamingContext({ batchInterval: 1000, clock, name: 'kinesis-output-test' });
}

/**
 * A client whose PutRecords calls are recorded, and whose first call fails the entries that
 * `failFirst` picks: only the others are sent to the server; the failed ones get an ErrorCode
 * in an answer otherwise made of the server's real results.
 */
function recordingClient(failFirst: (index: number) => boolean = () => false): {
  client: KinesisClient;
  calls: number[][];
} {
  const client = testClient();
  const calls: number[][] = [];
  const send = client.send.bind(client) as (c: unknown, o?: unknown) => Promise<unknown>;
  client.send = (async (command: unknown, options?: unknown) => {
    if (!(command instanceof PutRecordsCommand)) return send(command, options);
    const entries = command.input.Records ?? [];
    calls.push(entries.map((e) => JSON.parse(Buffer.from(e.Data as Uint8Array).toString()).n as number));
    if (calls.length > 1) return send(command, options);
    const kept = entries.filter((_, i) => !failFirst(i));
    const real = (await send(
      new PutRecordsCommand({ ...command.input, Records: kept }),
      options,
    )) as PutRecordsCommandOutput;
    const results = [...(real.Records ?? [])];
    const merged = entries.map((_, i) =>
      failFirst(i)
        ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
        : results.shift(),
    );
    const failed = merged.filter((r) => r?.ErrorCode !== undefined).length;
    return { ...real, FailedRecordCount: failed, Records: merged };
  }) as typeof client.send;
  return { client, calls };
}

test('records are written in calls of at most 500, and in order per key', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kinesis');
  const admin = testClient();
  const stream = await createStream(admin, 2);
  const { client, calls } = recordingClient();
  const clock = new ManualClock();
  const ssc = context(clock);
  const batch = Array.from({ length: 1200 }, (_, n): Event => ({ key: `k${n % 10}`, n }));
  kinesisOutput(ssc.queueStream([batch, batch.slice(0, 3).map((e) => ({ ...e, n: e.n + 1200 }))]), {
    client,
    streamName: stream,
    partitionKey: (e) => e.key,
    data: (e) => JSON.stringify(e),
  });
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(
    calls.map((c) => c.length),
    [500, 500, 200, 3],
  );
  const written = await readAll(admin, stream);
  t.is(written.length, 1203);
  t.deepEqual(
    written.map((w) => (JSON.parse(w.text) as Event).n).sort((a, b) => a - b),
    Array.from({ length: 1203 }, (_, i) => i),
  );
  for (let k = 0; k < 10; k++) {
    const ns = written.filter((w) => w.partitionKey === `k${k}`).map((w) => (JSON.parse(w.text) as Event).n);
    t.deepEqual(
      ns,
      [...ns].sort((a, b) => a - b),
      `order of k${k}`,
    );
  }
  t.is(new Set(written.map((w) => w.shardId)).size, 2);
  for (const shard of new Set(written.map((w) => w.shardId))) {
    t.true(increasing(written.filter((w) => w.shardId === shard).map((w) => w.sequenceNumber)));
  }
});

test('a partly failed PutRecords is retried for the failed records only: all arrive exactly once', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kinesis');
  const admin = testClient();
  const stream = await createStream(admin, 2);
  const failing = (i: number): boolean => i % 7 === 3;
  const { client, calls } = recordingClient(failing);
  const clock = new ManualClock();
  const ssc = context(clock);
  const events: StreamingEvent[] = [];
  ssc.events.subscribe((e) => events.push(e));
  const batch = Array.from({ length: 100 }, (_, n): Event => ({ key: `k${n % 5}`, n }));
  kinesisOutput(ssc.queueStream([batch]), {
    client,
    streamName: stream,
    partitionKey: (e) => e.key,
    data: (e) => JSON.stringify(e),
    backoff: { initialDelay: 5, maxDelay: 20 },
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  const failedFirst = batch.filter((_, i) => failing(i)).map((e) => e.n);
  t.is(calls.length, 2);
  t.is(calls[0]?.length, 100);
  t.deepEqual(calls[1], failedFirst, 'only the failed records were sent again, in order');
  const written = await readAll(admin, stream);
  t.deepEqual(
    written.map((w) => (JSON.parse(w.text) as Event).n).sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
  );
  const completed = events.find((e) => e.type === 'batchCompleted');
  t.is(completed?.type === 'batchCompleted' ? completed.error : 'none', undefined);
});

test('a record over 1 MiB goes to the dead letters with onRecordError: deadLetter; the rest are written', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kinesis');
  const admin = testClient();
  const stream = await createStream(admin, 1);
  const clock = new ManualClock();
  const ssc = context(clock);
  const letters = new Collector<DeadLetter>();
  ssc.deadLetters().foreachBatch((batch) => letters.add(batch));
  const big = 'x'.repeat(1024 * 1024);
  kinesisOutput(ssc.queueStream([['small-1', big, 'small-2']]), {
    ...connection(),
    streamName: stream,
    partitionKey: () => 'p',
    data: (s) => s,
    onRecordError: 'deadLetter',
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  const written = await readAll(admin, stream);
  t.deepEqual(
    written.map((w) => w.text),
    ['small-1', 'small-2'],
  );
  t.is(letters.records.length, 1);
  t.regex(letters.records[0]?.error.message ?? '', /1048577 bytes .* over the limit of 1048576 bytes/);
});

test('a record over 1 MiB fails the batch by default, saying why', async (t) => {
  t.timeout(30_000);
  const clock = new ManualClock();
  const ssc = context(clock);
  kinesisOutput(ssc.queueStream([['x'.repeat(1024 * 1024)]]), {
    ...connection(),
    streamName: 'never-written',
    partitionKey: () => 'p',
    data: (s) => s,
  });
  await ssc.start();
  await clock.advance(1000);
  const error = await t.throwsAsync(ssc.awaitTermination());
  t.regex(error?.message ?? '', /over the limit of 1048576 bytes/);
});

test('kinesisOutput checks its options when it is called', (t) => {
  const ssc = context(new ManualClock());
  const stream = ssc.queueStream<string>([]);
  t.throws(() => kinesisOutput(stream, { streamName: '', partitionKey: () => 'p', data: (s) => s }), {
    message: /streamName must be/,
  });
  t.throws(() => kinesisOutput(stream, { streamName: 's', partitionKey: 'p' as never, data: (s) => s }), {
    message: /partitionKey must be a function/,
  });
  t.throws(
    () => kinesisOutput(stream, { streamName: 's', partitionKey: () => 'p', data: (s) => s, maxAttempts: 0 }),
    { message: /maxAttempts must be a whole number of at least 1/ },
  );
});
