import { createServer, connect, type Server, type Socket } from 'node:net';
import test from 'ava';
import { ConfigurationError } from '../../../lib/index.js';
import { hdfsLookup } from '../../../lookups/hdfs/lookup.js';
import { WebHdfsClient, WebHdfsError } from '../../../systems/hdfs/webhdfs.js';
import { hdfsClient, hdfsPorts, hdfsUrl, uniqueHdfsDir } from '../../helpers/hdfs.js';
import { logServerOnFailure } from '../../helpers/servers.js';

interface User {
  id: string;
  name: string;
}

const jsonl = (users: User[]): string => users.map((u) => JSON.stringify(u)).join('\n') + '\n';

/** A clock whose sleeps return at once and are recorded. */
function recordingClock(): { sleep(ms: number): Promise<void>; sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

test('a JSONL file: present keys found, absent keys left out, from one read', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('lookup');
  const fs = hdfsClient();
  await fs.create(
    `${dir}/users.jsonl`,
    jsonl([
      { id: 'u1', name: 'Ada' },
      { id: 'u2', name: 'Bo' },
    ]),
  );
  const users = hdfsLookup<string, User>({
    url: hdfsUrl(`${dir}/users.jsonl`),
    httpPort: hdfsPorts().http,
    user: hdfsPorts().user,
    key: (row) => row.id,
  });
  const found = await users.getAll(['u1', 'u3', 'u2']);
  t.deepEqual(
    [...found],
    [
      ['u1', { id: 'u1', name: 'Ada' }],
      ['u2', { id: 'u2', name: 'Bo' }],
    ],
  );
  t.is((await users.load()).size, 2);
});

test('a CSV file by header, through a webhdfs:// address', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('lookup-csv');
  await hdfsClient().create(`${dir}/users.csv`, 'id,name\r\nu1,"Ada, Countess"\r\nu2,Bo\r\n');
  const users = hdfsLookup<string, string>({
    url: `webhdfs://127.0.0.1:${hdfsPorts().http}${dir}/users.csv`,
    user: hdfsPorts().user,
    key: (row) => row.id,
    value: (row) => row.name,
  });
  t.deepEqual(
    [...(await users.getAll(['u1', 'u2', 'nobody']))],
    [
      ['u1', 'Ada, Countess'],
      ['u2', 'Bo'],
    ],
  );
});

test('10 000 distinct keys cost one load (3 HTTP requests) and nothing more per batch', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('lookup-trips');
  const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: `u${i}`, name: `user ${i}` }));
  await hdfsClient().create(`${dir}/users.jsonl`, jsonl(rows));
  const users = hdfsLookup<string, User>({
    url: hdfsUrl(`${dir}/users.jsonl`),
    httpPort: hdfsPorts().http,
    key: (row) => row.id,
  });
  const keys = rows.map((r) => r.id).concat(['missing-1', 'missing-2']);
  await users.refresh(1000); // the first load: GETFILESTATUS, OPEN at the NameNode, OPEN at the DataNode
  t.is(users.client.requests, 3);
  const found = await users.getAll(keys);
  t.is(found.size, 10_000);
  t.deepEqual(found.get('u9999'), { id: 'u9999', name: 'user 9999' });
  t.is(users.client.requests, 3, 'getAll answers from memory');
  await users.refresh(2000); // unchanged file: one GETFILESTATUS
  t.is(users.client.requests, 4);
});

test('refresh swaps in a changed file at a batch boundary, and only there', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('lookup-refresh');
  const fs = hdfsClient();
  const path = `${dir}/users.jsonl`;
  await fs.create(path, jsonl([{ id: 'u1', name: 'Ada' }]));
  const users = hdfsLookup<string, string>({
    url: hdfsUrl(path),
    httpPort: hdfsPorts().http,
    key: (row) => row.id,
    value: (row) => row.name,
    refreshIntervalMs: 2000,
  });
  await users.refresh(1000);
  t.is((await users.getAll(['u1'])).get('u1'), 'Ada');
  // Replaced the way a producer should: written aside, then renamed over the old file.
  await fs.create(
    `${dir}/.users.jsonl.tmp`,
    jsonl([
      { id: 'u1', name: 'Ada L.' },
      { id: 'u2', name: 'Bo' },
    ]),
  );
  await fs.rename(`${dir}/.users.jsonl.tmp`, path);
  t.is((await users.getAll(['u1'])).get('u1'), 'Ada', 'no swap in the middle of a batch');
  await users.refresh(2000); // within refreshIntervalMs of the last check: not even looked at
  t.is((await users.getAll(['u2'])).size, 0);
  await users.refresh(3000);
  t.deepEqual(
    [...(await users.getAll(['u1', 'u2']))],
    [
      ['u1', 'Ada L.'],
      ['u2', 'Bo'],
    ],
  );
});

test("reload: 'always' reads the file again at every check", async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('lookup-always');
  await hdfsClient().create(`${dir}/u.jsonl`, jsonl([{ id: 'u1', name: 'Ada' }]));
  const users = hdfsLookup<string, User>({
    url: hdfsUrl(`${dir}/u.jsonl`),
    httpPort: hdfsPorts().http,
    key: (row) => row.id,
    reload: 'always',
  });
  await users.refresh(1000);
  const before = users.client.requests;
  await users.refresh(2000);
  t.is(users.client.requests - before, 2, 'OPEN at the NameNode and the DataNode, no status');
});

