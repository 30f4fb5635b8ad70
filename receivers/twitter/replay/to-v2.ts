/**
 * Converts a v1.1 status into the line the API v2 filtered stream would send for it:
 * `{ data, includes: { users, tweets }, matching_rules }`, with the fields a stream asked for
 * `tweet.fields=created_at,lang,entities,author_id,referenced_tweets,public_metrics,possibly_sensitive`,
 * `expansions=author_id,referenced_tweets.id` and `user.fields=created_at,description,location,public_metrics,verified`.
 */
import { isObject, text } from '../normalize.js';
import { idOf } from '../normalize-v1.js';
import type { V2StreamMessage, V2Tweet, V2User } from '../tweet.js';
import { formatV2Time, parseV1Time } from '../twitter-time.js';
import type { RuleMatcher } from './rules.js';

type Json = Record<string, unknown>;

/**
 * @internal The v2 stream line of the v1.1 `status`; `undefined` when it is not a status (no id,
 * text or `created_at`), which the replay server then sends as it is. Internal: it takes a
 * `RuleMatcher`, which `kindling/receivers` does not export.
 *
 * @example
 * const line = toV2Message(JSON.parse(v1Line), new RuleMatcher(SANDERS_RULES));
 * // { data: { id: '125082707389718529', text: '...', author_id: '376287327', created_at: '2011-10-15T05:36:56.000Z', ... },
 * //   includes: { users: [{ id: '376287327', username: 'Andreek068', ... }] },
 * //   matching_rules: [{ id: '1450000000000000001', tag: 'apple' }] }
 */
export function toV2Message(status: unknown, rules: RuleMatcher): V2StreamMessage | undefined {
  if (!isObject(status)) return undefined;
  const data = toV2Tweet(status);
  if (data === undefined) return undefined;
  const users: V2User[] = [];
  const addUser = (user: unknown): void => {
    const converted = isObject(user) ? toV2User(user) : undefined;
    if (converted && !users.some((u) => u.id === converted.id)) users.push(converted);
  };
  addUser(status['user']);
  const retweeted = isObject(status['retweeted_status']) ? status['retweeted_status'] : undefined;
  const original = retweeted === undefined ? undefined : toV2Tweet(retweeted);
  if (retweeted !== undefined) addUser(retweeted['user']);
  const haystack = [data.text, ...(original ? [original.text] : [])];
  for (const t of [data, ...(original ? [original] : [])]) {
    for (const h of t.entities?.hashtags ?? []) haystack.push(`#${h.tag}`);
    for (const m of t.entities?.mentions ?? []) haystack.push(`@${m.username}`);
  }
  return {
    data,
    includes: { users, ...(original ? { tweets: [original] } : {}) },
    matching_rules: rules.match(haystack),
  };
}

/**
 * The v2 tweet object of a v1.1 status; `undefined` when it has no id, text or time.
 *
 * @example
 * toV2Tweet({ id_str: '9', text: 'hi', created_at: 'Sat Oct 15 05:36:56 +0000 2011' })
 * // { id: '9', text: 'hi', created_at: '2011-10-15T05:36:56.000Z', edit_history_tweet_ids: ['9'], public_metrics: {...} }
 */
export function toV2Tweet(status: Json): V2Tweet | undefined {
  const id = idOf(status);
  const extended = isObject(status['extended_tweet']) ? status['extended_tweet'] : undefined;
  const body = extended?.['full_text'] ?? status['full_text'] ?? status['text'];
  const created = typeof status['created_at'] === 'string' ? parseV1Time(status['created_at']) : undefined;
  if (id === undefined || typeof body !== 'string' || created === undefined) return undefined;
  const user = isObject(status['user']) ? idOf(status['user']) : undefined;
  const entities = toV2Entities(
    isObject(extended?.['entities']) ? (extended['entities'] as Json) : status['entities'],
  );
  const references: { type: 'retweeted' | 'quoted' | 'replied_to'; id: string }[] = [];
  const retweeted = isObject(status['retweeted_status']) ? idOf(status['retweeted_status']) : undefined;
  if (retweeted !== undefined) references.push({ type: 'retweeted', id: retweeted });
  const quoted = text(status['quoted_status_id_str']);
  if (quoted !== undefined) references.push({ type: 'quoted', id: quoted });
  const repliedTo = text(status['in_reply_to_status_id_str']);
  if (repliedTo !== undefined) references.push({ type: 'replied_to', id: repliedTo });
  const replyToUser = text(status['in_reply_to_user_id_str']);
  const metric = (key: string): number => (typeof status[key] === 'number' ? (status[key] as number) : 0);
  return {
    id,
    text: body,
    ...(user === undefined ? {} : { author_id: user }),
    created_at: formatV2Time(created),
    ...(typeof status['lang'] === 'string' ? { lang: status['lang'] } : {}),
    ...(replyToUser === undefined ? {} : { in_reply_to_user_id: replyToUser }),
    ...(typeof status['possibly_sensitive'] === 'boolean'
      ? { possibly_sensitive: status['possibly_sensitive'] }
      : {}),
    edit_history_tweet_ids: [id],
    ...(entities === undefined ? {} : { entities }),
    ...(references.length === 0 ? {} : { referenced_tweets: references }),
    public_metrics: {
      retweet_count: metric('retweet_count'),
      reply_count: metric('reply_count'),
      like_count: metric('favorite_count'),
      quote_count: metric('quote_count'),
    },
  };
}

