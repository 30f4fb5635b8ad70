/**
 * stream.sql and ssc.sql on a ManualClock, against the real in-process DuckDB: per-batch and
 * windowed queries, static tables (CSV, Parquet, arrays, a lookup), two streams joined, the type
 * mappings, errors at start and in batches, misfits as dead letters, and the instance closed on stop.
 */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchError,
  ConfigurationError,
  ManualClock,
  StreamingContext,
  type DStream,
  type DeadLetter,
  type Lookup,
  type StreamingContextOptions,
} from '../../../lib/index.js';
import type { SqlNode } from '../../../lib/dstream/operators/sql.js';

type Row = Record<string, unknown>;

function context(options: Partial<StreamingContextOptions> = {}): {
  ssc: StreamingContext;
  clock: ManualClock;
} {
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    name: 'sql-test',
    logger: false,
    ...options,
  });
  return { ssc, clock };
}

/** Collects every batch of `stream`, one array per batch time. */
function collect<T>(stream: DStream<T>): T[][] {
  const out: T[][] = [];
  stream.foreachBatch((records) => {
    out.push([...records]);
  });
  return out;
}

async function run(ssc: StreamingContext, clock: ManualClock, batches: number): Promise<void> {
  await ssc.start();
  await clock.advance(batches * 1000);
  await ssc.stop();
  await ssc.awaitTermination();
}

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-sql-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a query per batch: word count with exact rows, inferred from a stream of strings', async (t) => {
  const { ssc, clock } = context();
  const words = ssc.queueStream([['a', 'b', 'a'], [], ['c', 'c', 'c', 'a']]);
  const out = collect(
    words.sql('SELECT value AS word, count(*) AS n FROM batch GROUP BY word ORDER BY n DESC, word'),
  );
  await run(ssc, clock, 3);
  t.deepEqual(out, [
    [
      { word: 'a', n: 2 },
      { word: 'b', n: 1 },
    ],
    [],
    [
      { word: 'c', n: 3 },
      { word: 'a', n: 1 },
    ],
  ]);
});

test('a schema: the table has its columns from the first batch, and count(*) of an empty batch is 0', async (t) => {
  const { ssc, clock } = context();
  const clicks = ssc.queueStream<{ user: string; ms: number }>([
    [],
    [
      { user: 'u1', ms: 10 },
      { user: 'u1', ms: 30 },
    ],
  ]);
  const out = collect(
    clicks.sql('SELECT count(*) AS n, avg(ms) AS mean FROM clicks', {
      table: 'clicks',
      schema: { user: 'VARCHAR', ms: 'INTEGER' },
    }),
  );
  await run(ssc, clock, 2);
  t.deepEqual(out, [[{ n: 0, mean: null }], [{ n: 2, mean: 20 }]]);
});

test('a windowed query: each window of 3 batches sliding by 2 is one table', async (t) => {
  const { ssc, clock } = context();
  const input = ssc.queueStream([
    [{ k: 'x', v: 1 }],
    [{ k: 'x', v: 2 }],
    [{ k: 'y', v: 4 }],
    [{ k: 'x', v: 8 }],
  ]);
  const out = collect(
    input.window(3000, 2000).sql('SELECT k, sum(v) AS total FROM batch GROUP BY k ORDER BY k', {
      schema: { k: 'VARCHAR', v: 'INTEGER' },
    }),
  );
  await run(ssc, clock, 4);
  // windows at 2000 (batches 1000-2000) and 4000 (batches 2000-4000)
  t.deepEqual(out, [
    [{ k: 'x', total: 3 }],
    [
      { k: 'x', total: 10 },
      { k: 'y', total: 4 },
    ],
  ]);
});

