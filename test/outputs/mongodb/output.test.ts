/**
 * The MongoDB output against FerretDB: what was written reads back exactly, a batch run again
 * leaves no duplicates, documents the server rejects fail the batch by key with the server's
 * error (the others written), and records the output cannot turn into upserts reach the dead
 * letters when asked to.
 */
import test from 'ava';
import { ManualClock, StreamingContext, type DeadLetter } from '../../../lib/index.js';
import { MongoRejectedError, mongoOutput } from '../../../outputs/mongodb/index.js';
import { runOutputJob } from '../../helpers/outputs.js';
import { logServerOnFailure } from '../../helpers/servers.js';
import { monitoredClient, mongoUrl, uniqueDb } from '../../lookups/mongodb/ferretdb.js';

interface Score {
  readonly user: string;
  readonly score: number;
  readonly email?: string;
}

function context(clock: ManualClock): StreamingContext {
  return new StreamingContext({ batchInterval: 1000, clock, name: 'mongo-output-test' });
}

/** Runs `batches` through a new context into `db.scores`, one per second; resolves once all ran and the output closed. */
async function runJob(db: string, batches: Score[][]): Promise<void> {
  const run = await runOutputJob('mongo', batches, (stream) =>
    mongoOutput(stream, {
      url: mongoUrl(),
      db,
      collection: 'scores',
      key: (s) => s.user,
      document: (s) => ({ score: s.score }),
      // Under 100: FerretDB 1.24 hangs on an update command that replaces 100 or more existing documents.
      chunkSize: 64,
    }),
  );
  if (run.batchErrors.length > 0) throw new Error(run.batchErrors.map((e) => e.message).join('\n'));
  // ssc.stop() closed the client the output opened, and the close went well.
  if (run.closes !== 1 || run.connectorErrors.length > 0) {
    throw new Error(`the output closed ${run.closes} times, with ${JSON.stringify(run.connectorErrors)}`);
  }
}

const batches: Score[][] = [
  Array.from({ length: 300 }, (_, i) => ({ user: `u${i}`, score: i })),
  [
    { user: 'u1', score: -1 },
    { user: 'u2', score: -2 },
    { user: 'u2', score: -22 },
    { user: 'new', score: 7 },
  ],
];

/** The documents of `db.scores`, sorted by `_id`. */
async function readBack(db: string): Promise<unknown[]> {
  const { client } = monitoredClient();
  try {
    const docs = await client.db(db).collection('scores').find({}).toArray();
    // Plain copies: ava's deepEqual also compares prototypes.
    return docs.map((d) => ({ ...d })).sort((a, b) => String(a._id).localeCompare(String(b._id)));
  } finally {
    await client.close();
  }
}

function expected(): unknown[] {
  const latest = new Map<string, number>();
  for (const s of batches.flat()) latest.set(s.user, s.score);
  return [...latest.entries()]
    .map(([user, score]) => ({ _id: user, score }))
    .sort((a, b) => a._id.localeCompare(b._id));
}

test('what was written reads back exactly: one document per key, the last record winning', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'ferretdb');
  const db = uniqueDb('output');
  await runJob(db, batches);
  const docs = await readBack(db);
  t.is(docs.length, 301);
  t.deepEqual(docs, expected());
});

test('running the same batches again leaves no duplicates and the same documents', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'ferretdb');
  const db = uniqueDb('rerun');
  await runJob(db, batches);
  const first = await readBack(db);
  await runJob(db, batches);
  await runJob(db, batches.slice(1));
  t.deepEqual(await readBack(db), first);
  t.is(first.length, 301);
});

test('documents the server rejects fail the batch by key, with its error; the others are written', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'ferretdb');
  const db = uniqueDb('rejected');
  const { client } = monitoredClient();
  t.teardown(() => client.close());
  await client.db(db).collection('scores').createIndex({ email: 1 }, { unique: true });
  await client
    .db(db)
    .collection('scores')
    .insertOne({ _id: 'old' as never, email: 'taken@example.com' });
  const clock = new ManualClock();
  const ssc = context(clock);
  mongoOutput(
    ssc.queueStream<Score>([
      [
        { user: 'a', score: 1, email: 'a@example.com' },
        { user: 'b', score: 2, email: 'taken@example.com' },
        { user: 'c', score: 3, email: 'c@example.com' },
      ],
    ]),
    {
      url: mongoUrl(),
      db,
      collection: 'scores',
      key: (s) => s.user,
      document: (s) => ({ score: s.score, email: s.email }),
    },
  );
  await ssc.start();
  await clock.advance(1000);
  const error = await t.throwsAsync(ssc.awaitTermination());
  await ssc.stop().catch(() => undefined);
  const rejected = error?.cause;
  t.true(rejected instanceof MongoRejectedError, String(error));
  if (!(rejected instanceof MongoRejectedError)) return;
  t.deepEqual(
    rejected.rejected.map((r) => [r.id, r.code]),
    [['b', 11000]],
  );
  t.regex(
    rejected.message,
    /rejected 1 document \(the others were written\): key "b": .*duplicate key.* \(code 11000\)/i,
  );
  const docs = await client
    .db(db)
    .collection('scores')
    .find({}, { projection: { email: 0 } })
    .toArray();
  t.deepEqual(docs.map((d) => d._id).sort(), ['a', 'c', 'old']);
});

