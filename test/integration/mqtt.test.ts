/**
 * The MQTT receiver and output against the real broker (`scripts/servers/mosquitto.ts`): a round
 * trip through a persistent session, a consumer killed before it acknowledges, bad payloads to
 * dead letters, credentials (right and wrong; the password never shows).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { inspect } from 'node:util';
import { connectAsync } from 'mqtt';
import {
  StreamingContext,
  type DeadLetter,
  type KindlingError,
  type StreamingEvent,
} from '../../lib/index.js';
import { MqttOutput, mqttOutput } from '../../outputs/index.js';
import { mqttStream, type MqttReceiverOptions, type MqttRecord } from '../../receivers/index.js';
import { runOutputJob } from '../helpers/outputs.js';
import { logServerOnFailure, serverEnv, uniqueName } from '../helpers/servers.js';

const env = serverEnv('mosquitto');
const url = `mqtt://127.0.0.1:${env.KINDLING_MQTT_PORT}`;
const authUrl = `mqtt://127.0.0.1:${env.KINDLING_MQTT_AUTH_PORT}`;
const user = env.KINDLING_MQTT_USER as string;
const password = env.KINDLING_MQTT_PASSWORD as string;

/**
 * Makes the persistent session `clientId` with a QoS 1 subscription to `topic`, then leaves: the
 * broker keeps what is published to it from now on until the receiver connects with that id.
 */
async function createSession(
  clientId: string,
  topic: string,
  where: { url: string; username?: string; password?: string } = { url },
): Promise<void> {
  const { url: at, ...auth } = where;
  const client = await connectAsync(at, { clientId, clean: false, reconnectPeriod: 0, ...auth });
  await client.subscribeAsync(topic, { qos: 1 });
  await client.endAsync();
}

interface Run<T> {
  readonly records: MqttRecord<T>[];
  readonly deadLetters: DeadLetter[];
  readonly events: StreamingEvent[];
  until(count: number): Promise<void>;
  event(match: (event: StreamingEvent) => boolean): Promise<StreamingEvent>;
  stop(): Promise<void>;
}

/** Starts a job that collects what an MQTT stream with `options` receives. */
async function consume<T>(
  options: MqttReceiverOptions<T>,
  context: { checkpointDir?: string; writeAheadLog?: boolean } = {},
): Promise<Run<T>> {
  const ssc = new StreamingContext({ batchInterval: 100, name: uniqueName('mqtt-job'), ...context });
  const records: MqttRecord<T>[] = [];
  const deadLetters: DeadLetter[] = [];
  const events: StreamingEvent[] = [];
  const waiters: (() => void)[] = [];
  const wake = (): void => waiters.splice(0).forEach((w) => w());
  const stream = mqttStream<T>(ssc, options);
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

test('a round trip: what a job publishes at QoS 1 while the receiver is away, it gets on connecting', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'mosquitto');
  const topic = uniqueName('round-trip');
  const clientId = uniqueName('job');
  await createSession(clientId, topic);
  const sent = Array.from({ length: 200 }, (_, i) => ({ id: i, text: `reading ${i}` }));
  // Published by a job: ssc.stop() closes the output after the last batch's PUBACKs.
  const job = await runOutputJob('mqtt', [sent.slice(0, 100), sent.slice(100)], (stream) =>
    mqttOutput(stream, { url, topic }),
  );
  t.is(job.closes, 1, 'ssc.stop() closed the output; the test did not');
  t.deepEqual(job.connectorErrors, []);

  const dir = await mkdtemp(join(tmpdir(), 'kindling-mqtt-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const run = await consume<(typeof sent)[number]>(
    { url, topics: topic, clientId, decoder: 'json' },
    { checkpointDir: dir, writeAheadLog: true },
  );
  await run.until(sent.length);
  await run.stop();
  // One publisher, QoS 1, one subscription: in order.
  t.deepEqual(
    run.records.map((r) => r.payload),
    sent,
  );
  t.true(run.records.every((r) => r.topic === topic && !r.dup && !r.retain));

  // Everything was acknowledged: the session holds nothing more for a consumer that comes back.
  const again = await consume<string>({ url, topics: topic, clientId, decoder: 'string' });
  const output2 = new MqttOutput<string>({ url, topic });
  t.teardown(() => output2.close());
  await output2.write(['last']);
  await again.until(1);
  await again.stop();
  t.deepEqual(
    again.records.map((r) => r.payload),
    ['last'],
  );
});

test('a consumer killed after storing but before acknowledging: the same session gets every message again', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'mosquitto');
  const topic = uniqueName('unacked');
  const clientId = uniqueName('job');
  await createSession(clientId, topic);
  const sent = Array.from({ length: 30 }, (_, i) => `m-${i}`);
  const output = new MqttOutput<string>({ url, topic });
  t.teardown(() => output.close());
  await output.write(sent);

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/unacked-consumer.ts', 'mqtt', url, topic, clientId],
    { stdio: ['ignore', 'pipe', 'pipe'] },
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
  t.deepEqual(stored, ['m-0']);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;

  const run = await consume<string>({ url, topics: topic, clientId, decoder: 'string' });
  await run.until(sent.length);
  await run.stop();
  t.deepEqual(run.records.map((r) => r.payload).sort(), [...sent].sort());
  // The one the killed consumer stored comes again, flagged as sent before.
  t.true(run.records.find((r) => r.payload === 'm-0')?.dup);
});

