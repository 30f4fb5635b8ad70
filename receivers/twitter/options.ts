/**
 * The options of the Twitter receiver, their checks, and what they resolve to: the URL to ask
 * (with v2's fields added), the bearer token (given, or from `TWITTER_BEARER_TOKEN`), and the
 * limits.
 */
import { ConfigurationError, type Clock } from '../../lib/index.js';
import { checkReconnectPolicy, type ReconnectPolicy } from './reconnect.js';
import type { TweetFormat } from './tweet.js';

/**
 * Options of {@link TwitterReceiver} and `twitterStream`.
 *
 * @example
 * const options: TwitterStreamOptions = {
 *   url: 'https://api.twitter.com/2/tweets/search/stream',
 *   format: 'v2',
 *   stallTimeoutMs: 60_000,
 *   reconnect: { httpMaxMs: 60_000 },
 * };
 */
export interface TwitterStreamOptions {
  /**
   * The stream's URL: `https://api.twitter.com/2/tweets/search/stream` (v2 filtered stream), a
   * replay server's `url`, or any server that sends the same lines.
   */
  readonly url: string;
  /** `'v2'`: filtered-stream lines `{ data, includes, matching_rules }`; `'v1.1'`: status objects. */
  readonly format: TweetFormat;
  /**
   * The bearer token, sent as `Authorization: Bearer <token>`. Default: `TWITTER_BEARER_TOKEN`
   * from `env`; without either, no Authorization header is sent (a replay server without a token).
   * It never appears in messages, events or dead letters.
   */
  readonly bearerToken?: string;
  /** Where `TWITTER_BEARER_TOKEN` is read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * v2 only: add the query parameters that make the API send what a {@link Tweet} holds
   * (`tweet.fields`, `expansions=author_id`, `user.fields`), each unless the URL has it. Default true.
   */
  readonly addFields?: boolean;
  /**
   * No data and no keep-alive for this long (ms) counts as a disconnect (a stall); also the limit
   * for the response's headers. Twitter sends a keep-alive every 20 s. Default 90 000.
   */
  readonly stallTimeoutMs?: number;
  /** Back-off of reconnects; the defaults are Twitter's rules (see {@link ReconnectPolicy}). */
  readonly reconnect?: ReconnectPolicy;
  /** The longest line taken, bytes; a longer one goes to the dead letters. Default 1 MiB. */
  readonly maxLineBytes?: number;
  /** The receiver's name in events and dead letters. Default `twitter <host><path>`. */
  readonly name?: string;
  /** The clock of back-offs and stall detection. `twitterStream` passes the context's. */
  readonly clock?: Clock;
}

/** What the receiver works with. */
export interface ResolvedTwitterOptions {
  readonly url: URL;
  /** The URL without query or credentials, for messages. */
  readonly where: string;
  readonly format: TweetFormat;
  readonly token: string | undefined;
  readonly stallTimeoutMs: number;
  readonly reconnect: ReconnectPolicy;
  readonly maxLineBytes: number;
  readonly name: string;
}

/** The v2 fields a {@link Tweet} is made of. */
const V2_FIELDS: readonly [string, string][] = [
  ['tweet.fields', 'created_at,lang,entities,author_id,referenced_tweets'],
  ['expansions', 'author_id'],
  ['user.fields', 'created_at,description,location,public_metrics,verified'],
];

/** Hosts of the real API, which refuse a request without a token. */
const API_HOSTS = new Set(['api.twitter.com', 'api.x.com']);

/**
 * Checks and resolves `options`; throws a ConfigurationError that says what to fix.
 *
 * @example
 * resolveTwitterOptions({ url: 'http://127.0.0.1:8080/2/tweets/search/stream', format: 'v2', env: {} }).url.search
 * // '?tweet.fields=created_at%2Clang%2C...&expansions=author_id&user.fields=...'
 */
export function resolveTwitterOptions(options: TwitterStreamOptions): ResolvedTwitterOptions {
  const what = 'twitterStream';
  if (options.format !== 'v2' && options.format !== 'v1.1') {
    throw new ConfigurationError(
      `${what}: format must be 'v2' or 'v1.1', got ${JSON.stringify(options.format)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ConfigurationError(
      `${what}: url must be an http(s) URL such as https://api.twitter.com/2/tweets/search/stream, got ${JSON.stringify(String(options.url))}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`${what}: url must start with http:// or https://, not ${url.protocol}//`);
  }
  const given = options.bearerToken;
  if (given !== undefined && (typeof given !== 'string' || given.trim() === '')) {
    throw new ConfigurationError(`${what}: bearerToken must be a non-empty string when given`);
  }
  const fromEnv = (options.env ?? process.env)['TWITTER_BEARER_TOKEN'];
  const token = given ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.trim() : undefined);
  if (token === undefined && API_HOSTS.has(url.hostname)) {
    throw new ConfigurationError(
      `${what}: ${url.hostname} needs a bearer token: set TWITTER_BEARER_TOKEN in the environment or pass bearerToken`,
    );
  }
  if (options.format === 'v2' && options.addFields !== false) {
    for (const [key, value] of V2_FIELDS) if (!url.searchParams.has(key)) url.searchParams.set(key, value);
  }
  const stallTimeoutMs = options.stallTimeoutMs ?? 90_000;
  if (!(Number.isFinite(stallTimeoutMs) && stallTimeoutMs > 0)) {
    throw new ConfigurationError(`${what}: stallTimeoutMs must be a number of ms > 0, got ${stallTimeoutMs}`);
  }
  const maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  if (!(Number.isInteger(maxLineBytes) && maxLineBytes > 0)) {
    throw new ConfigurationError(
      `${what}: maxLineBytes must be a whole number of bytes > 0, got ${maxLineBytes}`,
    );
  }
  const reconnect = options.reconnect ?? {};
  checkReconnectPolicy(what, reconnect);
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  return {
    url,
    where,
    format: options.format,
    token,
    stallTimeoutMs,
    reconnect,
    maxLineBytes,
    name: options.name ?? `twitter ${url.host}${url.pathname}`,
  };
}
