/**
 * A line of the API v2 filtered stream (`{ data, includes, matching_rules }`) as a {@link Tweet}.
 */
import type { Normalized } from './normalize.js';
import { count, isId, isObject, objects, strings, text } from './normalize.js';
import type { Tweet, TweetAuthor } from './tweet.js';
import { parseV2Time, snowflakeTime } from './twitter-time.js';

/**
 * The tweet of a parsed v2 stream line; a notice for an `errors` line without `data` (the API
 * sends one before it closes the stream, e.g. `operational-disconnect`); a problem when `data`
 * has no id or text, or a `created_at` that is not a time.
 *
 * @example
 * normalizeV2({ data: { id: '1', text: 'hi #ts' , entities: { hashtags: [{ start: 3, end: 6, tag: 'ts' }] } } })
 * // { tweet: { id: '1', text: 'hi #ts', hashtags: ['ts'], ... } }
 */
export function normalizeV2(line: unknown): Normalized {
  if (!isObject(line)) return { problem: 'a v2 stream line must be a JSON object' };
  const data = line['data'];
  if (data === undefined && Array.isArray(line['errors'])) {
    const errors = objects(line['errors']).map(
      (e) => `${text(e['title']) ?? 'error'}: ${text(e['detail']) ?? text(e['type']) ?? 'no detail'}`,
    );
    return { notice: `the stream sent errors: ${errors.join('; ')}` };
  }
  if (!isObject(data)) return { problem: 'the v2 line has no "data" object (a tweet)' };
  const id = data['id'];
  if (!isId(id)) return { problem: 'data.id is not a tweet id (a string of digits)' };
  const tweetText = data['text'];
  if (typeof tweetText !== 'string') return { problem: `tweet ${id}: data.text is not a string` };
  let createdAt: number | undefined;
  if (data['created_at'] !== undefined) {
    createdAt = typeof data['created_at'] === 'string' ? parseV2Time(data['created_at']) : undefined;
    if (createdAt === undefined) {
      return {
        problem: `tweet ${id}: created_at ${JSON.stringify(data['created_at'])} is not an ISO 8601 time`,
      };
    }
  }
  createdAt ??= snowflakeTime(id);
  if (createdAt === undefined) {
    return { problem: `tweet ${id}: no created_at, and the id is too old to carry its time` };
  }
  const authorId = isId(data['author_id']) ? data['author_id'] : undefined;
  const includes = isObject(line['includes']) ? line['includes'] : {};
  const user = objects(includes['users']).find((u) => u['id'] === authorId);
  // A tweet over 280 characters comes cut in `text`, whole in `note_tweet` (with its own entities).
  const note =
    isObject(data['note_tweet']) && typeof data['note_tweet']['text'] === 'string'
      ? data['note_tweet']
      : undefined;
  const entities = isObject(note?.['entities'])
    ? (note['entities'] as Record<string, unknown>)
    : isObject(data['entities'])
      ? data['entities']
      : {};
  const retweeted = objects(data['referenced_tweets']).find((r) => r['type'] === 'retweeted');
  const tweet: Tweet = {
    id,
    text: note === undefined ? tweetText : (note['text'] as string),
    createdAt,
    lang: text(data['lang']),
    authorId,
    author: user === undefined ? undefined : authorOf(user),
    hashtags: strings(entities['hashtags'], (h) => h['tag']),
    mentions: strings(entities['mentions'], (m) => m['username']),
    urls: strings(entities['urls'], (u) => u['expanded_url'] ?? u['url']),
    isRetweet: retweeted !== undefined,
    retweetOf: retweeted !== undefined && isId(retweeted['id']) ? retweeted['id'] : undefined,
    matchingRules: strings(line['matching_rules'], (r) => r['tag'] ?? r['id']),
    format: 'v2',
    raw: line,
  };
  return { tweet };
}

/** A v2 user object as a {@link TweetAuthor}. */
function authorOf(user: Record<string, unknown>): TweetAuthor {
  const metrics = isObject(user['public_metrics']) ? user['public_metrics'] : {};
  const created = text(user['created_at']);
  return {
    id: String(user['id']),
    screenName: text(user['username']) ?? '',
    name: typeof user['name'] === 'string' ? user['name'] : '',
    location: text(user['location']),
    description: text(user['description']),
    followers: count(metrics['followers_count']),
    following: count(metrics['following_count']),
    tweets: count(metrics['tweet_count']),
    verified: typeof user['verified'] === 'boolean' ? user['verified'] : undefined,
    createdAt: created === undefined ? undefined : parseV2Time(created),
  };
}
