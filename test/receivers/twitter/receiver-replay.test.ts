/**
 * The Twitter receiver end to end in a real StreamingContext, reading the replay server over HTTP
 * on 127.0.0.1: every tweet once and in order in both formats, normalised right; a dropped
 * connection reconnected to; a refused token stopping the receiver with a clear error that holds
 * no token; what was received surviving a crash with the write-ahead log on. The context runs on a ManualClock; the tests wait for stored records and events.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ManualClock, StreamingContext, type StreamingEvent } from '../../../lib/index.js';
import { startReplayServer, twitterStream, type Tweet } from '../../../receivers/twitter/index.js';
import { normalize } from '../../../receivers/twitter/normalize.js';
import { collect, nextEvent, setup, stored } from '../../lib/receiver/harness.js';
import { replayFile, sandersLines } from './data.js';
import { RawStreamServer } from './raw-stream-server.js';

/** 40 lines of the bundled file, with its retweet at line 323. */
const LINES = [...sandersLines().slice(300, 339), sandersLines()[323] as string];

/** The tweet without the fields that differ between the formats. */
function comparable(tweet: Tweet): Omit<Tweet, 'raw' | 'format' | 'matchingRules'> {
  const { raw: _raw, format: _format, matchingRules: _rules, ...rest } = tweet;
  return rest;
}

function expected(): Omit<Tweet, 'raw' | 'format' | 'matchingRules'>[] {
  return LINES.map((line) => {
    const outcome = normalize(JSON.parse(line), 'v1.1');
    if (!('tweet' in outcome)) throw new Error('the data file holds a line that is no tweet');
    return comparable(outcome.tweet);
  });
}

for (const format of ['v2', 'v1.1'] as const) {
  test(`${format}: every tweet of the file arrives once, in order, normalised`, async (t) => {
    t.timeout(30_000);
    const server = await startReplayServer({ file: await replayFile(LINES), format });
    const { clock, ssc } = setup();
    const stream = twitterStream(ssc, { url: server.url, format, env: {} });
    const batches = collect(stream);
    const letters = collect(stream.deadLetters());
    await ssc.start();
    await stored(stream, LINES.length);
    await clock.advance(1000);
    await ssc.stop();
    await server.close();
    const tweets = batches.flatMap((b) => b.records);
    t.deepEqual(tweets.map(comparable), expected());
    t.true(tweets.every((tw) => tw.format === format));
    if (format === 'v2') t.true(tweets.every((tw) => tw.matchingRules.length > 0));
    else t.true(tweets.every((tw) => tw.matchingRules.length === 0));
    t.deepEqual(
      letters.flatMap((b) => b.records),
      [],
    );
  });
}

test('the replay server drops the connection mid-stream: the receiver reconnects at once and goes on', async (t) => {
  t.timeout(30_000);
  const serverClock = new ManualClock();
  const server = await startReplayServer({
    file: await replayFile(LINES.slice(0, 8)),
    rate: 1,
    clock: serverClock,
  });
  const { clock, ssc, events } = setup();
  const stream = twitterStream(ssc, { url: server.url, format: 'v2', env: {} });
  const batches = collect(stream);
  await ssc.start();
  await stored(stream, 1); // the first tweet goes out at once
  await serverClock.advance(2000);
  await stored(stream, 3);
  const reconnecting = nextEvent(ssc, 'receiverError', (e) => /reconnecting now/.test(e.message));
  server.dropConnections();
  const event = await reconnecting;
  t.regex(event.message, /^the connection to http:\/\/127\.0\.0\.1:\d+\/2\/tweets\/search\/stream failed: /);
  // The replay waits while no client is connected; step its clock until the rest has come.
  let done = false;
  const all = stored(stream, 8).then(() => (done = true));
  for (let step = 0; step < 50 && !done; step++) await serverClock.advance(1000);
  await all;
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  const ids = batches.flatMap((b) => b.records).map((tw) => tw.id);
  t.deepEqual(
    ids,
    LINES.slice(0, 8).map((l) => (JSON.parse(l) as { id_str: string }).id_str),
  );
  t.false(
    events.some((e) => e.type === 'receiverStopped' && e.reason !== 'the context is stopping'),
    'the receiver never stopped',
  );
});

