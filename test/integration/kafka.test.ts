/**
 * The Kafka direct stream and the Kafka output against the real broker (`scripts/servers/kafka.ts`).
 *
 * Every Kafka integration test lives in this file: one of them stops the broker for 10 s, and it
 * runs first (`test.serial`), before the others start, so that no other test loses its broker.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createInterface } from 'node:readline';
import { StreamingContext, type DeadLetter, type StreamingEvent } from '../../lib/index.js';
import { kafkaOutput } from '../../outputs/index.js';
import { kafkaDirectStream, type KafkaRecord, type OffsetRange } from '../../receivers/index.js';
import { restartServer } from '../../scripts/servers.js';
import { createTopic, kafkaBrokers, kafkaSasl, produce, readAll } from '../helpers/kafka.js';
import { runOutputJob } from '../helpers/outputs.js';
import { logServerOnFailure, uniqueName } from '../helpers/servers.js';

const brokers = kafkaBrokers();
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Resolves once `ready()` is true after a batch; rejects if the context stops first. */
function whenBatch(ssc: StreamingContext, ready: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    ssc.events.subscribe((e) => {
      if (e.type === 'batchCompleted' && ready()) resolve();
      if (e.type === 'contextStopped') {
        if (ready()) resolve();
        else reject(e.error ?? new Error('the context stopped before the awaited batch'));
      }
    });
  });
}

/** Counts of each (partition, offset) seen, to tell lost from doubled records. */
function offsetCounter(): {
  add(r: KafkaRecord<unknown, unknown, unknown>): void;
  seen: Map<string, number>;
} {
  const seen = new Map<string, number>();
  return {
    seen,
    add: (r) => seen.set(`${r.partition}@${r.offset}`, (seen.get(`${r.partition}@${r.offset}`) ?? 0) + 1),
  };
}

