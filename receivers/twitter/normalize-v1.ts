/**
 * A status of API v1.1 (a line of `statuses/filter.json`) as a {@link Tweet}; the stream's
 * other messages (`delete`, `limit`, `disconnect`, ...) as notices.
 */
import type { Normalized } from './normalize.js';
import { count, isId, isObject, strings, text } from './normalize.js';
import type { Tweet, TweetAuthor } from './tweet.js';
import { parseV1Time } from './twitter-time.js';

/** The messages of the v1.1 streaming API that are not statuses. */
const CONTROL = [
  'delete',
  'scrub_geo',
  'limit',
  'status_withheld',
  'user_withheld',
  'disconnect',
  'warning',
] as const;

/**
 * The tweet of a parsed v1.1 status; a notice for a streaming control message (`limit` says how
 * many matching tweets the API did not send); a problem when the status has no id, text or
 * `created_at`.
 *
 * @example
 * normalizeV1(JSON.parse(line)) // { tweet: { id: '125082707389718529', author: { screenName: 'Andreek068', ... }, ... } }
 *
 * Gotcha: the id comes from `id_str`; the number `id` loses digits in JavaScript and is used only
 * when `id_str` is missing and `id` is a safe integer.
 */
export function normalizeV1(status: unknown): Normalized {
  if (!isObject(status)) return { problem: 'a v1.1 stream line must be a JSON object' };
  const control = CONTROL.find((key) => key in status && !('text' in status));
  if (control !== undefined) {
    return { notice: `${control} message: ${JSON.stringify(status[control]).slice(0, 300)}` };
  }
  const id = idOf(status);
  if (id === undefined) return { problem: 'the status has no id_str (a string of digits)' };
  const extended = isObject(status['extended_tweet']) ? status['extended_tweet'] : undefined;
  const body = extended?.['full_text'] ?? status['full_text'] ?? status['text'];
  if (typeof body !== 'string') return { problem: `status ${id}: text is not a string` };
  const createdAt = typeof status['created_at'] === 'string' ? parseV1Time(status['created_at']) : undefined;
  if (createdAt === undefined) {
    return {
      problem: `status ${id}: created_at ${JSON.stringify(status['created_at'])} is not a time like 'Sat Oct 15 05:36:56 +0000 2011'`,
    };
  }
  const user = isObject(status['user']) ? status['user'] : undefined;
  const entities = isObject(extended?.['entities'])
    ? (extended['entities'] as Record<string, unknown>)
    : isObject(status['entities'])
      ? status['entities']
      : {};
  const retweeted = isObject(status['retweeted_status']) ? status['retweeted_status'] : undefined;
  const author = user === undefined ? undefined : authorOf(user);
  const tweet: Tweet = {
    id,
    text: body,
    createdAt,
    lang: text(status['lang']),
    authorId: author?.id,
    author,
    hashtags: strings(entities['hashtags'], (h) => h['text']),
    mentions: strings(entities['user_mentions'], (m) => m['screen_name']),
    urls: strings(entities['urls'], (u) => u['expanded_url'] ?? u['url']),
    isRetweet: retweeted !== undefined,
    retweetOf: retweeted === undefined ? undefined : idOf(retweeted),
    matchingRules: [],
    format: 'v1.1',
    raw: status,
  };
  return { tweet };
}

/** The id of a v1.1 object: `id_str`, or `id` when it is a safe integer. */
export function idOf(object: Record<string, unknown>): string | undefined {
  if (isId(object['id_str'])) return object['id_str'];
  const id = object['id'];
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? String(id) : undefined;
}

/** A v1.1 user object as a {@link TweetAuthor}. */
function authorOf(user: Record<string, unknown>): TweetAuthor {
  const created = text(user['created_at']);
  return {
    id: idOf(user) ?? '',
    screenName: text(user['screen_name']) ?? '',
    name: typeof user['name'] === 'string' ? user['name'] : '',
    location: text(user['location']),
    description: text(user['description']),
    followers: count(user['followers_count']),
    following: count(user['friends_count']),
    tweets: count(user['statuses_count']),
    verified: typeof user['verified'] === 'boolean' ? user['verified'] : undefined,
    createdAt: created === undefined ? undefined : parseV1Time(created),
  };
}