test('static tables: a CSV file and a Parquet file written by DuckDB, joined with each batch', async (t) => {
  const dir = tempDir(t);
  const csv = join(dir, 'topics.csv');
  writeFileSync(csv, 'tag,topic\nts,code\nrust,code\ncats,pets\n');
  const parquet = join(dir, 'users.parquet');
  // the Parquet file: written with DuckDB's COPY, through the same engine
  {
    const { ssc, clock } = context();
    const written = collect(
      ssc
        .queueStream([[{ id: 'u1' }]])
        .sql(
          `COPY (SELECT * FROM (VALUES ('u1', 'NO'), ('u2', 'SE')) AS v(id, country)) TO '${parquet}' (FORMAT parquet)`,
        ),
    );
    await run(ssc, clock, 1);
    t.deepEqual(written, [[{ Count: 2 }]]);
  }
  const { ssc, clock } = context();
  const posts = ssc.queueStream([
    [
      { user: 'u1', tag: 'ts' },
      { user: 'u2', tag: 'cats' },
      { user: 'u2', tag: 'rust' },
    ],
    [{ user: 'u3', tag: 'ts' }],
  ]);
  const out = collect(
    posts.sql(
      `SELECT coalesce(u.country, '?') AS country, t.topic, count(*) AS n
       FROM batch b JOIN topics t USING (tag) LEFT JOIN users u ON u.id = b.user
       GROUP BY ALL ORDER BY country, topic`,
      { tables: { topics: { csv }, users: { parquet } } },
    ),
  );
  await run(ssc, clock, 2);
  t.deepEqual(out, [
    [
      { country: 'NO', topic: 'code', n: 1 },
      { country: 'SE', topic: 'code', n: 1 },
      { country: 'SE', topic: 'pets', n: 1 },
    ],
    [{ country: '?', topic: 'code', n: 1 }],
  ]);
});

test('static tables: a JSON Lines file', async (t) => {
  const dir = tempDir(t);
  const jsonl = join(dir, 'limits.jsonl');
  writeFileSync(jsonl, '{"user":"u1","max":2}\n{"user":"u2","max":5}\n');
  const { ssc, clock } = context();
  const usage = ssc.queueStream([
    [
      { user: 'u1', used: 3 },
      { user: 'u2', used: 3 },
    ],
  ]);
  const out = collect(
    usage.sql('SELECT b.user FROM batch b JOIN limits l USING (user) WHERE b.used > l.max', {
      tables: { limits: { jsonl } },
    }),
  );
  await run(ssc, clock, 1);
  t.deepEqual(out, [[{ user: 'u1' }]]);
});

test('static tables: an array and a lookup with load()', async (t) => {
  const profiles: Lookup<string, { followers: number }> = {
    name: 'profiles',
    getAll: async () => new Map(),
    load: async () =>
      new Map([
        ['u1', { followers: 10 }],
        ['u2', { followers: 20 }],
      ]),
  };
  const { ssc, clock } = context();
  const tweets = ssc.queueStream([[{ user: 'u1' }, { user: 'u2' }, { user: 'u1' }]]);
  const out = collect(
    tweets.sql(
      `SELECT p.key AS user, p.followers * w.weight AS score, count(*) AS n
       FROM batch b JOIN profiles p ON p.key = b.user CROSS JOIN weights w GROUP BY ALL ORDER BY user`,
      { tables: { profiles, weights: [{ weight: 2 }] } },
    ),
  );
  await run(ssc, clock, 1);
  t.deepEqual(out, [
    [
      { user: 'u1', score: 20, n: 2 },
      { user: 'u2', score: 40, n: 1 },
    ],
  ]);
});

test('a lookup without load() cannot be a table: start fails naming it', async (t) => {
  const { ssc } = context();
  const remote: Lookup<string, number> = { name: 'remote', getAll: async () => new Map() };
  collect(ssc.queueStream([[{ a: 1 }]]).sql('SELECT * FROM batch', { tables: { remote } }));
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.regex(error?.message ?? '', /lookup 'remote' \(table 'remote'\) cannot load its whole table/);
});

test('ssc.sql: two streams batches of the same time joined in one query', async (t) => {
  const { ssc, clock } = context();
  const clicks = ssc.queueStream([[{ user: 'a' }, { user: 'b' }, { user: 'a' }], [{ user: 'c' }]]);
  const views = ssc.queueStream([
    [{ user: 'a', page: 'home' }],
    [
      { user: 'c', page: 'faq' },
      { user: 'c', page: 'x' },
    ],
  ]);
  const out = collect(
    ssc.sql(
      'SELECT c.user, v.page, count(*) AS n FROM clicks c JOIN views v USING (user) GROUP BY ALL ORDER BY ALL',
      { streams: { clicks, views }, schemas: { clicks: { user: 'VARCHAR' } } },
    ),
  );
  await run(ssc, clock, 2);
  t.deepEqual(out, [
    [{ user: 'a', page: 'home', n: 2 }],
    [
      { user: 'c', page: 'faq', n: 1 },
      { user: 'c', page: 'x', n: 1 },
    ],
  ]);
});

