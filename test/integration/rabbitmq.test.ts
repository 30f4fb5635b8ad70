/**
 * The RabbitMQ receiver and output against the real broker (`scripts/servers/rabbitmq.ts`): a
 * round trip, a consumer killed before it acks, bad bodies to dead letters, a deleted queue, nacks
 * and unroutable messages, and a wrong password that never shows.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { inspect } from 'node:util';
import { connect, type ChannelModel } from 'amqplib';
import {
  StreamingContext,
  type DeadLetter,
  type KindlingError,
  type StreamingEvent,
} from '../../lib/index.js';
import { RabbitMQOutput, rabbitmqOutput } from '../../outputs/index.js';
import {
  RabbitMQReceiver,
  rabbitmqStream,
  type RabbitMQReceiverOptions,
  type RabbitMQRecord,
} from '../../receivers/index.js';
import { runOutputJob } from '../helpers/outputs.js';
import { logServerOnFailure, serverEnv, uniqueName } from '../helpers/servers.js';

const port = Number(serverEnv('rabbitmq').KINDLING_RABBITMQ_PORT);
const url = `amqp://guest:guest@127.0.0.1:${port}`;

/** A connection of the test's own, to declare, inspect and delete queues. */
async function admin(t: { teardown(fn: () => Promise<void>): void }): Promise<ChannelModel> {
  const model = await connect(url);
  t.teardown(() => model.close().catch(() => undefined));
  return model;
}

/** The queue's counts, on a channel of its own (a missing queue closes the channel); undefined if missing. */
async function queueState(
  model: ChannelModel,
  queue: string,
): Promise<{ messageCount: number; consumerCount: number } | undefined> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  try {
    return await channel.checkQueue(queue);
  } catch {
    return undefined;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

interface Run<T> {
  readonly records: RabbitMQRecord<T>[];
  readonly deadLetters: DeadLetter[];
  readonly events: StreamingEvent[];
  /** Resolves once `count` records (and dead letters) arrived in all. */
  until(count: number): Promise<void>;
  /** Resolves at the first event that `match` accepts. */
  event(match: (event: StreamingEvent) => boolean): Promise<StreamingEvent>;
  stop(): Promise<void>;
}

/** Starts a job that collects what a RabbitMQ stream with `options` receives. */
async function consume<T>(
  options: RabbitMQReceiverOptions<T>,
  context: { checkpointDir?: string; writeAheadLog?: boolean } = {},
): Promise<Run<T>> {
  const ssc = new StreamingContext({ batchInterval: 100, name: uniqueName('rabbitmq-job'), ...context });
  const records: RabbitMQRecord<T>[] = [];
  const deadLetters: DeadLetter[] = [];
  const events: StreamingEvent[] = [];
  const waiters: (() => void)[] = [];
  const wake = (): void => waiters.splice(0).forEach((w) => w());
  const stream = rabbitmqStream<T>(ssc, options);
  stream.foreachBatch((batch) => {
    records.push(...batch);
    wake();
  });
  stream.deadLetters().foreachBatch((letters) => {
    deadLetters.push(...letters);
    wake();
  });
  ssc.events.subscribe((event) => {
    events.push(event);
    wake();
  });
  const waitFor = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  await ssc.start();
  return {
    records,
    deadLetters,
    events,
    until: (count) => waitFor(() => records.length + deadLetters.length >= count),
    event: async (match) => {
      await waitFor(() => events.some(match));
      return events.find(match) as StreamingEvent;
    },
    stop: () => ssc.stop({ graceful: true }),
  };
}

test('a round trip: what a job publishes with confirms, the receiver gets, with the write-ahead log on', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'rabbitmq');
  const queue = uniqueName('round-trip');
  const channel = await (await admin(t)).createChannel();
  await channel.assertQueue(queue, { durable: true });
  const sent = Array.from({ length: 300 }, (_, i) => ({ id: i, text: `message ${i}`, tags: [i % 3] }));
  // Published by a job: ssc.stop() closes the output after the last batch's confirms.
  const job = await runOutputJob('rabbitmq', [sent.slice(0, 150), sent.slice(150)], (stream) =>
    rabbitmqOutput(stream, { url, routingKey: queue }),
  );
  t.is(job.closes, 1, 'ssc.stop() closed the output; the test did not');
  t.deepEqual(job.connectorErrors, []);

  const dir = await mkdtemp(join(tmpdir(), 'kindling-rabbitmq-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const run = await consume<(typeof sent)[number]>(
    { url, queue, decoder: 'json', prefetch: 50 },
    { checkpointDir: dir, writeAheadLog: true },
  );
  await run.until(sent.length);
  await run.stop();

  t.deepEqual(
    run.records.map((r) => r.content).sort((a, b) => a.id - b.id),
    sent,
  );
  t.true(run.records.every((r) => r.routingKey === queue && r.exchange === '' && !r.redelivered));
  t.true(run.records.every((r) => r.properties.contentType === 'application/json'));
  t.deepEqual(run.deadLetters, []);
  // Every message was acked: none is left in the queue, ready or unacked.
  const left = await channel.checkQueue(queue);
  t.is(left.messageCount, 0);
});