/** The v2 entities of v1.1 entities (empty lists left out, as v2 does); `undefined` when none. */
function toV2Entities(entities: unknown): V2Tweet['entities'] | undefined {
  if (!isObject(entities)) return undefined;
  const span = (item: Json): { start: number; end: number } | undefined => {
    const indices = item['indices'];
    if (!Array.isArray(indices) || typeof indices[0] !== 'number' || typeof indices[1] !== 'number') {
      return undefined;
    }
    return { start: indices[0], end: indices[1] };
  };
  const list = <T>(
    value: unknown,
    make: (item: Json, at: { start: number; end: number }) => T | undefined,
  ) => {
    const out: T[] = [];
    for (const item of Array.isArray(value) ? value.filter(isObject) : []) {
      const at = span(item);
      const made = at === undefined ? undefined : make(item, at);
      if (made !== undefined) out.push(made);
    }
    return out;
  };
  const hashtags = list(entities['hashtags'], (h, at) => {
    const tag = text(h['text']);
    return tag === undefined ? undefined : { ...at, tag };
  });
  const mentions = list(entities['user_mentions'], (m, at) => {
    const username = text(m['screen_name']);
    const id = idOf(m);
    return username === undefined ? undefined : { ...at, username, ...(id === undefined ? {} : { id }) };
  });
  const urls = list(entities['urls'], (u, at) => {
    const url = text(u['url']);
    if (url === undefined) return undefined;
    const expanded = text(u['expanded_url']);
    const display = text(u['display_url']);
    return {
      ...at,
      url,
      ...(expanded === undefined ? {} : { expanded_url: expanded }),
      ...(display === undefined ? {} : { display_url: display }),
    };
  });
  if (hashtags.length + mentions.length + urls.length === 0) return undefined;
  return {
    ...(hashtags.length === 0 ? {} : { hashtags }),
    ...(mentions.length === 0 ? {} : { mentions }),
    ...(urls.length === 0 ? {} : { urls }),
  };
}

/**
 * The v2 user object of a v1.1 user; `undefined` without an id or handle.
 *
 * @example
 * toV2User({ id_str: '7', screen_name: 'seven', name: 'Seven', friends_count: 3 })
 * // { id: '7', name: 'Seven', username: 'seven', public_metrics: { following_count: 3, ... } }
 */
export function toV2User(user: Json): V2User | undefined {
  const id = idOf(user);
  const username = text(user['screen_name']);
  if (id === undefined || username === undefined) return undefined;
  const created = typeof user['created_at'] === 'string' ? parseV1Time(user['created_at']) : undefined;
  const location = text(user['location']);
  const url = text(user['url']);
  const image = text(user['profile_image_url_https']);
  const metric = (key: string): number => (typeof user[key] === 'number' ? (user[key] as number) : 0);
  return {
    id,
    name: typeof user['name'] === 'string' ? user['name'] : '',
    username,
    ...(location === undefined ? {} : { location }),
    ...(typeof user['description'] === 'string' ? { description: user['description'] } : {}),
    ...(created === undefined ? {} : { created_at: formatV2Time(created) }),
    ...(typeof user['verified'] === 'boolean' ? { verified: user['verified'] } : {}),
    ...(typeof user['protected'] === 'boolean' ? { protected: user['protected'] } : {}),
    ...(url === undefined ? {} : { url }),
    ...(image === undefined ? {} : { profile_image_url: image }),
    public_metrics: {
      followers_count: metric('followers_count'),
      following_count: metric('friends_count'),
      tweet_count: metric('statuses_count'),
      listed_count: metric('listed_count'),
    },
  };
}
