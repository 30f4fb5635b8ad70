/**
 * The MongoDB lookup against FerretDB: present and absent keys with a projection, one `find` per
 * chunk of keys (counted through the driver's command monitoring), and a server that cannot be
 * reached: retried with back-off, then the batch fails, saying so, without the password.
 */
import test from 'ava';
import type { MongoClient } from 'mongodb';
import { ManualClock, StreamingContext, type Clock } from '../../../lib/index.js';
import { mongoLookup } from '../../../lookups/mongodb/index.js';
import { logServerOnFailure } from '../../helpers/servers.js';
import { closedPort, monitoredClient, mongoUrl, uniqueDb } from './ferretdb.js';

interface Profile {
  readonly handle: string;
  readonly followers: number;
  readonly bio?: string;
}

/** A collection of `count` profiles `u0`, `u2`, `u4`, ... (even numbers only), in a new database. */
async function seed(client: MongoClient, count: number): Promise<{ db: string; collection: string }> {
  const db = uniqueDb('lookup');
  const collection = 'profiles';
  const docs = Array.from({ length: count }, (_, i) => ({ handle: `u${2 * i}`, followers: 2 * i, bio: 'x' }));
  await client.db(db).collection(collection).insertMany(docs);
  return { db, collection };
}

test('present keys get their projected document, absent keys are left out', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'ferretdb');
  const { client } = monitoredClient();
  t.teardown(() => client.close());
  const where = await seed(client, 5);
  const lookup = mongoLookup<string, Profile>({
    url: mongoUrl(),
    ...where,
    keyField: 'handle',
    projection: { _id: 0, handle: 1, followers: 1 },
  });
  t.teardown(() => lookup.close?.());
  const found = await lookup.getAll(['u0', 'u1', 'u4', 'u8', 'nobody']);
  t.deepEqual(
    [...found.entries()].sort(([a], [b]) => a.localeCompare(b)),
    [
      ['u0', { handle: 'u0', followers: 0 }],
      ['u4', { handle: 'u4', followers: 4 }],
      ['u8', { handle: 'u8', followers: 8 }],
    ],
  );
  t.is((await lookup.getAll([])).size, 0);
  t.is(lookup.name, `mongodb ${where.db}.profiles`);
});

test('a batch of 10 000 distinct keys costs ceil(10 000 / chunkSize) find round trips', async (t) => {
  t.timeout(120_000);
  logServerOnFailure(t, 'ferretdb');
  const { client, commands } = monitoredClient();
  t.teardown(() => client.close());
  const where = await seed(client, 5000);
  const keys = Array.from({ length: 10_000 }, (_, i) => `u${i}`);
  for (const chunkSize of [1000, 3000]) {
    const lookup = mongoLookup<string, Profile>({ client, ...where, keyField: 'handle', chunkSize });
    const before = commands.length;
    const found = await lookup.getAll(keys);
    const sent = commands.slice(before).map((c) => c.commandName);
    t.deepEqual(sent, Array<string>(Math.ceil(10_000 / chunkSize)).fill('find'), `chunkSize ${chunkSize}`);
    t.is(found.size, 5000);
    t.is(found.get('u9998')?.followers, 9998);
    t.false(found.has('u9999'));
    await lookup.close?.();
  }
  t.is(
    await client
      .db('admin')
      .command({ ping: 1 })
      .then((a) => a.ok),
    1,
    'a given client is not closed',
  );
});

test('joined through the engine, a changed document is seen from the next batch on', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'ferretdb');
  const { client } = monitoredClient();
  t.teardown(() => client.close());
  const where = await seed(client, 3);
  const lookup = mongoLookup<string, Profile>({ client, ...where, keyField: 'handle' });
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'mongo-refresh' });
  const seen: [number, string, number | undefined][] = [];
  ssc
    .queueStream([
      ['u2', 'u4'],
      ['u2', 'u4', 'u6'],
    ])
    .joinLookup(lookup, (key) => key, { missing: 'keep' })
    .foreachBatch((pairs, time) => {
      for (const [key, value] of pairs) seen.push([time, key, value?.followers]);
    });
  await ssc.start();
  await clock.advance(1000);
  const profiles = client.db(where.db).collection(where.collection);
  await profiles.updateOne({ handle: 'u2' }, { $set: { followers: 222 } });
  await profiles.insertOne({ handle: 'u6', followers: 6 });
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(seen, [
    [1000, 'u2', 2],
    [1000, 'u4', 4],
    [2000, 'u2', 222],
    [2000, 'u4', 4],
    [2000, 'u6', 6],
  ]);
});