test('a consumer killed after storing but before acking: a new consumer gets every message again, redelivered', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'rabbitmq');
  const queue = uniqueName('unacked');
  const channel = await (await admin(t)).createChannel();
  await channel.assertQueue(queue);
  const sent = Array.from({ length: 40 }, (_, i) => `m-${i}`);
  const output = new RabbitMQOutput<string>({ url, routingKey: queue });
  t.teardown(() => output.close());
  await output.write(sent);

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/unacked-consumer.ts', 'rabbitmq', url, queue],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  const stored = await new Promise<string[]>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = JSON.parse(line) as { stored?: string[] };
      if (parsed.stored) resolve(parsed.stored);
    });
    child.on('exit', (code) => reject(new Error(`the consumer exited (${code}) before storing: ${stderr}`)));
  });
  t.true(stored.length > 0);
  // Wait until the broker has handed every message to the consumer (none ready, all unacked).
  for (;;) {
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;

  const run = await consume<string>({ url, queue, decoder: 'string' });
  await run.until(sent.length);
  await run.stop();
  t.deepEqual(run.records.map((r) => r.content).sort(), [...sent].sort());
  // The broker had delivered them all to the killed consumer: each comes again marked redelivered.
  t.true(run.records.every((r) => r.redelivered));
  t.true(stored.every((content) => sent.includes(content)));
});

test('bodies that are not UTF-8 or not JSON go to the dead letters, and are acked', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'rabbitmq');
  const queue = uniqueName('bad-bodies');
  const channel = await (await admin(t)).createChannel();
  await channel.assertQueue(queue);
  channel.sendToQueue(queue, Buffer.from('{"ok":1}'));
  channel.sendToQueue(queue, Buffer.from('{not json'));
  channel.sendToQueue(queue, Buffer.from([0xff, 0xfe, 0x41]));
  channel.sendToQueue(queue, Buffer.from('{"ok":2}'));

  const run = await consume<{ ok: number }>({ url, queue, decoder: 'json' });
  await run.until(4);
  await run.stop();
  t.deepEqual(run.records.map((r) => r.content.ok).sort(), [1, 2]);
  t.deepEqual(run.deadLetters.map((l) => l.reason).sort(), ['invalidUtf8', 'malformedJson']);
  t.true(run.deadLetters.every((l) => l.error.message.includes(queue)));
  t.is((await channel.checkQueue(queue)).messageCount, 0);
});

test('a deleted queue ends the consumer: the receiver reports it, restarts, declares the queue again and reads on', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'rabbitmq');
  const queue = uniqueName('deleted');
  const model = await admin(t);
  const channel = await model.createChannel();
  await channel.assertQueue(queue);
  const run = await consume<string>({ url, queue, decoder: 'string', declareQueue: true });
  channel.sendToQueue(queue, Buffer.from('before'));
  await run.until(1);
  await channel.deleteQueue(queue);
  const error = await run.event((e) => e.type === 'receiverError' && e.restartIn !== undefined);
  t.regex((error as { message: string }).message, /cancelled the consumer/);
  // Restarted, it declares the queue again; what is sent then arrives.
  await run.event((e) => e.type === 'receiverStarted' && run.events.indexOf(e) > run.events.indexOf(error));
  for (;;) {
    if (((await queueState(model, queue))?.consumerCount ?? 0) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  channel.sendToQueue(queue, Buffer.from('after'));
  await run.until(2);
  await run.stop();
  t.deepEqual(
    run.records.map((r) => r.content),
    ['before', 'after'],
  );
});

test('a missing queue is reported with how to fix it, and tried again', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'rabbitmq');
  const queue = uniqueName('missing');
  const run = await consume<string>({ url, queue });
  const first = await run.event((e) => e.type === 'receiverError');
  await run.event((e) => e.type === 'receiverError' && e !== first);
  await run.stop();
  t.regex(
    (first as { message: string }).message,
    /NOT_FOUND - no queue .*; declare the queue first, or pass declareQueue/,
  );
});

