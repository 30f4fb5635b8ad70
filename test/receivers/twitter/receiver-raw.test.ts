/**
 * The Twitter receiver against a hand-driven HTTP server on 127.0.0.1: keep-alives ignored, a
 * tweet cut by a drop in the dead letters (at-most-once), bad lines in the dead letters with their
 * origin, a stall and HTTP errors reconnected by Twitter's rules on the context's ManualClock, and
 * a stop that aborts the request.
 */
import test from 'ava';
import { ConfigurationError, type DeadLetter } from '../../../lib/index.js';
import { TwitterReceiver, twitterStream } from '../../../receivers/twitter/index.js';
import { collect, nextEvent, setup, stored } from '../../lib/receiver/harness.js';
import { RawStreamServer, accept, closedRequest, send, v2Line } from './raw-stream-server.js';

test('keep-alive lines between and around tweets are ignored', async (t) => {
  t.timeout(20_000);
  const server = await RawStreamServer.listen();
  const { clock, ssc } = setup();
  const stream = twitterStream(ssc, { url: server.url, format: 'v2', env: {} });
  const batches = collect(stream);
  const letters = collect(stream.deadLetters());
  await ssc.start();
  const { request, response } = await server.nextRequest();
  t.regex(request.url ?? '', /tweet\.fields=created_at.*&expansions=author_id&user\.fields=/);
  t.is(request.headers.authorization, undefined, 'no token, no Authorization header');
  accept(response);
  await send(response, `\r\n${v2Line('101')}\r\n\r\n`);
  await send(response, `\r\n${v2Line('102')}\r\n`);
  await stored(stream, 2);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(
    batches.flatMap((b) => b.records.map((tw) => [tw.id, tw.author?.screenName, tw.matchingRules])),
    [
      ['101', 'seven', ['test']],
      ['102', 'seven', ['test']],
    ],
  );
  t.deepEqual(
    letters.flatMap((b) => b.records),
    [],
  );
});

test('a drop mid-tweet: the cut tweet goes to the dead letters, the receiver reconnects at once and goes on', async (t) => {
  t.timeout(20_000);
  const server = await RawStreamServer.listen();
  const { clock, ssc } = setup();
  const stream = twitterStream(ssc, { url: server.url, format: 'v2', env: {} });
  const batches = collect(stream);
  const letters = collect(stream.deadLetters());
  await ssc.start();
  const first = await server.nextRequest();
  accept(first.response);
  const third = v2Line('3');
  await send(first.response, v2Line('1') + v2Line('2') + third.slice(0, 20));
  await stored(stream, 2);
  const reconnecting = nextEvent(ssc, 'receiverError');
  first.response.socket?.destroy();
  t.regex((await reconnecting).message, /failed: .*; reconnecting now$/);
  const second = await server.nextRequest();
  accept(second.response);
  await send(second.response, v2Line('4'));
  await stored(stream, 4); // three tweets and the cut line
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(
    batches.flatMap((b) => b.records.map((tw) => tw.id)),
    ['1', '2', '4'],
  );
  const [cut] = letters.flatMap((b) => b.records);
  t.is(cut?.reason, 'malformedJson');
  t.is((cut?.record as Buffer).toString(), third.slice(0, 20));
  t.regex(cut?.origin.detail ?? '', /\/2\/tweets\/search\/stream, connection 1, line 3$/);
  t.regex(cut?.error.message ?? '', /ended in the middle of this line.*the tweet in it is lost/);
});

