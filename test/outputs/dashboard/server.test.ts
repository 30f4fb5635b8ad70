/**
 * The dashboard's HTTP server with real requests on 127.0.0.1: the page and uPlot come from the
 * package, the event stream starts with a snapshot and carries batches and panels live,
 * `ssc.stop()` closes the streams and the server, and access rules hold (no token off loopback,
 * token by query then cookie, or bearer header; a clear 401/403/404/405 otherwise).
 */
import test from 'ava';
import { request, type IncomingHttpHeaders } from 'node:http';
import { ConfigurationError, IllegalStateError, ManualClock, StreamingContext } from '../../../lib/index.js';
import { dashboard } from '../../../outputs/dashboard/index.js';
import { EventReader } from './events.js';

function context(name: string): { clock: ManualClock; ssc: StreamingContext } {
  const clock = new ManualClock();
  return { clock, ssc: new StreamingContext({ batchInterval: 1000, clock, name }) };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request to 127.0.0.1:`port` with real node:http; resolves with the whole answer. */
function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, method, headers, timeout: 10_000, agent: false };
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

test('serves the page, its script and style, and uPlot from the package; unknown paths are 404', async (t) => {
  const { ssc } = context('dashboard-files');
  ssc.queueStream([[1]]).foreachBatch(() => undefined);
  const board = dashboard(ssc, { port: 0 });
  t.teardown(() => board.close());
  const { address, port } = await board.listening;
  t.is(address, '127.0.0.1');
  t.is(await board.url(), `http://127.0.0.1:${port}/`);

  const page = await get(port, '/');
  t.is(page.status, 200);
  t.regex(page.headers['content-type'] ?? '', /text\/html/);
  t.regex(page.body, /<script src="vendor\/uPlot\.iife\.min\.js"/);
  t.regex(String(page.headers['content-security-policy']), /script-src 'self'/);

  const uplot = await get(port, '/vendor/uPlot.iife.min.js');
  t.is(uplot.status, 200);
  t.regex(uplot.body, /uPlot/);
  t.is((await get(port, '/vendor/uPlot.min.css')).status, 200);
  t.regex((await get(port, '/dashboard.js')).body, /new EventSource\('events'\)/);
  t.is((await get(port, '/dashboard.css')).status, 200);

  const head = await get(port, '/events', {}, 'HEAD');
  t.is(head.status, 200);
  t.is(head.headers['content-type'], 'text/event-stream');
  t.is(head.body, '');

  const missing = await get(port, '/nope');
  t.is(missing.status, 404);
  t.is(missing.body, 'no such page: /nope; the dashboard is at /\n');
  const post = await get(port, '/', {}, 'POST');
  t.is(post.status, 405);
  t.is(post.headers.allow, 'GET, HEAD');
});

test('the event stream starts with the history, then carries batches and panels live; ssc.stop() closes it', async (t) => {
  t.timeout(30_000);
  const { clock, ssc } = context('dashboard-events');
  const words = ssc.queueStream([['a', 'b', 'a'], ['c'], ['a']]);
  const board = dashboard(ssc, { port: 0 });
  board.panel(words.count(), 'words');
  t.teardown(() => board.close());
  const { port } = await board.listening;
  await ssc.start();
  await clock.advance(1000);

  const reader = await EventReader.open(port, '/events');
  t.teardown(() => reader.close());
  const [snapshot] = await reader.next(1);
  t.is(snapshot?.event, 'snapshot');
  const first = snapshot?.data as {
    statistics: { batches: { batchTime: number; records: number; status: string }[] };
    panels: { name: string; points: unknown[] }[];
  };
  t.deepEqual(
    first.statistics.batches.map((b) => [b.batchTime, b.records, b.status]),
    [[1000, 3, 'completed']],
  );
  t.deepEqual(first.panels, [
    {
      kind: 'line',
      name: 'words',
      title: 'words',
      unit: null,
      series: ['words'],
      omittedSeries: 0,
      points: [{ time: 1000, values: { words: 3 } }],
    },
  ]);

  await clock.advance(1000);
  const live = await reader.until(
    (m) => m.event === 'batch' && (m.data as Batch).batch.status === 'completed',
  );
  const panel = live.find((m) => m.event === 'panel');
  t.deepEqual((panel?.data as { point: unknown }).point, { time: 2000, values: { words: 1 } });
  const done = live.at(-1)?.data as Batch;
  t.is(done.batch.batchTime, 2000);
  t.is(done.summary.completedBatches, 2);
  t.is(done.summary.totalRecords, 4);

  const snap = JSON.parse((await get(port, '/api/snapshot')).body) as typeof first;
  t.deepEqual(
    snap.statistics.batches.map((b) => b.batchTime),
    [1000, 2000],
  );

  await ssc.stop();
  const last = await reader.ended();
  t.is(last.at(-1)?.event, 'closed');
  t.is(board.clients, 0);
  await board.close(); // the close that ssc.stop() began
  await t.throwsAsync(get(port, '/'), { code: 'ECONNREFUSED' });
});

interface Batch {
  batch: { batchTime: number; status: string };
  summary: { completedBatches: number; totalRecords: number };
}

