/**
 * Converting v1.1 statuses into v2 filtered-stream lines, on real lines of the bundled file: the
 * shape v2 documents, and the same normalised tweet from either format.
 */
import test from 'ava';
import { SANDERS_RULES, toV2Message } from '../../../receivers/twitter/index.js';
import { normalize } from '../../../receivers/twitter/normalize.js';
import { RuleMatcher } from '../../../receivers/twitter/replay/rules.js';
import { sandersLines, sandersStatus } from './data.js';

const rules = new RuleMatcher(SANDERS_RULES);

test('the first status of the bundled file as a v2 line', (t) => {
  const message = toV2Message(sandersStatus(0), rules);
  t.deepEqual(message, {
    data: {
      id: '125082707389718529',
      text: 'Today very cheap for 2198597 Icemaker.And Free shipping for 2198597 Icemaker too. http://t.co/6CLkWAiO@French @Apple @Peeler',
      author_id: '376287327',
      created_at: '2011-10-15T05:36:56.000Z',
      lang: 'en',
      possibly_sensitive: false,
      edit_history_tweet_ids: ['125082707389718529'],
      entities: {
        mentions: [
          { start: 110, end: 116, username: 'Apple', id: '380749300' },
          { start: 117, end: 124, username: 'peeler', id: '35358671' },
        ],
        urls: [
          {
            start: 82,
            end: 102,
            url: 'http://t.co/6CLkWAiO',
            expanded_url: 'http://ping.fm/IB4MA',
            display_url: 'ping.fm/IB4MA',
          },
        ],
      },
      public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0 },
    },
    includes: {
      users: [
        {
          id: '376287327',
          name: 'Andre Jacobsen',
          username: 'Andreek068',
          location: 'New York',
          description: '',
          created_at: '2011-09-19T16:39:48.000Z',
          verified: false,
          protected: false,
          profile_image_url: 'https://pbs.twimg.com/profile_images/1550272131/kjhh-0740_normal.jpg',
          public_metrics: { followers_count: 10, following_count: 62, tweet_count: 492, listed_count: 0 },
        },
      ],
    },
    matching_rules: [{ id: '1450000000000000001', tag: 'apple' }],
  });
});

test('a retweet: referenced_tweets, the original in includes.tweets and its author in includes.users', (t) => {
  const status = sandersStatus(323);
  const original = status['retweeted_status'] as { id_str: string; user: { id_str: string } };
  const message = toV2Message(status, rules);
  if (!message) return t.fail('no message');
  t.deepEqual(message.data.referenced_tweets, [{ type: 'retweeted', id: '125667332931596290' }]);
  t.deepEqual(
    message.includes?.tweets?.map((tw) => tw.id),
    [original.id_str],
  );
  t.deepEqual(
    message.includes?.users?.map((u) => u.id),
    [(status['user'] as { id_str: string }).id_str, original.user.id_str],
  );
  t.deepEqual(message.data.entities?.hashtags, [
    { start: 109, end: 115, tag: 'fbf11' },
    { start: 116, end: 126, tag: 'publaunch' },
  ]);
  t.deepEqual(message.matching_rules, [{ id: '1450000000000000001', tag: 'apple' }]);
});

test('every status of the bundled file: the v2 line normalises to the same tweet, and matches a rule', (t) => {
  const lines = sandersLines();
  t.is(lines.length, 4460);
  const tags = new Map<string, number>();
  for (const line of lines) {
    const fromV1 = normalize(JSON.parse(line), 'v1.1');
    const v2 = toV2Message(JSON.parse(line), rules);
    if (!v2 || !('tweet' in fromV1)) return t.fail(`not converted: ${line.slice(0, 80)}`);
    const fromV2 = normalize(JSON.parse(JSON.stringify(v2)), 'v2');
    if (!('tweet' in fromV2)) return t.fail(`the v2 line of ${v2.data.id} is no tweet`);
    const { raw: _a, format: _b, matchingRules: _c, ...a } = fromV1.tweet;
    const { raw: _d, format: _e, matchingRules: rulesOfV2, ...b } = fromV2.tweet;
    if (JSON.stringify(a) !== JSON.stringify(b)) return t.deepEqual(b, a, `tweet ${a.id}`);
    if (rulesOfV2.length === 0) return t.fail(`tweet ${a.id} matches no rule`);
    for (const tag of rulesOfV2) tags.set(tag, (tags.get(tag) ?? 0) + 1);
  }
  t.deepEqual([...tags.keys()].sort(), ['apple', 'google', 'microsoft', 'twitter']);
});

test('what is no status converts to nothing (the replay server sends it as it is)', (t) => {
  t.is(toV2Message({ delete: { status: { id_str: '1' } } }, rules), undefined);
  t.is(toV2Message('text', rules), undefined);
  t.is(toV2Message({ id_str: '1', text: 'x', created_at: 'never' }, rules), undefined);
});

test('rules match words, with or without # and @, case-insensitively; not inside other words', (t) => {
  const matcher = new RuleMatcher([
    { id: '1', tag: 'apple', terms: ['apple'] },
    { id: '2', tag: 'ms', terms: ['microsoft', 'windows 8'] },
  ]);
  t.deepEqual(matcher.match(['I love my #Apple']), [{ id: '1', tag: 'apple' }]);
  t.deepEqual(matcher.match(['@MICROSOFT: hi']), [{ id: '2', tag: 'ms' }]);
  t.deepEqual(matcher.match(['pineapples and snapple']), []);
  t.deepEqual(matcher.match(['apple', 'windows 8.']).length, 2);
  t.throws(() => new RuleMatcher([{ id: 'x', tag: 'a', terms: ['a'] }]), { message: /id of digits/ });
  t.throws(() => new RuleMatcher([{ id: '1', tag: 'a', terms: [] }]), { message: /at least one word/ });
});