test('ssc.sql refuses streams that slide differently, at start', async (t) => {
  const { ssc } = context();
  const a = ssc.queueStream([[{ x: 1 }]]);
  const b = ssc.queueStream([[{ x: 1 }]]).window(2000, 2000);
  collect(ssc.sql('SELECT * FROM a, b', { streams: { a, b } }));
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.regex(error?.message ?? '', /slide at different intervals/);
});

test('type mappings: BIGINT, HUGEINT, DECIMAL, TIMESTAMP, DATE, LIST, STRUCT, MAP and the inputs inferred', async (t) => {
  const { ssc, clock } = context();
  const seen = new Date('2024-01-15T12:34:56.789Z');
  const input = ssc.queueStream([
    [
      {
        s: 'x',
        d: 1.5,
        b: 7n,
        ok: true,
        seen,
        tags: ['p', 'q'],
        pos: { x: 1, y: 'up' },
        bytes: new Uint8Array([1, 2]),
      },
    ],
  ]);
  const out = collect(
    input.sql(`SELECT s, d, b, ok, seen, tags, pos, bytes,
        42::BIGINT AS big, sum(b) AS hugeint_sum, 12.25::DECIMAL(10,2) AS dec,
        TIMESTAMP '2024-01-15 12:34:56.789' AS ts, DATE '2024-01-15' AS day,
        [1, 2, 3] AS list, {'a': 1, 'b': 'two'} AS struct, MAP {'k': 1} AS map,
        TIME '01:00:00.5' AS time, INTERVAL 2 DAY AS span, 'x'::ENUM ('x', 'y') AS enum, NULL::INTEGER AS none,
        typeof(d) AS d_type, typeof(b) AS b_type, typeof(seen) AS seen_type, typeof(tags) AS tags_type,
        typeof(pos) AS pos_type, typeof(bytes) AS bytes_type
      FROM batch GROUP BY ALL`),
  );
  await run(ssc, clock, 1);
  t.deepEqual(out, [
    [
      {
        s: 'x',
        d: 1.5,
        b: 7,
        ok: true,
        seen,
        tags: ['p', 'q'],
        pos: { x: 1, y: 'up' },
        bytes: Buffer.from([1, 2]),
        big: 42,
        hugeint_sum: 7,
        dec: 12.25,
        ts: new Date('2024-01-15T12:34:56.789Z'),
        day: new Date('2024-01-15T00:00:00.000Z'),
        list: [1, 2, 3],
        struct: { a: 1, b: 'two' },
        map: [{ key: 'k', value: 1 }],
        time: 3_600_500_000n,
        span: { months: 0, days: 2, micros: 0n },
        enum: 'x',
        none: null,
        d_type: 'DOUBLE',
        b_type: 'BIGINT',
        seen_type: 'TIMESTAMP',
        tags_type: 'VARCHAR[]',
        pos_type: 'STRUCT(x DOUBLE, y VARCHAR)',
        bytes_type: 'BLOB',
      },
    ],
  ]);
});

test("bigint: 'bigint' keeps 64-bit integers as bigint; 'number' fails a batch past 2^53 with how to fix it", async (t) => {
  {
    const { ssc, clock } = context({ sql: { bigint: 'bigint' } });
    const out = collect(
      ssc.queueStream([[1]]).sql('SELECT count(*) AS n, 9007199254740993::BIGINT AS big FROM batch'),
    );
    await run(ssc, clock, 1);
    t.deepEqual(out, [[{ n: 1n, big: 9007199254740993n }]]);
  }
  const { ssc, clock } = context();
  collect(
    ssc
      .queueStream([[1]])
      .sql('SELECT 9007199254740993::BIGINT AS big FROM batch')
      .name('big'),
  );
  await ssc.start();
  await clock.advance(1000);
  const error = await t.throwsAsync(ssc.awaitTermination(), { instanceOf: BatchError });
  t.regex(error?.message ?? '', /big/);
  t.regex(String((error?.cause as Error | undefined)?.message), /past ±2\^53−1.*bigint: 'bigint'/);
});