test("with onRecordError: 'deadLetter', documents the server rejects are dead letters with its error", async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'ferretdb');
  const db = uniqueDb('refused');
  const { client } = monitoredClient();
  t.teardown(() => client.close());
  await client.db(db).collection('scores').createIndex({ email: 1 }, { unique: true });
  await client
    .db(db)
    .collection('scores')
    .insertOne({ _id: 'old' as never, email: 'taken@example.com' });
  const clock = new ManualClock();
  const ssc = context(clock);
  const letters: DeadLetter[] = [];
  ssc.deadLetters().foreachBatch((batch) => void letters.push(...batch));
  mongoOutput(
    ssc.queueStream<Score>([
      [
        { user: 'a', score: 1, email: 'a@example.com' },
        { user: 'b', score: 2, email: 'taken@example.com' },
        { user: 'c', score: 3, email: 'c@example.com' },
      ],
      [{ user: 'd', score: 4, email: 'd@example.com' }],
    ]),
    {
      url: mongoUrl(),
      db,
      collection: 'scores',
      key: (s) => s.user,
      document: (s) => ({ score: s.score, email: s.email }),
      onRecordError: 'deadLetter',
    },
  );
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  const ids = (await client.db(db).collection('scores').find({}).toArray()).map((d) => String(d._id));
  t.deepEqual(ids.sort(), ['a', 'c', 'd', 'old'], 'the batch went on, and so did the next one');
  t.is(letters.length, 1);
  const letter = letters[0];
  t.deepEqual(letter?.record, {
    id: 'b',
    document: { score: 2, email: 'taken@example.com' },
    code: 11000,
    message: (letter?.record as { message: string } | undefined)?.message,
  });
  t.true(letter?.error instanceof MongoRejectedError);
  t.regex(letter?.error.message ?? '', /key "b": .*duplicate key.* \(code 11000\)/i);
  t.is(letter?.batchTime, 1000);
});

test('a record that cannot become an upsert goes to the dead letters with onRecordError: deadLetter', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'ferretdb');
  const db = uniqueDb('letters');
  const clock = new ManualClock();
  const ssc = context(clock);
  const letters: DeadLetter[] = [];
  ssc.deadLetters().foreachBatch((batch) => void letters.push(...batch));
  mongoOutput(
    ssc.queueStream<Score>([
      [
        { user: 'a', score: 1 },
        { user: '$bad', score: 2 },
        { user: 'c', score: 3 },
      ],
    ]),
    {
      url: mongoUrl(),
      db,
      collection: 'scores',
      key: (s) => s.user,
      document: (s) => (s.user.startsWith('$') ? { [s.user]: s.score } : { score: s.score }),
      onRecordError: 'deadLetter',
    },
  );
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(
    (await readBack(db)).map((d) => (d as { _id: string })._id),
    ['a', 'c'],
  );
  t.is(letters.length, 1);
  t.regex(letters[0]?.error.message ?? '', /key "\$bad" has a top-level field '\$bad'/);
});

test('mongoOutput checks its options when it is called', (t) => {
  const ssc = context(new ManualClock());
  const stream = ssc.queueStream<Score>([]);
  const base = {
    url: 'mongodb://127.0.0.1:1',
    db: 'd',
    collection: 'c',
    key: (s: Score) => s.user,
    document: () => ({}),
  };
  t.throws(() => mongoOutput(stream, { ...base, collection: '' }), {
    message: /collection must be a non-empty string/,
  });
  t.throws(() => mongoOutput(stream, { ...base, key: 'user' as never }), {
    message: /key must be a function/,
  });
  t.throws(() => mongoOutput(stream, { ...base, url: 'localhost' }), { message: /mongodb:\/\// });
  t.throws(() => mongoOutput(stream, { ...base, chunkSize: -1 }), { message: /chunkSize must be/ });
});
