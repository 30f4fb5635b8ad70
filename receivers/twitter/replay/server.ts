/**
 * `startReplayServer`: serves a file of v1.1 tweets as Twitter's streaming endpoints do, for demos
 * and tests: `GET /2/tweets/search/stream` (v2 filtered-stream lines) and
 * `GET /1.1/statuses/filter.json` (v1.1 status lines), newline-delimited JSON with `\r\n`, blank
 * keep-alive lines while idle, paced by a rate or by the tweets' own timing.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { ConfigurationError, SystemClock, type Clock } from '../../../lib/index.js';
import type { TweetFormat } from '../tweet.js';
import { Broadcast } from './broadcast.js';
import { Feed, type Pace } from './feed.js';
import { RuleMatcher, SANDERS_RULES, type ReplayRule } from './rules.js';

/** Options of {@link startReplayServer}. */
export interface ReplayServerOptions {
  /** A file of v1.1 statuses, one JSON object per line, in time order (`examples/tweets/data/sanders_tweets.jsonl`). */
  readonly file: string;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Tweets per second. Without `rate` or `speedup`, as fast as the clients read. */
  readonly rate?: number;
  /** The tweets' own timing (from `created_at`), this many times faster. Not with `rate`. */
  readonly speedup?: number;
  /** The endpoint that `url` points at. Default `'v2'`. Both endpoints are served. */
  readonly format?: TweetFormat;
  /** Start again at the first line after the last. Default false: the responses end after the file. */
  readonly loop?: boolean;
  /** When set, a request without `Authorization: Bearer <this>` gets 401. */
  readonly bearerToken?: string;
  /** Idle time before a blank keep-alive line, ms. Default 20 000 (Twitter's). */
  readonly keepAliveMs?: number;
  /** The v2 rules a tweet can match (`matching_rules`). Default the Sanders corpus' four topics. */
  readonly rules?: readonly ReplayRule[];
  /** The clock that paces the replay and the keep-alives. Default the system clock. */
  readonly clock?: Clock;
}

/** A running replay server. */
export interface ReplayServer {
  /** The URL of the stream of `format`, e.g. `http://127.0.0.1:40123/2/tweets/search/stream`. */
  readonly url: string;
  /** The URLs of both endpoints. */
  readonly urls: {
    /** The API v2 filtered stream, `/2/tweets/search/stream`. */
    readonly v2: string;
    /** The API v1.1 statuses filter, `/1.1/statuses/filter.json`. */
    readonly 'v1.1': string;
  };
  /** The TCP port the server listens on (the free one picked when `port` was 0). */
  readonly port: number;
  /** Lines of the file sent so far (each once, whatever the number of clients). */
  readonly sent: number;
  /** Clients connected now. */
  readonly connected: number;
  /** True while the replay waits for a client that reads too slowly (the others wait too). */
  readonly heldUp: boolean;
  /** Breaks every client's connection mid-stream (to try a receiver's reconnects). */
  dropConnections(): void;
  /** Ends every response and closes the server. */
  close(): Promise<void>;
}

const PATHS: Readonly<Record<string, TweetFormat>> = {
  '/2/tweets/search/stream': 'v2',
  '/1.1/statuses/filter.json': 'v1.1',
};

/**
 * Starts a server that replays `file` as a Twitter stream; see {@link ReplayServerOptions}.
 *
 * The replay is one live stream: every connected client gets each line as it is sent, and a
 * client that connects later starts from there. It waits while no client is connected, so a
 * receiver that reconnects misses only what was in flight on its broken connection.
 *
 * @example
 * const server = await startReplayServer({ file: 'examples/tweets/data/sanders_tweets.jsonl', rate: 50 });
 * const tweets = twitterStream(ssc, { url: server.url, format: 'v2' });
 * // ...
 * await server.close();
 *
 * Gotchas: the file is read into memory at start. Lines that are not statuses are sent unchanged
 * on both endpoints (a receiver sends them to its dead letters). Query parameters (`tweet.fields`,
 * ...) are accepted and ignored: every v2 line carries all the fields a {@link Tweet} needs.
 */
export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const pace = checkOptions(options);
  const feed = await Feed.load(options.file, pace, new RuleMatcher(options.rules ?? SANDERS_RULES));
  const clock = options.clock ?? new SystemClock();
  const broadcast = new Broadcast(feed, clock, options.loop ?? false, options.keepAliveMs ?? 20_000);
  const server = createServer((request, response) => serve(request, response));
  const serve = (request: IncomingMessage, response: ServerResponse): void => {
    const path = new URL(request.url ?? '/', 'http://replay').pathname;
    const format = PATHS[path];
    if (format === undefined)
      return refuse(response, 404, 'Not Found', `no stream at ${path}; try /2/tweets/search/stream`);
    if (request.method !== 'GET')
      return refuse(response, 405, 'Method Not Allowed', 'streams are read with GET');
    if (options.bearerToken !== undefined && !authorized(request, options.bearerToken)) {
      return refuse(response, 401, 'Unauthorized', 'Unauthorized');
    }
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-cache',
    });
    response.flushHeaders();
    broadcast.add({ format, response });
  };
  const host = options.host ?? '127.0.0.1';
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  broadcast.start();
  const port = (server.address() as AddressInfo).port;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const urls = { v2: `${base}/2/tweets/search/stream`, 'v1.1': `${base}/1.1/statuses/filter.json` };
  let closing: Promise<void> | undefined;
  return {
    url: urls[options.format ?? 'v2'],
    urls,
    port,
    get sent() {
      return broadcast.sent;
    },
    get connected() {
      return broadcast.connected;
    },
    get heldUp() {
      return broadcast.heldUp;
    },
    dropConnections: () => broadcast.dropAll(),
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await broadcast.close();
        server.closeAllConnections();
        await closed;
      })()),
  };
}

/** Checks the options; returns the pace. */
function checkOptions(options: ReplayServerOptions): Pace {
  const positive = (key: 'rate' | 'speedup' | 'keepAliveMs'): void => {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new ConfigurationError(`replay: ${key} must be a number > 0, got ${String(value)}`);
    }
  };
  positive('rate');
  positive('speedup');
  positive('keepAliveMs');
  if (typeof options.file !== 'string' || options.file === '') {
    throw new ConfigurationError(
      'replay: file must be the path of a file of v1.1 tweets, one JSON object per line',
    );
  }
  if (options.rate !== undefined && options.speedup !== undefined) {
    throw new ConfigurationError(
      'replay: give rate (tweets per second) or speedup (times the original pace), not both',
    );
  }
  const port = options.port;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new ConfigurationError(`replay: port must be a whole number from 0 to 65535, got ${port}`);
  }
  if (options.format !== undefined && options.format !== 'v2' && options.format !== 'v1.1') {
    throw new ConfigurationError(
      `replay: format must be 'v2' or 'v1.1', got ${JSON.stringify(options.format)}`,
    );
  }
  if (
    options.bearerToken !== undefined &&
    (typeof options.bearerToken !== 'string' || options.bearerToken === '')
  ) {
    throw new ConfigurationError('replay: bearerToken must be a non-empty string when given');
  }
  if (options.rate !== undefined) return { kind: 'rate', perSecond: options.rate };
  if (options.speedup !== undefined) return { kind: 'speedup', factor: options.speedup };
  return { kind: 'asFast' };
}

/** True when the request carries `Authorization: Bearer <token>`. */
function authorized(request: IncomingMessage, token: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Answers with an error in the API's problem format. */
function refuse(response: ServerResponse, status: number, title: string, detail: string): void {
  const body = JSON.stringify({ title, detail, type: 'about:blank', status });
  response.writeHead(status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