test('a query that does not parse fails start() with DuckDB message and the operator name', async (t) => {
  const { ssc } = context();
  collect(
    ssc
      .queueStream([[{ a: 1 }]])
      .sql('SELEC a FROM batch')
      .name('broken'),
  );
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.regex(error?.message ?? '', /sql 'broken'/);
  t.regex(error?.message ?? '', /syntax error at or near "SELEC"/);
  t.is(ssc.state, 'stopped');
});

test('with a schema, a query naming a missing column fails start()', async (t) => {
  const { ssc } = context();
  collect(
    ssc
      .queueStream([[{ a: 1 }]])
      .sql('SELECT b FROM batch', { schema: { a: 'INTEGER' } })
      .name('missing'),
  );
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.regex(error?.message ?? '', /sql 'missing'.*Referenced column "b" not found/s);
});

test('without a schema, a missing column fails the first batch with records, naming the operator', async (t) => {
  const { ssc, clock } = context();
  collect(
    ssc
      .queueStream([[], [{ a: 1 }]])
      .sql('SELECT b FROM batch')
      .name('late'),
  );
  await ssc.start();
  await clock.advance(2000);
  const error = await t.throwsAsync(ssc.awaitTermination(), { instanceOf: BatchError });
  t.regex(error?.message ?? '', /'late'.*2000/s);
  t.regex(String((error?.cause as Error | undefined)?.message), /Referenced column "b" not found/);
});

test('a query failing on a batch is a batch error like any operator', async (t) => {
  const { ssc, clock } = context();
  collect(
    ssc
      .queueStream([[{ a: 'x' }]])
      .sql('SELECT CAST(a AS INTEGER) AS n FROM batch')
      .name('cast'),
  );
  await ssc.start();
  await clock.advance(1000);
  const error = await t.throwsAsync(ssc.awaitTermination(), { instanceOf: BatchError });
  t.regex(error?.message ?? '', /'cast'/);
  t.regex(String((error?.cause as Error | undefined)?.message), /Conversion Error/);
});

test('a record that does not fit the columns is a dead letter with the reason; the rest are queried', async (t) => {
  const { ssc, clock } = context();
  const input = ssc.queueStream<unknown>([
    [{ user: 'a', likes: 1 }],
    [
      { user: 'b', likes: 'many' },
      { user: 'c', likes: 2 },
      { user: 'd', likes: 1.5 },
    ],
  ]);
  const rows = input.sql('SELECT user, likes FROM batch ORDER BY user', {
    schema: { user: 'VARCHAR', likes: 'INTEGER' },
  });
  const out = collect(rows);
  const letters: DeadLetter[][] = collect(rows.deadLetters());
  await run(ssc, clock, 2);
  t.deepEqual(out, [[{ user: 'a', likes: 1 }], [{ user: 'c', likes: 2 }]]);
  t.deepEqual(letters[0], []);
  const second = letters[1] ?? [];
  t.deepEqual(
    second.map((l) => [l.record, l.reason, l.error.message, l.batchTime]),
    [
      [
        { user: 'b', likes: 'many' },
        'schemaMismatch',
        `table 'batch': column 'likes' is INTEGER, got the string "many"`,
        2000,
      ],
      [
        { user: 'd', likes: 1.5 },
        'schemaMismatch',
        `table 'batch': column 'likes' is INTEGER, got the number 1.5`,
        2000,
      ],
    ],
  );
});

test('inferred columns: a later record of another type is a dead letter', async (t) => {
  const { ssc, clock } = context();
  const input = ssc.queueStream<unknown>([[{ n: 1 }], [{ n: 'two' }, { n: 3, extra: true }]]);
  const rows = input.sql('SELECT n FROM batch');
  const out = collect(rows);
  const letters = collect(rows.deadLetters());
  await run(ssc, clock, 2);
  t.deepEqual(out, [[{ n: 1 }], [{ n: 3 }]]);
  t.deepEqual(
    letters.flat().map((l) => l.error.message),
    [`table 'batch': column 'n' is DOUBLE, got the string "two"`],
  );
});