test('with the server unreachable, the lookup retries with back-off, then fails the batch', async (t) => {
  t.timeout(60_000);
  const port = await closedPort();
  const delays: number[] = [];
  const retryClock: Pick<Clock, 'sleep'> = { sleep: async (ms) => void delays.push(ms) };
  const retries: string[] = [];
  const lookup = mongoLookup<string, Profile>({
    url: `mongodb://app:s3cret-pw@127.0.0.1:${port}/?authSource=admin`,
    clientOptions: { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 },
    db: 'social',
    collection: 'profiles',
    keyField: 'handle',
    maxAttempts: 3,
    backoff: { initialDelay: 50, factor: 2, jitter: 0 },
    clock: retryClock,
    onRetry: (message) => retries.push(message),
  });
  t.teardown(() => lookup.close?.());
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'mongo-lookup-down' });
  const enriched: unknown[] = [];
  ssc
    .queueStream([['u0', 'u2']])
    .transform(async (handles) => {
      const found = await lookup.getAll(handles);
      return handles.map((h) => [h, found.get(h)] as const);
    })
    .foreachBatch((batch) => void enriched.push(...batch));
  await ssc.start();
  await clock.advance(1000);
  const error = await t.throwsAsync(ssc.awaitTermination());
  await ssc.stop().catch(() => undefined);
  t.deepEqual(delays, [50, 100], 'two waits, doubling');
  t.is(retries.length, 2);
  t.deepEqual(enriched, [], 'nothing was passed on as absent');
  const message = `${error?.message} ${String((error?.cause as Error | undefined)?.message)}`;
  t.regex(
    message,
    /mongoLookup 'mongodb social\.profiles': find of 2 keys failed: MongoServerSelectionError/,
  );
  t.regex(message, /attempt 3 of 3/);
  for (const text of [message, ...retries]) t.false(text.includes('s3cret-pw'), text);
});

test('calls at once against a refused port are each retried, and fail naming ECONNREFUSED, the address and the attempts', async (t) => {
  // joinLookup asks several chunks at once; one failed connect must not close the client under
  // the others (MongoTopologyClosedError: no cause, not retried).
  t.timeout(60_000);
  const port = await closedPort();
  const delays: number[] = [];
  const lookup = mongoLookup<string, Profile>({
    url: `mongodb://127.0.0.1:${port}/`,
    clientOptions: { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 },
    db: 'social',
    collection: 'profiles',
    keyField: 'handle',
    maxAttempts: 3,
    backoff: { initialDelay: 10, factor: 2, jitter: 0 },
    clock: { sleep: async (ms) => void delays.push(ms) },
  });
  t.teardown(() => lookup.close?.());
  const results = await Promise.allSettled([
    lookup.getAll(['u0']),
    lookup.getAll(['u2']),
    lookup.getAll(['u4']),
  ]);
  t.deepEqual(delays, [10, 10, 10, 20, 20, 20], 'each call waited twice, doubling');
  for (const result of results) {
    if (result.status !== 'rejected') return t.fail('a lookup against a closed port answered');
    const message = (result.reason as Error).message;
    t.regex(message, new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    t.regex(message, /connection refused: nothing listens there/);
    t.regex(message, /\(attempt 3 of 3\)$/);
    t.notRegex(message, /TopologyClosed|not retried/);
  }
});

test('mongoLookup checks its options when it is called', (t) => {
  const base = { url: 'mongodb://127.0.0.1:1', db: 'd', collection: 'c', keyField: 'k' };
  t.throws(() => mongoLookup({ ...base, url: 'http://x' }), { message: /url that starts with mongodb:\/\// });
  t.throws(() => mongoLookup({ ...base, db: '' }), { message: /db must be a non-empty string/ });
  t.throws(() => mongoLookup({ ...base, keyField: 7 as never }), { message: /keyField must be/ });
  t.throws(() => mongoLookup({ ...base, chunkSize: 0 }), { message: /chunkSize must be a whole number/ });
  t.throws(() => mongoLookup({ ...base, maxAttempts: 1.5 }), { message: /maxAttempts must be/ });
  t.throws(() => mongoLookup({ ...base, projection: { k: 0 } }), { message: /leaves out the key field 'k'/ });
});