test('bad lines go to the dead letters with their origin; the receiver goes on', async (t) => {
  t.timeout(20_000);
  const server = await RawStreamServer.listen();
  const { clock, ssc } = setup();
  const stream = twitterStream(ssc, { url: server.url, format: 'v2', env: {}, maxLineBytes: 2000 });
  const batches = collect(stream);
  const letters = collect(stream.deadLetters());
  await ssc.start();
  const { response } = await server.nextRequest();
  accept(response);
  await send(response, v2Line('1'));
  await send(response, '{"data": {"id": \r\n'); // line 2
  await send(
    response,
    Buffer.concat([Buffer.from('{"data":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\r\n')]),
  );
  await send(response, '{"matching_rules":[]}\r\n'); // line 4: JSON, no tweet
  await send(response, `{"data":{"id":"5","text":"${'x'.repeat(3000)}"}}\r\n`); // line 5: too long
  await send(response, v2Line('6'));
  await stored(stream, 6);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(
    batches.flatMap((b) => b.records.map((tw) => tw.id)),
    ['1', '6'],
  );
  const dead = letters.flatMap((b) => b.records) as DeadLetter[];
  t.deepEqual(
    dead.map((l) => [l.reason, l.origin.detail?.replace(/^.*stream, /, '')]),
    [
      ['malformedJson', 'connection 1, line 2'],
      ['invalidUtf8', 'connection 1, line 3'],
      ['malformedJson', 'connection 1, line 4'],
      ['oversized', 'connection 1, line 5'],
    ],
  );
  t.is(dead[0]?.record, '{"data": {"id": ');
  t.regex(dead[0]?.error.message ?? '', /the line is not JSON/);
  t.true(Buffer.isBuffer(dead[1]?.record));
  t.regex(dead[2]?.error.message ?? '', /JSON but no v2 tweet: the v2 line has no "data" object/);
  t.regex(dead[3]?.error.message ?? '', /3\d{3} bytes is longer than maxLineBytes/);
  t.deepEqual(new Set(dead.map((l) => l.origin.input)), new Set(['twitterStream']));
});

test('a stall (no data, no keep-alive for 90 s on the clock) counts as a disconnect: reconnect at once', async (t) => {
  t.timeout(20_000);
  const server = await RawStreamServer.listen();
  const { clock, ssc } = setup();
  const stream = twitterStream(ssc, { url: server.url, format: 'v2', env: {} });
  const batches = collect(stream);
  await ssc.start();
  const first = await server.nextRequest();
  accept(first.response);
  await send(first.response, v2Line('1'));
  await stored(stream, 1);
  const stalled = nextEvent(ssc, 'receiverError');
  const closed = closedRequest(first.request);
  await clock.advance(89_000);
  t.is(server.requests, 1, 'no reconnect before the stall timeout');
  await clock.advance(1_000);
  const event = await stalled;
  t.regex(
    event.message,
    /no data and no keep-alive from .* for 90000 ms \(a stall\): disconnected; reconnecting now$/,
  );
  await closed;
  const second = await server.nextRequest();
  accept(second.response);
  await send(second.response, v2Line('2'));
  await stored(stream, 2);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(
    batches.flatMap((b) => b.records.map((tw) => tw.id)),
    ['1', '2'],
  );
});

test('HTTP 503 backs off 5 s, then 10 s, on the clock; 429 backs off a minute', async (t) => {
  t.timeout(20_000);
  const server = await RawStreamServer.listen();
  const { clock, ssc } = setup();
  const stream = twitterStream(ssc, { url: server.url, format: 'v2', env: {} });
  const batches = collect(stream);
  const messages: string[] = [];
  ssc.events.subscribe((e) => {
    if (e.type === 'receiverError') messages.push(e.message);
  });
  await ssc.start();
  const answer = async (status: number, body: string): Promise<void> => {
    const { response } = await server.nextRequest();
    const error = nextEvent(ssc, 'receiverError');
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
    await error;
  };
  await answer(503, '{"title":"Service Unavailable"}');
  await clock.advance(4_999);
  t.is(server.requests, 1);
  await clock.advance(1);
  await answer(503, '');
  await clock.advance(10_000);
  await answer(
    429,
    '{"title":"ConnectionException","detail":"This stream is currently at the maximum allowed connection limit."}',
  );
  await clock.advance(59_999);
  t.is(server.requests, 3);
  await clock.advance(1);
  const { response } = await server.nextRequest();
  accept(response);
  await send(response, v2Line('1'));
  await stored(stream, 1);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(messages.slice(0, 3), [
    `HTTP 503 Service Unavailable from ${server.url} (the server said: {"title":"Service Unavailable"}); reconnecting in 5000 ms`,
    `HTTP 503 Service Unavailable from ${server.url}; reconnecting in 10000 ms`,
    `HTTP 429 Too Many Requests from ${server.url} (the server said: {"title":"ConnectionException","detail":"This stream is currently at the maximum allowed connection limit."}); reconnecting in 60000 ms`,
  ]);
  t.is(batches.flatMap((b) => b.records).length, 1);
});