test('a refused bearer token stops the receiver with a clear error, and the token is nowhere in events', async (t) => {
  t.timeout(30_000);
  const server = await startReplayServer({
    file: await replayFile(LINES.slice(0, 2)),
    bearerToken: 'right-TOKEN-1',
  });
  const { ssc, events } = setup();
  const stream = twitterStream(ssc, { url: server.url, format: 'v2', bearerToken: 'wrong-TOKEN-2' });
  collect(stream);
  const stopped = nextEvent(ssc, 'receiverStopped');
  await ssc.start();
  const stop = await stopped;
  t.regex(stop.reason, /^HTTP 401 Unauthorized from http:\/\/127\.0\.0\.1:\d+\/2\/tweets\/search\/stream: /);
  t.regex(stop.reason, /set TWITTER_BEARER_TOKEN, or bearerToken, to a valid token/);
  const error = events.find(
    (e): e is Extract<StreamingEvent, { type: 'receiverError' }> => e.type === 'receiverError',
  );
  t.regex(error?.message ?? '', /^stopping: HTTP 401 Unauthorized/);
  t.false((error?.error as { retriable?: boolean } | undefined)?.retriable ?? true, 'not retriable');
  await ssc.stop();
  await server.close();
  const everything = inspect(events, { depth: 10 });
  t.false(everything.includes('TOKEN-2'), 'the token is in no event, message or error');
  t.false(everything.includes('TOKEN-1'));
});

test('the token from TWITTER_BEARER_TOKEN is sent as Authorization: Bearer', async (t) => {
  t.timeout(30_000);
  const server = await startReplayServer({
    file: await replayFile(LINES.slice(0, 3)),
    bearerToken: 'env-token',
  });
  const { clock, ssc } = setup();
  const stream = twitterStream(ssc, {
    url: server.url,
    format: 'v2',
    env: { TWITTER_BEARER_TOKEN: 'env-token' },
  });
  const batches = collect(stream);
  await ssc.start();
  await stored(stream, 3);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.is(batches.flatMap((b) => b.records).length, 3);
});

test('with the write-ahead log on, tweets received before a crash come back, whole, in the recovered batch', async (t) => {
  t.timeout(30_000);
  const dir = await mkdtemp(join(tmpdir(), 'kindling-twitter-wal-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const job = (start: number, url: string) => {
    const clock = new ManualClock(start);
    const ssc = new StreamingContext({ batchInterval: 1000, clock, checkpointDir: dir, writeAheadLog: true });
    const stream = twitterStream(ssc, { url, format: 'v2', env: {} });
    return { clock, ssc, stream, batches: collect(stream) };
  };
  const server = await startReplayServer({ file: await replayFile(LINES.slice(0, 5)) });
  const first = job(0, server.url);
  // The stream ends after the file; the receiver reports it only once its last store was logged.
  const ended = nextEvent(first.ssc, 'receiverError', (e) =>
    /ended the stream; reconnecting now/.test(e.message),
  );
  await first.ssc.start();
  await ended;
  await server.close();
  // The first job is abandoned here, as if killed: no batch ever completed.
  const quiet = await RawStreamServer.listen();
  let second!: ReturnType<typeof job>;
  const ssc = await StreamingContext.getOrCreate(dir, () => (second = job(0, quiet.url)).ssc);
  await ssc.start();
  await second.clock.advance(1000);
  await ssc.stop();
  await quiet.close();
  const tweets = second.batches.flatMap((b) => b.records);
  t.deepEqual(tweets.map(comparable), expected().slice(0, 5));
  t.deepEqual(
    tweets.map((tw) => (tw.raw as { data: { id: string } }).data.id),
    tweets.map((tw) => tw.id),
  );
  t.true(tweets.every((tw) => tw.format === 'v2' && tw.matchingRules.length > 0));
});