test('a lost connection (another client took the session over) is reported, and the receiver reconnects and reads on', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'mosquitto');
  const topic = uniqueName('takeover');
  const clientId = uniqueName('job');
  await createSession(clientId, topic);
  const output = new MqttOutput<string>({ url, topic });
  t.teardown(() => output.close());
  await output.write(['before']);
  const run = await consume<string>({ url, topics: topic, clientId, decoder: 'string' });
  await run.until(1);
  // The broker ends the receiver's connection when another client connects with its id.
  const intruder = await connectAsync(url, { clientId, clean: false, reconnectPeriod: 0 });
  const lost = await run.event((e) => e.type === 'receiverError' && e.restartIn !== undefined);
  t.regex((lost as { message: string }).message, /the connection to mqtt:\/\/127\.0\.0\.1:\d+ was lost/);
  await intruder.endAsync();
  await output.write(['after']);
  await run.until(2);
  await run.stop();
  t.deepEqual(
    run.records.map((r) => r.payload),
    ['before', 'after'],
  );
});

test('the output connects again after losing its connection, and the batch completes', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'mosquitto');
  const topic = uniqueName('output-lost');
  const clientId = uniqueName('job');
  await createSession(clientId, topic);
  const publisher = uniqueName('publisher');
  const output = new MqttOutput<string>({ url, topic, clientId: publisher });
  t.teardown(() => output.close());
  await output.write(['one']);
  // Another client with the output's id: the broker disconnects the output.
  const intruder = await connectAsync(url, { clientId: publisher, reconnectPeriod: 0 });
  t.teardown(() => intruder.end(true));
  await output.write(['two', 'three']);
  const run = await consume<string>({ url, topics: topic, clientId, decoder: 'string' });
  await run.until(3);
  await run.stop();
  t.deepEqual(
    run.records.map((r) => r.payload),
    ['one', 'two', 'three'],
  );
});

test('payloads that are not UTF-8 or not JSON go to the dead letters', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'mosquitto');
  const topic = uniqueName('bad-payloads');
  const clientId = uniqueName('job');
  await createSession(clientId, topic);
  const output = new MqttOutput<Uint8Array | string>({ url, topic });
  t.teardown(() => output.close());
  await output.write(['{"ok":1}', '{not json', Buffer.from([0xff, 0xfe, 0x41]), '{"ok":2}']);
  const run = await consume<{ ok: number }>({ url, topics: [topic], clientId, decoder: 'json' });
  await run.until(4);
  await run.stop();
  t.deepEqual(
    run.records.map((r) => r.payload.ok),
    [1, 2],
  );
  t.deepEqual(run.deadLetters.map((l) => l.reason).sort(), ['invalidUtf8', 'malformedJson']);
});

test('credentials: the right password works; a wrong one is reported and retried, and never shows', async (t) => {
  t.timeout(30_000);
  logServerOnFailure(t, 'mosquitto');
  const topic = uniqueName('auth');
  const clientId = uniqueName('job');
  await createSession(clientId, topic, { url: authUrl, username: user, password });
  const output = new MqttOutput<string>({ url: authUrl, username: user, password, topic });
  t.teardown(() => output.close());
  await output.write(['hello']);
  const run = await consume<string>({
    url: authUrl,
    username: user,
    password,
    topics: topic,
    clientId,
    decoder: 'string',
  });
  await run.until(1);
  await run.stop();
  t.is(run.records[0]?.payload, 'hello');

  const wrong = `Wrong-${uniqueName('secret')}`;
  const refused = await consume<string>({
    url: `mqtt://${user}:${wrong}@127.0.0.1:${env.KINDLING_MQTT_AUTH_PORT}`,
    topics: topic,
  });
  const error = await refused.event((e) => e.type === 'receiverError');
  await refused.event((e) => e.type === 'receiverError' && e !== error);
  await refused.stop();
  t.regex(
    (error as { message: string }).message,
    /could not connect to MQTT at mqtt:\/\/127\.0\.0\.1:\d+ as 'kindling'.*[Nn]ot authorized/,
  );
  t.false(inspect(refused.events, { depth: Infinity }).includes(wrong));

  const badOutput = new MqttOutput<string>({
    url: authUrl,
    username: user,
    password: wrong,
    topic,
  });
  t.teardown(() => badOutput.close());
  const failed = await t.throwsAsync(badOutput.write(['x']));
  t.regex(failed.message, /[Nn]ot authorized/);
  t.false((failed as KindlingError).retriable, 'a refused login is not tried again');
  t.false(inspect(failed, { depth: Infinity }).includes(wrong));
});

test('options are checked before anything connects', (t) => {
  const ssc = new StreamingContext({ batchInterval: 100 });
  t.throws(() => mqttStream(ssc, { url, topics: [] }), {
    message: /topics must be one or more topic filters/,
  });
  t.throws(() => mqttStream(ssc, { url: 'amqp://x', topics: 't' }), {
    message: /url must start with mqtt:\/\//,
  });
  t.throws(() => new MqttOutput({ url }), { message: /give the topic to publish to/ });
  t.throws(() => new MqttOutput({ url, topic: 'a/#' }), { message: /wildcard/ });
});