function duplicates(seen: Map<string, number>): string[] {
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

test.serial(
  'the broker stopped for 10 s mid-run: the job reports errors, recovers and loses nothing',
  async (t) => {
    t.timeout(150_000);
    logServerOnFailure(t, 'kafka');
    const topic = await createTopic('outage', 3);
    const out = await createTopic('outage-out', 3);
    const first = Array.from({ length: 9000 }, (_, i) => ({ key: `k${i % 10}`, value: `a${i}` }));
    await produce(topic, first);
    const ssc = new StreamingContext({ batchInterval: 250, logger: quiet });
    const errors: StreamingEvent[] = [];
    ssc.events.subscribe((e) => e.type === 'connectorError' && errors.push(e));
    const stream = kafkaDirectStream(ssc, {
      brokers,
      topics: [topic],
      groupId: uniqueName('outage'),
      startingOffsets: 'earliest',
      maxRatePerPartition: 400,
      stallTimeout: 3000,
      sessionTimeout: 6000,
    });
    const counter = offsetCounter();
    const values = new Set<string>();
    stream.foreachBatch((records) => {
      for (const r of records) {
        counter.add(r);
        values.add(r.value ?? '');
      }
    });
    kafkaOutput(
      stream.map((r) => r.value ?? ''),
      { brokers, topic: out },
    );
    await ssc.start();
    await whenBatch(ssc, () => counter.seen.size >= 1000);
    t.true(counter.seen.size < first.length, 'the broker stops while the job still has records to read');
    await restartServer('kafka', 10_000);
    const second = Array.from({ length: 3000 }, (_, i) => ({ key: `k${i % 10}`, value: `b${i}` }));
    await produce(topic, second);
    await whenBatch(ssc, () => counter.seen.size >= first.length + second.length);
    await ssc.stop({ graceful: true });

    t.log(
      `${errors.length} connectorError events, e.g.: ${errors
        .slice(0, 3)
        .map((e) => (e.type === 'connectorError' ? `${e.connector}: ${e.message}` : ''))
        .join(' | ')}`,
    );
    t.true(errors.length > 0, 'the lost broker is reported on ssc.events');
    t.is(counter.seen.size, first.length + second.length, 'every record read, none twice');
    t.deepEqual(duplicates(counter.seen), [], 'no record read twice');
    const produced = [...first, ...second].map((m) => m.value);
    t.deepEqual([...values].sort(), produced.sort(), 'the records produced');
    const written = new Set((await readAll(out)).map((m) => m.value?.toString()));
    const missing = [...first, ...second].filter((m) => !written.has(m.value));
    t.deepEqual(missing, [], 'the output lost nothing (at-least-once)');
  },
);

test('3 partitions, 100 000 messages: exact counts per key, contiguous offset ranges', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'kafka');
  const topic = await createTopic('counts', 3);
  const total = 100_000;
  const expected = new Map<string, number>();
  const messages = Array.from({ length: total }, (_, i) => {
    const key = `key-${(i * 7919) % 101}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
    return { key, value: `${i}` };
  });
  await produce(topic, messages);
  const ssc = new StreamingContext({ batchInterval: 200, logger: quiet });
  const stream = kafkaDirectStream(ssc, {
    brokers,
    topics: [topic],
    groupId: uniqueName('counts'),
    startingOffsets: 'earliest',
    maxRatePerPartition: 50_000,
  });
  const counts = new Map<string, number>();
  let seen = 0;
  stream
    .map((r) => [r.key ?? '', 1] as [string, number])
    .reduceByKey((a, b) => a + b)
    .foreachBatch((pairs) => {
      for (const [k, n] of pairs) {
        counts.set(k, (counts.get(k) ?? 0) + n);
        seen += n;
      }
    });
  const ranges: OffsetRange[] = [];
  stream.foreachBatch((_, time) => void ranges.push(...(stream.offsetRangesAt(time) ?? [])));
  await ssc.start();
  await whenBatch(ssc, () => seen >= total);
  await ssc.stop({ graceful: true });

  t.is(seen, total);
  t.deepEqual(new Map([...counts].sort()), new Map([...expected].sort()));
  for (const partition of [0, 1, 2]) {
    const mine = ranges.filter((r) => r.partition === partition && r.untilOffset > r.fromOffset);
    t.true(mine.length >= 1);
    mine.forEach((r, i) => {
      t.true(r.untilOffset - r.fromOffset <= 50_000 * 0.2, 'maxRatePerPartition caps a batch');
      if (i > 0) t.is(r.fromOffset, (mine[i - 1] as OffsetRange).untilOffset, 'ranges follow each other');
    });
  }
  t.is(
    ranges.reduce((n, r) => n + r.untilOffset - r.fromOffset, 0),
    total,
  );
});

test('a restarted job resumes from the committed offsets: nothing lost, nothing read twice', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'kafka');
  const topic = await createTopic('resume', 3);
  const groupId = uniqueName('resume');
  const counter = offsetCounter();
  const run = async (until: number): Promise<void> => {
    const ssc = new StreamingContext({ batchInterval: 200, logger: quiet });
    const stream = kafkaDirectStream(ssc, {
      brokers,
      topics: [topic],
      groupId,
      startingOffsets: 'earliest',
      commit: 'kafka',
      maxRatePerPartition: 5000,
    });
    stream.foreachBatch((records) => records.forEach((r) => counter.add(r)));
    await ssc.start();
    await whenBatch(ssc, () => counter.seen.size >= until);
    await ssc.stop({ graceful: true });
  };
  // Without the committed offsets, the second run would start again at the earliest offset.
  await produce(
    topic,
    Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: `a${i}` })),
  );
  await run(10_000);
  await produce(
    topic,
    Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: `b${i}` })),
  );
  await run(20_000);
  t.is(counter.seen.size, 20_000);
  t.deepEqual(duplicates(counter.seen), []);
});

test('with commit: checkpoint, a job resumed by getOrCreate continues from its checkpoint', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'kafka');
  const topic = await createTopic('ckpt', 2);
  const dir = await mkdtemp(join(tmpdir(), 'kindling-kafka-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const groupId = uniqueName('ckpt');
  const counter = offsetCounter();
  const restored: number[] = [];
  const run = async (until: number): Promise<void> => {
    const ssc = await StreamingContext.getOrCreate(dir, () => {
      const ssc = new StreamingContext({ batchInterval: 200, checkpointDir: dir, logger: quiet });
      kafkaDirectStream(ssc, {
        brokers,
        topics: [topic],
        groupId,
        startingOffsets: 'earliest',
        commit: 'checkpoint',
        maxRatePerPartition: 5000,
        name: 'numbers',
      }).foreachBatch((records) => records.forEach((r) => counter.add(r)));
      return ssc;
    });
    ssc.events.subscribe((e) => e.type === 'checkpointRestored' && restored.push(e.batchTime));
    await ssc.start();
    await whenBatch(ssc, () => counter.seen.size >= until);
    await ssc.stop({ graceful: true });
  };
  // The group has no offsets (commit: 'checkpoint'): only the checkpoint says where to go on.
  await produce(
    topic,
    Array.from({ length: 8000 }, (_, i) => ({ value: `a${i}` })),
  );
  await run(8000);
  await produce(
    topic,
    Array.from({ length: 8000 }, (_, i) => ({ value: `b${i}` })),
  );
  await run(16_000);
  t.is(restored.length, 1, 'the second run resumed from the checkpoint');
  t.is(counter.seen.size, 16_000);
  t.deepEqual(duplicates(counter.seen), []);
});

test('a transactional Kafka-to-Kafka job killed with SIGKILL and restarted writes every input exactly once', async (t) => {
  t.timeout(120_000);
  logServerOnFailure(t, 'kafka');
  const input = await createTopic('tx-in', 3);
  const output = await createTopic('tx-out', 3);
  const total = 90_000;
  const values = Array.from({ length: total }, (_, i) => `value-${i}`);
  await produce(
    input,
    values.map((value, i) => ({ key: `k${i % 50}`, value })),
  );
  const args = [brokers[0] as string, input, output, uniqueName('tx-group'), uniqueName('tx-id')];
  let stderr = '';
  const start = (): { kill: () => void; batches: (n: number) => Promise<void>; exited: Promise<unknown> } => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/kafka-transactional-job.ts', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let count = 0;
    const waiting: [number, () => void][] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('batch ')) return;
      count++;
      for (const [n, resolve] of waiting) if (count >= n) resolve();
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    return {
      kill: () => child.kill('SIGKILL'),
      batches: (n) => new Promise((resolve) => (count >= n ? resolve() : waiting.push([n, resolve]))),
      exited,
    };
  };
  const first = start();
  await first.batches(2);
  // Somewhere in the next batch (250 ms apart), likely while its transaction is open.
  const delay = Math.floor(Math.random() * 250);
  await new Promise((r) => setTimeout(r, delay));
  first.kill();
  await first.exited;
  const partial = (await readAll(output)).length;
  t.true(partial > 0 && partial < total, `the first run was killed part-way (${partial} written)`);

  const second = start();
  t.teardown(() => second.kill());
  let written: string[] = [];
  for (let tries = 0; tries < 60 && written.length < total; tries++) {
    await second.batches(1);
    written = (await readAll(output)).map((m) => m.value?.toString() ?? '');
    if (written.length < total) await new Promise((r) => setTimeout(r, 1000));
  }
  second.kill();
  await second.exited;
  t.log(`killed ${delay} ms after the 2nd batch, with ${partial} records committed`);
  t.is(written.length, total, `read_committed sees every input once (stderr: ${stderr.slice(-2000)})`);
  t.deepEqual(written.sort(), values.map((v) => v.toUpperCase()).sort(), 'each input exactly once');
});

test('records that are not UTF-8 or not JSON become dead letters; keys, headers and timestamps are kept', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kafka');
  const topic = await createTopic('letters', 1);
  await produce(topic, [
    { key: 'a', value: JSON.stringify({ n: 1 }) },
    { key: 'b', value: '{ not json' },
    { key: 'c', value: Buffer.from([0xff, 0xfe, 0x41]) },
    { key: null, value: JSON.stringify({ n: 2 }) },
  ]);
  const ssc = new StreamingContext({ batchInterval: 200, logger: quiet });
  const stream = kafkaDirectStream<{ n: number }>(ssc, {
    brokers,
    topics: [topic],
    groupId: uniqueName('letters'),
    startingOffsets: 'earliest',
    deserializer: 'json',
  });
  const records: KafkaRecord<{ n: number }>[] = [];
  const letters: DeadLetter[] = [];
  stream.foreachBatch((batch) => void records.push(...batch));
  stream.deadLetters().foreachBatch((batch) => void letters.push(...batch));
  await ssc.start();
  await whenBatch(ssc, () => records.length + letters.length >= 4);
  await ssc.stop({ graceful: true });

  t.deepEqual(
    records.map((r) => [r.key, r.value, r.offset]),
    [
      ['a', { n: 1 }, 0],
      [null, { n: 2 }, 3],
    ],
  );
  t.true(records.every((r) => r.topic === topic && r.partition === 0 && r.timestamp > 1_600_000_000_000));
  t.deepEqual(
    letters.map((l) => [l.reason, l.origin.detail]),
    [
      ['malformedJson', `${topic}/0@1`],
      ['invalidUtf8', `${topic}/0@2`],
    ],
  );
  t.is(letters[0]?.record, '{ not json');
});

test('SASL: the right password reads; a wrong one fails the start with a message that holds no password', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kafka');
  const sasl = kafkaSasl();
  const topic = await createTopic('sasl', 1);
  await produce(topic, [{ value: 'hello', key: 'k' }]);
  const good = new StreamingContext({ batchInterval: 200, logger: quiet });
  const read: string[] = [];
  kafkaDirectStream(good, {
    brokers: sasl.brokers,
    sasl: { mechanism: 'plain', username: sasl.username, password: sasl.password },
    topics: [topic],
    groupId: uniqueName('sasl'),
    startingOffsets: 'earliest',
  }).foreachBatch((records) => void read.push(...records.map((r) => r.value ?? '')));
  await good.start();
  await whenBatch(good, () => read.length >= 1);
  await good.stop({ graceful: true });
  t.deepEqual(read, ['hello']);

  const wrong = 'not-the-password-4711';
  const bad = new StreamingContext({ batchInterval: 200, logger: quiet });
  const events: StreamingEvent[] = [];
  bad.events.subscribe((e) => events.push(e));
  kafkaDirectStream(bad, {
    brokers: sasl.brokers,
    sasl: { mechanism: 'plain', username: sasl.username, password: wrong },
    topics: [topic],
    groupId: uniqueName('sasl'),
  }).foreachBatch(() => undefined);
  const error = await t.throwsAsync(bad.start());
  t.regex(error?.message ?? '', /auth/i);
  t.false(inspect(error, { depth: 10 }).includes(wrong), 'the error holds no password');
  t.false(inspect(events, { depth: 10 }).includes(wrong), 'no event holds the password');
});

test('kafkaOutput in a job needs no close: ssc.stop() disconnects its producer after the last batch', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kafka');
  const out = await createTopic('closed-by-stop', 1);
  const job = await runOutputJob('kafka', [['a', 'b'], ['c']], (stream) =>
    kafkaOutput(stream, { brokers, topic: out }),
  );
  t.is(job.closes, 1, 'ssc.stop() closed the output; the test did not');
  t.deepEqual(job.connectorErrors, []);
  t.deepEqual(job.batchErrors, []);
  const written = await readAll(out);
  t.deepEqual(written.map((m) => m.value?.toString()).sort(), ['a', 'b', 'c']);
});