test('a missing file fails at once with a message naming it', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('lookup-missing');
  const users = hdfsLookup<string, User>({
    url: hdfsUrl(`${dir}/none.jsonl`),
    httpPort: hdfsPorts().http,
    key: (row) => row.id,
  });
  const error = await t.throwsAsync(users.getAll(['u1']));
  t.regex(error.message, new RegExp(`there is no file ${dir}/none.jsonl`));
  t.is(users.client.requests, 1, 'not retried');
});

test('a bad row names the file and line', async (t) => {
  t.timeout(60_000);
  const dir = uniqueHdfsDir('lookup-bad');
  await hdfsClient().create(`${dir}/u.jsonl`, '{"id":"u1"}\n{oops\n');
  const users = hdfsLookup<string, User>({
    url: hdfsUrl(`${dir}/u.jsonl`),
    httpPort: hdfsPorts().http,
    key: (r) => r.id,
  });
  const error = await t.throwsAsync(users.load());
  t.regex(error.message, /u\.jsonl:2 is not JSON/);
});

test('options are checked when the lookup is made', (t) => {
  t.throws(() => hdfsLookup({ url: 's3://b/k', key: (r) => r }), {
    instanceOf: ConfigurationError,
    message: /not an HDFS address/,
  });
  t.throws(() => hdfsLookup({ url: 'hdfs://nn/x', key: 'id' as never }), {
    instanceOf: ConfigurationError,
    message: /key must be a function/,
  });
  t.throws(() => hdfsLookup({ url: 'webhdfs://nn/x', key: (r) => r }), {
    instanceOf: ConfigurationError,
    message: /web port/,
  });
  t.throws(() => hdfsLookup({ url: 'hdfs://nn/x', key: (r) => r, refreshIntervalMs: -1 }), {
    instanceOf: ConfigurationError,
  });
  t.throws(() => new WebHdfsClient({ endpoint: 'ftp://nn' }), {
    instanceOf: ConfigurationError,
    message: /http/,
  });
});

test('server down: retries with back-off, then a clear retriable failure without the token', async (t) => {
  t.timeout(60_000);
  const clock = recordingClock();
  const port = await closedPort();
  const client = new WebHdfsClient({
    endpoint: `http://127.0.0.1:${port}`,
    delegationToken: 'secret-delegation-token',
    maxAttempts: 4,
    backoff: { initialDelay: 100, jitter: 0 },
    clock,
  });
  const retries: string[] = [];
  client.onRetry = (message) => retries.push(message);
  const error = await t.throwsAsync(client.getFileStatus('/x'), { instanceOf: WebHdfsError });
  t.true(error.retriable);
  t.regex(error.message, new RegExp(`GETFILESTATUS /x at http://127.0.0.1:${port} failed: ECONNREFUSED`));
  t.regex(error.message, /gave up after 4 attempts/);
  t.deepEqual(clock.sleeps, [100, 200, 400]);
  t.is(client.requests, 4);
  t.is(retries.length, 3);
  for (const text of [error.message, ...retries]) t.false(text.includes('secret-delegation-token'));
});

test("NameNode lost during refresh: 'keepStale' answers from the old table, 'fail' fails the batch", async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('lookup-down');
  await hdfsClient().create(`${dir}/u.jsonl`, jsonl([{ id: 'u1', name: 'Ada' }]));
  const proxy = await tcpProxy(hdfsPorts().http);
  const made = (
    onRefreshError: 'fail' | 'keepStale',
    clock: ReturnType<typeof recordingClock>,
    errors: string[],
  ) =>
    hdfsLookup<string, string>({
      url: `webhdfs://127.0.0.1:${proxy.port}${dir}/u.jsonl`,
      key: (row) => row.id,
      value: (row) => row.name,
      maxAttempts: 3,
      backoff: { initialDelay: 50, jitter: 0 },
      clock,
      onRefreshError,
      onError: (message) => errors.push(message),
    });
  const staleClock = recordingClock();
  const staleErrors: string[] = [];
  const stale = made('keepStale', staleClock, staleErrors);
  const failClock = recordingClock();
  const failing = made('fail', failClock, []);
  await stale.refresh(1000);
  await failing.refresh(1000);
  await proxy.close(); // the NameNode is unreachable from here on
  await stale.refresh(2000);
  t.deepEqual(staleClock.sleeps, [50, 100]);
  t.is((await stale.getAll(['u1'])).get('u1'), 'Ada');
  t.true(staleErrors.some((m) => /reload failed, answering from the table loaded before/.test(m)));
  t.is(staleErrors.filter((m) => /retrying/.test(m)).length, 2);
  const error = await t.throwsAsync(failing.refresh(2000), { instanceOf: WebHdfsError });
  t.true(error.retriable);
  t.regex(error.message, /gave up after 3 attempts/);
  t.deepEqual(failClock.sleeps, [50, 100]);
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

/** A TCP proxy to 127.0.0.1:`target`; `close()` stops it and cuts every connection. */
async function tcpProxy(target: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}
