/**
 * The JSONL and CSV file lookups on real temporary files: present and absent keys, bad rows named
 * by file and line, and refresh between batches (on change, after a replace by rename; every N
 * ms of batch time), run through joinLookup on a ManualClock.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ConfigurationError, KindlingError, isRetriable, type DStream } from '../../lib/index.js';
import { csvFileLookup, jsonlFileLookup } from '../../lookups/index.js';
import { runWithDeadLetters } from '../lib/dstream/dead-letters/dead-letters-harness.js';

interface Profile {
  id: string;
  score: number;
}

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-file-lookup-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Replaces `path` as a careful writer does: a temporary file renamed over it. */
async function replace(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

test('jsonlFileLookup answers present keys from the file and leaves absent ones out', async (t) => {
  const path = join(await tempDir(t), 'profiles.jsonl');
  await writeFile(
    path,
    jsonl([
      { id: 'a', score: 1 },
      { id: 'b', score: 2 },
    ]) + '\n  \n{"id":"c","score":3}',
  );
  const lookup = jsonlFileLookup<Profile, string>(path, { key: 'id' });
  t.is(lookup.name, path);
  const found = await lookup.getAll(['a', 'x', 'c']);
  t.deepEqual(
    [...found],
    [
      ['a', { id: 'a', score: 1 }],
      ['c', { id: 'c', score: 3 }],
    ],
  );
  t.is((await lookup.load()).size, 3);
  t.is(lookup.version, 1);
});

test('key and value may be functions of the row; the last line of a repeated key wins', async (t) => {
  const path = join(await tempDir(t), 'p.jsonl');
  await writeFile(
    path,
    jsonl([
      { id: 'a', score: 1 },
      { id: 'A', score: 5 },
    ]),
  );
  const lookup = jsonlFileLookup<Profile, string, number>(path, {
    key: (row) => row.id.toLowerCase(),
    value: (row) => row.score * 10,
    name: 'profiles',
  });
  t.deepEqual([...(await lookup.getAll(['a']))], [['a', 50]]);
});

test('a bad JSONL file fails the load with the file and line', async (t) => {
  const dir = await tempDir(t);
  const cases: [string, RegExp][] = [
    ['{"id":"a"}\n{"id":\n', /:2: not JSON/],
    ['{"id":"a"}\n\n[1,2]\n', /:3: not a JSON object/],
    ['{"id":"a"}\n{"name":"b"}\n', /:2: the row has no key/],
  ];
  for (const [i, [text, message]] of cases.entries()) {
    const path = join(dir, `bad${i}.jsonl`);
    await writeFile(path, text);
    const error = await t.throwsAsync(jsonlFileLookup(path, { key: 'id' }).load(), {
      instanceOf: KindlingError,
    });
    t.regex(error?.message ?? '', message);
    t.true(error?.message.includes(path));
    t.false(isRetriable(error));
  }
});

test('a missing file is a retriable error naming the path', async (t) => {
  const path = join(await tempDir(t), 'nowhere.jsonl');
  const error = await t.throwsAsync(jsonlFileLookup(path, { key: 'id' }).getAll(['a']));
  t.regex(error?.message ?? '', /cannot read .*nowhere\.jsonl/);
  t.true(isRetriable(error));
});

test("refresh 'onChange': a file replaced by rename during a batch is seen from the next batch", async (t) => {
  const path = join(await tempDir(t), 'profiles.jsonl');
  await writeFile(
    path,
    jsonl([
      { id: 'a', score: 1 },
      { id: 'b', score: 2 },
    ]),
  );
  const lookup = jsonlFileLookup<Profile, string, number>(path, {
    key: 'id',
    value: (r) => r.score,
    refresh: 'onChange',
  });
  const versions: number[] = [];
  const run = await runWithDeadLetters([['a', 'b'], ['a', 'b'], ['a']], (s: DStream<string>) => {
    const joined = s.joinLookup(lookup, (r) => r);
    joined.foreachBatch(async (_, time) => {
      versions.push(lookup.version);
      if (time === 1000)
        await replace(
          path,
          jsonl([
            { id: 'a', score: 10 },
            { id: 'c', score: 3 },
          ]),
        );
    });
    return joined;
  });
  t.deepEqual(run.out, [
    [
      ['a', 1],
      ['b', 2],
    ],
    [
      ['a', 10],
      ['b', undefined],
    ],
    [['a', 10]],
  ]);
  t.deepEqual(versions, [1, 2, 2]);
  t.is(run.failure, undefined);
});

test('refresh { everyMs } reloads by batch time, whether or not the file changed', async (t) => {
  const path = join(await tempDir(t), 'profiles.jsonl');
  await writeFile(path, jsonl([{ id: 'a', score: 1 }]));
  const lookup = jsonlFileLookup<Profile, string, number>(path, {
    key: 'id',
    value: (r) => r.score,
    refresh: { everyMs: 2000 },
  });
  const run = await runWithDeadLetters([['a'], ['a'], ['a'], ['a']], (s: DStream<string>) => {
    const joined = s.joinLookup(lookup, (r) => r);
    joined.foreachBatch(async (_, time) => {
      if (time === 1000) await writeFile(path, jsonl([{ id: 'a', score: 2 }]));
    });
    return joined;
  });
  t.deepEqual(run.out, [[['a', 1]], [['a', 1]], [['a', 2]], [['a', 2]]]);
  t.is(lookup.version, 2);
});

test('a bad replacement fails the next batch with the file and line, and the previous table stays', async (t) => {
  const path = join(await tempDir(t), 'profiles.jsonl');
  await writeFile(path, jsonl([{ id: 'a', score: 1 }]));
  const lookup = jsonlFileLookup<Profile, string, number>(path, {
    key: 'id',
    value: (r) => r.score,
    refresh: 'onChange',
  });
  const run = await runWithDeadLetters([['a'], ['a']], (s: DStream<string>) => {
    const joined = s.joinLookup(lookup, (r) => r);
    joined.foreachBatch(async (_, time) => {
      if (time === 1000) await replace(path, '{"id":"a","score":5}\nnot json\n');
    });
    return joined;
  });
  t.deepEqual(run.out, [[['a', 1]]]);
  const message = run.failure?.message ?? '';
  t.regex(message, /lookup '.*profiles\.jsonl' failed in the batch of time 2000 \(refresh/);
  t.true(message.includes(`${path}:2: not JSON`));
  t.deepEqual([...(await lookup.getAll(['a']))], [['a', 1]]);
});

test('csvFileLookup: header, quoted fields, CRLF, and values converted by value()', async (t) => {
  const path = join(await tempDir(t), 'users.csv');
  await writeFile(
    path,
    'id,name,followers\r\nu1,"Lovelace, Ada",120\r\nu2,"Grace ""Amazing"" Hopper",99\r\n',
  );
  const lookup = csvFileLookup(path, {
    key: 'id',
    value: (row) => ({ name: row.name, followers: Number(row.followers) }),
  });
  t.deepEqual(
    [...(await lookup.getAll(['u2', 'u3', 'u1']))],
    [
      ['u2', { name: 'Grace "Amazing" Hopper', followers: 99 }],
      ['u1', { name: 'Lovelace, Ada', followers: 120 }],
    ],
  );
});

test('csvFileLookup: a delimiter, a projection of columns, and a file without header', async (t) => {
  const dir = await tempDir(t);
  const semi = join(dir, 'semi.csv');
  await writeFile(semi, 'id;name;secret\n1;Ada;x\n');
  const projected = csvFileLookup(semi, { key: 'id', delimiter: ';', columns: ['id', 'name'] });
  t.deepEqual([...(await projected.getAll(['1']))], [['1', { id: '1', name: 'Ada' }]]);

  const bare = join(dir, 'bare.csv');
  await writeFile(bare, '1,Ada\n2,Grace\n');
  const headless = csvFileLookup(bare, { key: 'id', header: false, columns: ['id', 'name'] });
  t.deepEqual([...(await headless.getAll(['2']))], [['2', { id: '2', name: 'Grace' }]]);
});

test('csvFileLookup: bad files fail the load with file and line; bad options fail at once', async (t) => {
  const dir = await tempDir(t);
  const cases: [string, object, RegExp][] = [
    ['id,name\n1,Ada\n2\n', {}, /:3: 1 fields where there are 2 columns/],
    ['id,name\n1,"Ada\n', {}, /:2: a quoted field is never closed/],
    ['id,name\n1,Ada\n', { columns: ['id', 'age'] }, /:1: the header has no column age/],
    ['name\nAda\n', {}, /:2: the row has no key/],
  ];
  for (const [i, [text, options, message]] of cases.entries()) {
    const path = join(dir, `bad${i}.csv`);
    await writeFile(path, text);
    const error = await t.throwsAsync(csvFileLookup(path, { key: 'id', ...options }).load());
    t.regex(error?.message ?? '', message);
    t.true(error?.message.includes(path));
  }
  t.throws(() => csvFileLookup('x.csv', { key: 'id', header: false }), {
    instanceOf: ConfigurationError,
    message: /with header: false, give the column names in columns/,
  });
  t.throws(() => csvFileLookup('x.csv', { key: 'id', delimiter: '' }), { instanceOf: ConfigurationError });
  t.throws(() => csvFileLookup('x.csv', { key: 'id', refresh: { everyMs: 0 } }), {
    instanceOf: ConfigurationError,
    message: /refresh must be 'onChange' or \{ everyMs \}/,
  });
});

test("csvFileLookup with refresh 'onChange' reloads only when the file changed", async (t) => {
  const path = join(await tempDir(t), 'users.csv');
  await writeFile(path, 'id,n\n1,a\n');
  const lookup = csvFileLookup(path, { key: 'id', value: (r) => r.n, refresh: 'onChange' });
  await lookup.refresh(1000);
  await lookup.refresh(2000);
  t.is(lookup.version, 1);
  await replace(path, 'id,n\n1,b\n');
  t.deepEqual([...(await lookup.getAll(['1']))], [['1', 'a']]);
  await lookup.refresh(3000);
  t.is(lookup.version, 2);
  t.deepEqual([...(await lookup.getAll(['1']))], [['1', 'b']]);
});