test('the output fails a batch clearly when the broker nacks or cannot route a message', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'rabbitmq');
  const queue = uniqueName('full');
  const channel = await (await admin(t)).createChannel();
  await channel.assertQueue(queue, { maxLength: 2, overflow: 'reject-publish' });
  const output = new RabbitMQOutput<string>({ url, routingKey: queue });
  t.teardown(() => output.close());
  const nacked = await t.throwsAsync(output.write(['a', 'b', 'c', 'd', 'e'], 3000));
  t.regex(nacked.message, /refused \(nacked\) 3 of 5 messages of the batch at 3000/);
  t.is((await channel.checkQueue(queue)).messageCount, 2);

  const nowhere = new RabbitMQOutput<string>({ url, routingKey: uniqueName('no-such-queue') });
  t.teardown(() => nowhere.close());
  const returned = await t.throwsAsync(nowhere.write(['x', 'y']));
  t.regex(returned.message, /2 of 2 messages reached no queue/);
  // The broker closes the channel on a publish to a missing exchange: the batch fails and says
  // why; the next batch opens a new channel.
  const routed = new RabbitMQOutput<{ exchange: string; text: string }>({
    url,
    message: (r) => ({ exchange: r.exchange, routingKey: queue, content: r.text }),
  });
  t.teardown(() => routed.close());
  const closed = await t.throwsAsync(routed.write([{ exchange: uniqueName('no-such-exchange'), text: 'x' }]));
  t.regex(closed.message, /the broker closed the channel .*NOT_FOUND - no exchange/);
  await channel.purgeQueue(queue);
  await routed.write([{ exchange: '', text: 'y' }]);
  t.is((await channel.checkQueue(queue)).messageCount, 1);

  // With mandatory off, unroutable messages are the broker's to drop.
  const dropping = new RabbitMQOutput<string>({
    url,
    routingKey: uniqueName('no-such-queue'),
    mandatory: false,
  });
  t.teardown(() => dropping.close());
  await t.notThrowsAsync(dropping.write(['x']));
});

test('a wrong password: the receiver reports and retries, the output fails, and neither shows the password', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'rabbitmq');
  const password = `Wrong-${uniqueName('secret')}`;
  const queue = uniqueName('auth');
  const run = await consume<string>({ hostname: '127.0.0.1', port, username: 'guest', password, queue });
  const error = await run.event((e) => e.type === 'receiverError');
  // It keeps trying: a second attempt is reported too.
  await run.event((e) => e.type === 'receiverError' && e !== error);
  await run.stop();
  t.regex(
    (error as { message: string }).message,
    /could not connect to RabbitMQ at amqp:\/\/127\.0\.0\.1:\d+ as 'guest'.*ACCESS.REFUSED/,
  );
  t.false(inspect(run.events, { depth: Infinity }).includes(password));

  const viaUrl = `amqp://guest:${password}@127.0.0.1:${port}`;
  const output = new RabbitMQOutput<string>({ url: viaUrl, routingKey: queue });
  t.teardown(() => output.close());
  const failed = await t.throwsAsync(output.write(['x']));
  t.regex(failed.message, /ACCESS.REFUSED/);
  t.false((failed as KindlingError).retriable, 'a refused login is not tried again');
  t.false(inspect(failed, { depth: Infinity }).includes(password));
  t.false(failed.message.includes(password));
});

test('prefetch is the backpressure: a receiver whose store waits holds at most prefetch messages unacked', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'rabbitmq');
  const queue = uniqueName('prefetch');
  const model = await admin(t);
  const channel = await model.createChannel();
  await channel.assertQueue(queue);
  for (let i = 0; i < 50; i++) channel.sendToQueue(queue, Buffer.from(`m-${i}`));
  await channel.checkQueue(queue);

  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let firstStore!: () => void;
  const stored = new Promise<void>((resolve) => (firstStore = resolve));
  class SlowReceiver extends RabbitMQReceiver<string> {
    override async store(records: readonly RabbitMQRecord<string>[]): Promise<void> {
      await super.store(records);
      firstStore();
      await released;
    }
  }
  const ssc = new StreamingContext({ batchInterval: 100, name: uniqueName('prefetch-job') });
  const received: string[] = [];
  ssc
    .receiverStream(new SlowReceiver({ url, queue, decoder: 'string', prefetch: 5 }))
    .foreachBatch((batch) => void received.push(...batch.map((r) => r.content)));
  await ssc.start();
  await stored;
  // The broker hands out 5 and keeps the other 45 while none is acked.
  let ready = 50;
  while (ready > 45) {
    ready = (await channel.checkQueue(queue)).messageCount;
    if (ready > 45) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.is(ready, 45);
  release();
  while ((await channel.checkQueue(queue)).messageCount > 0 || received.length < 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await ssc.stop({ graceful: true });
  t.deepEqual([...received].sort(), Array.from({ length: 50 }, (_, i) => `m-${i}`).sort());
});

test('options are checked before anything connects', (t) => {
  t.throws(() => new RabbitMQOutput({ url: 'http://127.0.0.1' }), { message: /amqp:\/\/ or amqps:\/\// });
  t.throws(() => rabbitmqStream(new StreamingContext({ batchInterval: 100 }), { url, queue: '' }), {
    message: /queue must be the name/,
  });
  t.throws(
    () => rabbitmqStream(new StreamingContext({ batchInterval: 100 }), { url, queue: 'q', prefetch: 0 }),
    {
      message: /prefetch must be a whole number from 1 to 65535/,
    },
  );
});