test('one instance per context, a session per sql stream, all closed on stop: a query after stop fails', async (t) => {
  const { ssc, clock } = context({ sql: { memoryLimit: '64MB', threads: 1 } });
  const input = ssc.queueStream([[1], [2]]);
  const a = input.sql(
    "SELECT current_setting('memory_limit') AS limit, current_setting('threads') AS threads FROM batch",
  );
  const out = collect(a);
  collect(input.sql('SELECT value FROM batch'));
  await run(ssc, clock, 1);
  t.deepEqual(out[0], [{ limit: '61.0 MiB', threads: 1 }]);
  const node = a.node as unknown as SqlNode;
  t.is(node.session, undefined, 'the session is gone after stop');
  const error = await t.throwsAsync(
    (node as unknown as { compute(time: number): Promise<Row[]> }).compute(2000),
  );
  t.regex(error?.message ?? '', /no open session/);
});

test('the engine is closed on stop: the session closed by stop refuses queries', async (t) => {
  const { ssc, clock } = context();
  const stream = ssc.queueStream([[1]]).sql('SELECT value FROM batch');
  collect(stream);
  await ssc.start();
  await clock.advance(1000);
  const session = (stream.node as unknown as SqlNode).session;
  t.truthy(session);
  await ssc.stop();
  const error = await t.throwsAsync(session?.run([[1]]) ?? Promise.resolve());
  t.regex(error?.message ?? '', /disconnected|closed/);
});

test('table names must be plain identifiers and unique', (t) => {
  const { ssc } = context();
  const input = ssc.queueStream([[1]]);
  t.throws(() => input.sql('SELECT 1', { table: 'my table' }), { message: /not a plain identifier/ });
  t.throws(() => input.sql('SELECT 1', { tables: { batch: [{ a: 1 }] } }), { message: /named twice/ });
  t.throws(() => ssc.sql('SELECT 1', { streams: {} }), { instanceOf: ConfigurationError });
});

test('columns the query does not read are still checked: a misfit there is a dead letter', async (t) => {
  const { ssc, clock } = context();
  const input = ssc.queueStream<unknown>([
    [
      { topic: 'a', score: 1, user: 'u1' },
      { topic: 'a', score: 3, user: 42 },
      { topic: 'b', score: 5, user: 'u3' },
    ],
  ]);
  const rows = input.sql('SELECT topic, sum(score) AS total FROM batch GROUP BY topic ORDER BY topic', {
    schema: { topic: 'VARCHAR', score: 'DOUBLE', user: 'VARCHAR' },
  });
  const out = collect(rows);
  const whole = collect(
    input.sql('SELECT batch AS row FROM batch ORDER BY topic', {
      schema: { topic: 'VARCHAR', user: 'VARCHAR' },
    }),
  );
  const letters = collect(rows.deadLetters());
  await run(ssc, clock, 1);
  t.deepEqual(out, [
    [
      { topic: 'a', total: 1 },
      { topic: 'b', total: 5 },
    ],
  ]);
  t.deepEqual(
    letters.flat().map((l) => l.error.message),
    [`table 'batch': column 'user' is VARCHAR, got the number 42`],
  );
  t.deepEqual(whole, [[{ row: { topic: 'a', user: 'u1' } }, { row: { topic: 'b', user: 'u3' } }]]);
});

test("DuckDB's memory does not grow with the batches: each batch's table is made anew", async (t) => {
  const { ssc, clock } = context();
  const batch = Array.from({ length: 20_000 }, (_, i) => ({
    text: `a record of some length, number ${i % 500}`,
  }));
  const batches = Array.from({ length: 40 }, () => batch);
  const memory = collect(
    ssc
      .queueStream(batches)
      .sql('SELECT count(*) AS n, (SELECT sum(memory_usage_bytes) FROM duckdb_memory()) AS bytes FROM batch'),
  );
  await run(ssc, clock, 40);
  const bytes = memory.map((rows) => rows[0]?.['bytes'] as number);
  t.true(memory.every((rows) => rows[0]?.['n'] === 20_000));
  t.true(
    (bytes[39] as number) <= 1.2 * (bytes[4] as number),
    `${bytes[4]} bytes at batch 5, ${bytes[39]} at batch 40`,
  );
});