test('a refused connection backs off linearly: 250 ms, then 500 ms', async (t) => {
  t.timeout(20_000);
  const probe = await RawStreamServer.listen();
  const url = probe.url;
  await probe.close();
  const { clock, ssc } = setup();
  collect(twitterStream(ssc, { url, format: 'v2', env: {} }));
  const first = nextEvent(ssc, 'receiverError');
  await ssc.start();
  t.regex((await first).message, /^could not connect to .*ECONNREFUSED.*; reconnecting in 250 ms$/);
  const second = nextEvent(ssc, 'receiverError');
  await clock.advance(250);
  t.regex((await second).message, /reconnecting in 500 ms$/);
  await ssc.stop();
});

test('stopping the context aborts the request under way', async (t) => {
  t.timeout(20_000);
  const server = await RawStreamServer.listen();
  const { ssc } = setup();
  collect(twitterStream(ssc, { url: server.url, format: 'v2', env: {} }));
  await ssc.start();
  const { request, response } = await server.nextRequest();
  accept(response);
  await send(response, '\r\n');
  const closed = closedRequest(request);
  await ssc.stop();
  await closed;
  t.true(request.destroyed);
  await server.close(); // would hang with the connection still open
});

test('options are checked when the stream is made', (t) => {
  const bad: [object, RegExp][] = [
    [{ url: 'http://127.0.0.1/x', format: 'v3' }, /format must be 'v2' or 'v1.1', got "v3"/],
    [{ url: 'not a url', format: 'v2' }, /url must be an http\(s\) URL/],
    [{ url: 'ftp://127.0.0.1/x', format: 'v2' }, /must start with http:\/\/ or https:\/\//],
    [
      { url: 'https://api.twitter.com/2/tweets/search/stream', format: 'v2', env: {} },
      /api\.twitter\.com needs a bearer token: set TWITTER_BEARER_TOKEN/,
    ],
    [
      { url: 'http://127.0.0.1/x', format: 'v2', stallTimeoutMs: 0 },
      /stallTimeoutMs must be a number of ms > 0/,
    ],
    [
      { url: 'http://127.0.0.1/x', format: 'v2', reconnect: { httpMaxMs: -1 } },
      /reconnect\.httpMaxMs must be/,
    ],
    [{ url: 'http://127.0.0.1/x', format: 'v2', bearerToken: '' }, /bearerToken must be a non-empty string/],
  ];
  for (const [options, message] of bad) {
    const error = t.throws(() => new TwitterReceiver(options as never), { instanceOf: ConfigurationError });
    t.regex(error?.message ?? '', message);
  }
  const receiver = new TwitterReceiver({
    url: 'https://api.twitter.com/2/tweets/search/stream?tweet.fields=id',
    format: 'v2',
    env: { TWITTER_BEARER_TOKEN: 'from-env' },
  });
  t.is(receiver.name, 'twitter api.twitter.com/2/tweets/search/stream');
});

test("a v2 'errors' line (the API's notice before it disconnects) is reported on the events, not stored", async (t) => {
  t.timeout(20_000);
  const server = await RawStreamServer.listen();
  const { clock, ssc } = setup();
  const stream = twitterStream(ssc, { url: server.url, format: 'v2', env: {} });
  const batches = collect(stream);
  const letters = collect(stream.deadLetters());
  await ssc.start();
  const { response } = await server.nextRequest();
  accept(response);
  const notice = nextEvent(ssc, 'receiverError');
  const errors = {
    errors: [
      {
        title: 'operational-disconnect',
        disconnect_type: 'UpstreamOperationalDisconnect',
        detail: 'This stream has been disconnected upstream for operational reasons.',
        type: 'https://api.twitter.com/2/problems/operational-disconnect',
      },
    ],
  };
  await send(response, `${v2Line('1')}${JSON.stringify(errors)}\r\n`);
  t.regex(
    (await notice).message,
    /connection 1, line 2: the stream sent errors: operational-disconnect: This stream has been disconnected upstream/,
  );
  await stored(stream, 1);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(
    batches.flatMap((b) => b.records.map((tw) => tw.id)),
    ['1'],
  );
  t.deepEqual(
    letters.flatMap((b) => b.records),
    [],
  );
});