test('a host other than loopback without a token is refused before anything listens', (t) => {
  const { ssc } = context('dashboard-no-token');
  const error = t.throws(() => dashboard(ssc, { host: '0.0.0.0', port: 0 }), {
    instanceOf: ConfigurationError,
  });
  t.regex(
    error?.message ?? '',
    /host '0\.0\.0\.0' is reachable from other machines, so the dashboard needs a token/,
  );
  t.regex(error?.message ?? '', /or bind host '127\.0\.0\.1'/);
  t.throws(() => dashboard(ssc, { host: '::', port: 0 }), { instanceOf: ConfigurationError });
  t.throws(() => dashboard(ssc, { port: 0, token: 'short' }), {
    instanceOf: ConfigurationError,
    message: /at least 16 characters/,
  });
  t.throws(() => dashboard(ssc, { port: 70_000 }), {
    message: /port must be a whole number from 0 to 65535/,
  });
});

test('a stop right after the dashboard was made still closes its server', async (t) => {
  const { ssc } = context('dashboard-quick-stop');
  const board = dashboard(ssc, { port: 0 });
  await ssc.stop();
  await board.close();
  const { port } = await board.listening;
  await t.throwsAsync(get(port, '/'), { code: 'ECONNREFUSED' });
});

test('a dashboard for a context that has stopped is refused', async (t) => {
  const { ssc } = context('dashboard-after-stop');
  await ssc.stop();
  t.throws(() => dashboard(ssc, { port: 0 }), { instanceOf: IllegalStateError, message: /has stopped/ });
});

test('with a token every request carries it: ?token= once gives a cookie, or a bearer header', async (t) => {
  const { ssc } = context('dashboard-token');
  ssc.queueStream([[1]]).foreachBatch(() => undefined);
  const token = 'kindling-test-token-0123456789';
  const board = dashboard(ssc, { port: 0, token });
  t.teardown(() => board.close());
  const { port } = await board.listening;

  const bare = await get(port, '/');
  t.is(bare.status, 401);
  t.regex(
    bare.body,
    /this dashboard needs its token: open \/\?token=<the token the dashboard was started with> once/,
  );
  t.false(bare.body.includes(token));
  t.is((await get(port, '/events')).status, 401);

  const wrong = await get(port, '/?token=not-the-token-at-all');
  t.is(wrong.status, 401);
  t.regex(wrong.body, /the token in the address is wrong/);

  const entry = await get(port, `/?token=${token}&x=1`);
  t.is(entry.status, 303);
  t.is(entry.headers.location, '/?x=1');
  const cookie = String(entry.headers['set-cookie']?.[0]);
  t.regex(cookie, /^kindling_dashboard_\d+=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
  t.false(cookie.includes(token), 'the cookie holds a value derived from the token, not the token');
  const session = cookie.split(';')[0] as string;
  t.is((await get(port, '/', { Cookie: session })).status, 200);
  t.is((await get(port, '/', { Cookie: `${session}x` })).status, 401);

  t.is((await get(port, '/api/snapshot', { Authorization: `Bearer ${token}` })).status, 200);
  t.is((await get(port, '/api/snapshot', { Authorization: 'Bearer nope' })).status, 401);
});

test('without a token a loopback dashboard answers only requests that name a loopback host', async (t) => {
  const { ssc } = context('dashboard-host-header');
  const board = dashboard(ssc, { port: 0 });
  t.teardown(() => board.close());
  const { port } = await board.listening;
  t.is((await get(port, '/', { Host: `localhost:${port}` })).status, 200);
  const rebound = await get(port, '/', { Host: 'attacker.example:80' });
  t.is(rebound.status, 403);
  t.regex(rebound.body, /answers only requests for 127\.0\.0\.1 or localhost, not 'attacker\.example'/);
});

test('a second dashboard on one context, and a port in use, are refused with a clear message', async (t) => {
  const { ssc } = context('dashboard-twice');
  const board = dashboard(ssc, { port: 0 });
  t.teardown(() => board.close());
  const { port } = await board.listening;
  t.throws(() => dashboard(ssc, { port: 0 }), { message: /already has a dashboard/ });

  const other = context('dashboard-port-taken').ssc;
  const clash = dashboard(other, { port });
  t.teardown(() => clash.close());
  await t.throwsAsync(clash.listening, {
    instanceOf: ConfigurationError,
    message: new RegExp(`port ${port} on 127.0.0.1 is in use`),
  });
});

test('a dashboard that cannot listen fails ssc.start() with the reason, reported once', async (t) => {
  const { ssc: first } = context('dashboard-holds-port');
  const board = dashboard(first, { port: 0 });
  t.teardown(() => board.close());
  const { port } = await board.listening;

  const warnings: string[] = [];
  const logger = {
    info: () => undefined,
    warn: (m: string) => void warnings.push(m),
    error: (m: string) => void warnings.push(m),
  };
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'clash', logger });
  const reported: string[] = [];
  ssc.events.subscribe((event) => {
    if (event.type === 'connectorError') reported.push(event.message);
  });
  ssc.queueStream([[1]]).foreachBatch(() => undefined);
  dashboard(ssc, { port });
  await t.throwsAsync(ssc.start(), { message: new RegExp(`dashboard: port ${port} on 127.0.0.1 is in use`) });
  t.is(ssc.state, 'stopped');
  t.deepEqual([reported, warnings], [[], []], 'the failed start says it; nothing else repeats it');
});
