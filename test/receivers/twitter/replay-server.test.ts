/**
 * The replay server over real HTTP on 127.0.0.1: both endpoints, the bearer token, pacing and
 * keep-alives on a ManualClock (asserted by the server's count and the lines received, never by
 * time), the end of the file, loop, and lines passed through.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../../lib/index.js';
import { SANDERS_RULES, startReplayServer, toV2Message } from '../../../receivers/twitter/index.js';
import { RuleMatcher } from '../../../receivers/twitter/replay/rules.js';
import { SANDERS_TWEETS, replayFile, sandersLines } from './data.js';
import { StreamClient } from './stream-client.js';

const rules = new RuleMatcher(SANDERS_RULES);

/** Resolves once `condition` holds, checking at each turn of the event loop; rejects after `limitMs`. */
async function until(condition: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`the condition did not hold within ${limitMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('v2: each status as a v2 line with CRLF, in file order, then the response ends', async (t) => {
  t.timeout(20_000);
  const lines = sandersLines().slice(0, 5);
  const server = await startReplayServer({ file: await replayFile(lines) });
  t.regex(server.url, /^http:\/\/127\.0\.0\.1:\d+\/2\/tweets\/search\/stream$/);
  const client = await StreamClient.open(server.url);
  t.is(client.status, 200);
  t.is(client.response.headers['content-type'], 'application/json; charset=utf-8');
  await client.ended;
  t.deepEqual(
    client.lines.map((l) => JSON.parse(l) as unknown),
    lines.map((l) => toV2Message(JSON.parse(l), rules)),
  );
  t.is(client.unterminated, '', 'every line ends with CRLF');
  t.is(server.sent, 5);
  await server.close();
});

test('v1.1: the lines of the file as they are, on /1.1/statuses/filter.json', async (t) => {
  t.timeout(20_000);
  const lines = sandersLines().slice(10, 14);
  const server = await startReplayServer({ file: await replayFile(lines), format: 'v1.1' });
  t.is(server.url, server.urls['v1.1']);
  t.regex(server.url, /\/1\.1\/statuses\/filter\.json$/);
  const client = await StreamClient.open(`${server.url}?track=apple`);
  await client.ended;
  t.deepEqual(client.lines, lines);
  await server.close();
});

test('with a bearer token, a request without it (or with another) gets 401; with it, the stream', async (t) => {
  t.timeout(20_000);
  const server = await startReplayServer({
    file: await replayFile(sandersLines().slice(0, 2)),
    bearerToken: 's3cret',
  });
  const none = await StreamClient.open(server.url);
  await none.ended;
  t.is(none.status, 401);
  t.deepEqual(JSON.parse(none.unterminated), {
    title: 'Unauthorized',
    detail: 'Unauthorized',
    type: 'about:blank',
    status: 401,
  });
  const wrong = await StreamClient.open(server.url, { authorization: 'Bearer s3cres' });
  t.is(wrong.status, 401);
  wrong.close();
  const right = await StreamClient.open(server.url, { authorization: 'Bearer s3cret' });
  await right.ended;
  t.is(right.status, 200);
  t.is(right.lines.length, 2);
  await server.close();
});

test('an unknown path is 404', async (t) => {
  t.timeout(20_000);
  const server = await startReplayServer({ file: await replayFile(sandersLines().slice(0, 1)) });
  const client = await StreamClient.open(server.url.replace('/search/stream', '/sample/stream'));
  await client.ended;
  t.is(client.status, 404);
  t.regex(client.unterminated, /no stream at \/2\/tweets\/sample\/stream/);
  await server.close();
});

test('rate: one line every 1000/rate ms on the clock, waiting while no client is connected', async (t) => {
  t.timeout(20_000);
  const clock = new ManualClock();
  const server = await startReplayServer({
    file: await replayFile(sandersLines().slice(0, 4)),
    rate: 2,
    clock,
  });
  await clock.advance(10_000);
  t.is(server.sent, 0, 'nothing is sent, and the schedule does not run, without a client');
  const client = await StreamClient.open(server.url);
  await client.waitLines(1);
  t.is(server.sent, 1);
  await clock.advance(499);
  t.is(server.sent, 1);
  await clock.advance(1);
  await client.waitLines(2);
  t.is(server.sent, 2);
  await clock.advance(1000);
  await client.ended;
  t.is(server.sent, 4);
  t.deepEqual(
    client.lines.map((l) => (JSON.parse(l) as { data: { id: string } }).data.id),
    sandersLines()
      .slice(0, 4)
      .map((l) => (JSON.parse(l) as { id_str: string }).id_str),
  );
  await server.close();
});

test('speedup: the original gaps between created_at, divided', async (t) => {
  t.timeout(20_000);
  // The first two tweets of the file: 05:36:56 and 05:49:58, 782 s apart.
  const clock = new ManualClock();
  const file = await replayFile(sandersLines().slice(0, 2));
  const server = await startReplayServer({ file, speedup: 100, clock, keepAliveMs: 60_000 });
  const client = await StreamClient.open(server.url);
  await client.waitLines(1);
  await clock.advance(7819);
  t.is(server.sent, 1);
  await clock.advance(1);
  await client.ended;
  t.is(server.sent, 2);
  await server.close();
});

test('keep-alive: a blank line after each 20 s without a tweet', async (t) => {
  t.timeout(20_000);
  const clock = new ManualClock();
  const server = await startReplayServer({
    file: await replayFile(sandersLines().slice(0, 2)),
    rate: 0.01,
    clock,
  });
  const client = await StreamClient.open(server.url);
  await client.waitLines(1);
  await clock.advance(19_999);
  t.is(client.lines.length, 1);
  await clock.advance(1);
  await client.waitLines(2);
  await clock.advance(80_000); // keep-alives at 40, 60 and 80 s, the second tweet at 100 s
  await client.ended;
  t.deepEqual(
    client.lines.map((l) => (l === '' ? '' : 'tweet')),
    ['tweet', '', '', '', '', 'tweet'],
  );
  await server.close();
});

test('after the end of the file a new connection ends at once; with loop, the file starts again', async (t) => {
  t.timeout(20_000);
  const file = await replayFile(sandersLines().slice(0, 3));
  const once = await startReplayServer({ file });
  await (
    await StreamClient.open(once.url)
  ).ended;
  const late = await StreamClient.open(once.url);
  await late.ended;
  t.is(late.status, 200);
  t.deepEqual(late.lines, []);
  await once.close();

  const looping = await startReplayServer({ file, loop: true });
  const client = await StreamClient.open(looping.url);
  await client.waitLines(7);
  client.close();
  const ids = client.lines.slice(0, 7).map((l) => (JSON.parse(l) as { data: { id: string } }).data.id);
  t.deepEqual(ids.slice(3, 6), ids.slice(0, 3));
  t.is(ids[6], ids[0]);
  await looping.close();
});

test('a line that is no status is sent as it is, on both endpoints', async (t) => {
  t.timeout(20_000);
  const lines = [sandersLines()[0] as string, '{"broken": ', '{"limit":{"track":3}}'];
  const server = await startReplayServer({ file: await replayFile(lines) });
  const client = await StreamClient.open(server.url);
  await client.ended;
  t.deepEqual(client.lines.slice(1), ['{"broken": ', '{"limit":{"track":3}}']);
  await server.close();
});

test('options are checked before anything starts', async (t) => {
  const file = await replayFile(sandersLines().slice(0, 1));
  await t.throwsAsync(startReplayServer({ file, rate: 5, speedup: 2 }), {
    message: /rate .* or speedup .*, not both/,
  });
  await t.throwsAsync(startReplayServer({ file, rate: -1 }), { message: /rate must be a number > 0/ });
  await t.throwsAsync(startReplayServer({ file: `${file}.missing` }), { message: /cannot read .*missing/ });
  await t.throwsAsync(startReplayServer({ file: await replayFile([]) }), { message: /holds no line/ });
});

test('close() ends even while a client that reads nothing holds the replay up', async (t) => {
  t.timeout(30_000);
  const server = await startReplayServer({ file: fileURLToPath(SANDERS_TWEETS), format: 'v1.1' });
  const client = await StreamClient.open(server.url);
  client.response.pause(); // reads nothing: the buffers fill, and the server waits for a drain
  await until(() => server.heldUp, 20_000);
  await server.close(); // would wait for that client for ever
  client.close();
  t.true(server.sent < sandersLines().length, `the replay was held up after ${server.sent} lines`);
});
