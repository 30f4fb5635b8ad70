/**
 * Normalising both wire formats into one Tweet: real v1.1 statuses of the bundled file, a v2 line
 * as the API documents it, and the lines that are notices or no tweet.
 */
import test from 'ava';
import { normalize } from '../../../receivers/twitter/normalize.js';
import type { Tweet } from '../../../receivers/twitter/index.js';
import { sandersStatus } from './data.js';

function tweetOf(json: unknown, format: 'v2' | 'v1.1'): Tweet {
  const outcome = normalize(json, format);
  if (!('tweet' in outcome)) throw new Error(`no tweet: ${JSON.stringify(outcome)}`);
  return outcome.tweet;
}

test('a v1.1 status of the bundled file: id from id_str, time, author, entities', (t) => {
  const status = sandersStatus(0);
  const tweet = tweetOf(status, 'v1.1');
  t.is(tweet.id, '125082707389718529', 'from id_str: the number id has lost digits');
  t.not(String(status['id']), tweet.id);
  t.is(tweet.createdAt, Date.UTC(2011, 9, 15, 5, 36, 56));
  t.is(tweet.lang, 'en');
  t.deepEqual(tweet.author, {
    id: '376287327',
    screenName: 'Andreek068',
    name: 'Andre Jacobsen',
    location: 'New York',
    description: undefined,
    followers: 10,
    following: 62,
    tweets: 492,
    verified: false,
    createdAt: Date.UTC(2011, 8, 19, 16, 39, 48),
  });
  t.is(tweet.authorId, '376287327');
  t.deepEqual(tweet.hashtags, []);
  t.deepEqual(tweet.mentions, ['Apple', 'peeler']);
  t.deepEqual(tweet.urls, ['http://ping.fm/IB4MA']);
  t.false(tweet.isRetweet);
  t.is(tweet.retweetOf, undefined);
  t.deepEqual(tweet.matchingRules, []);
  t.is(tweet.format, 'v1.1');
  t.is(tweet.raw, status);
});

test('a v1.1 retweet of the bundled file: flag, original id, hashtags, mentions', (t) => {
  const tweet = tweetOf(sandersStatus(323), 'v1.1');
  t.is(tweet.id, '125685016389894144');
  t.true(tweet.isRetweet);
  t.is(tweet.retweetOf, '125667332931596290');
  t.true(tweet.text.startsWith('RT @Porter_Anderson: '));
  t.deepEqual(tweet.hashtags, ['fbf11', 'publaunch']);
  t.deepEqual(tweet.mentions, ['Porter_Anderson', 'amazon', 'Apple', 'kobo', 'MikeShatzkin']);
  t.deepEqual(tweet.urls, ['http://ow.ly/6YVHp']);
  t.is(tweet.author?.screenName, 'TuxyLady');
  t.is(tweet.author?.followers, 111);
  t.is(tweet.author?.location, undefined, 'an empty location is undefined');
  t.is(tweet.createdAt, Date.UTC(2011, 9, 16, 21, 30, 17));
});

test('a v2 filtered-stream line: data, the author from includes.users, matching rule tags', (t) => {
  const line = {
    data: {
      id: '1453498402264432642',
      text: 'RT @TwitterDev: Hello #devs https://t.co/abc',
      author_id: '2244994945',
      created_at: '2021-10-27T23:11:51.000Z',
      lang: 'en',
      entities: {
        hashtags: [{ start: 22, end: 27, tag: 'devs' }],
        mentions: [{ start: 3, end: 14, username: 'TwitterDev', id: '2244994945' }],
        urls: [
          { start: 28, end: 51, url: 'https://t.co/abc', expanded_url: 'https://developer.twitter.com' },
        ],
      },
      referenced_tweets: [{ type: 'retweeted', id: '1453490000000000000' }],
    },
    includes: {
      users: [
        { id: '1', name: 'Someone else', username: 'other' },
        {
          id: '2244994945',
          name: 'Twitter Dev',
          username: 'TwitterDev',
          location: '127.0.0.1',
          verified: true,
          created_at: '2013-12-14T04:35:55.000Z',
          public_metrics: {
            followers_count: 513962,
            following_count: 2039,
            tweet_count: 3635,
            listed_count: 1672,
          },
        },
      ],
    },
    matching_rules: [{ id: '1453498400000000000', tag: 'devs' }, { id: '1453498400000000001' }],
  };
  const tweet = tweetOf(line, 'v2');
  t.is(tweet.id, '1453498402264432642');
  t.is(tweet.createdAt, Date.UTC(2021, 9, 27, 23, 11, 51));
  t.deepEqual(tweet.author, {
    id: '2244994945',
    screenName: 'TwitterDev',
    name: 'Twitter Dev',
    location: '127.0.0.1',
    description: undefined,
    followers: 513962,
    following: 2039,
    tweets: 3635,
    verified: true,
    createdAt: Date.UTC(2013, 11, 14, 4, 35, 55),
  });
  t.deepEqual(tweet.hashtags, ['devs']);
  t.deepEqual(tweet.mentions, ['TwitterDev']);
  t.deepEqual(tweet.urls, ['https://developer.twitter.com']);
  t.true(tweet.isRetweet);
  t.is(tweet.retweetOf, '1453490000000000000');
  t.deepEqual(
    tweet.matchingRules,
    ['devs', '1453498400000000001'],
    'the tag, or the id of a rule without one',
  );
  t.is(tweet.format, 'v2');
});

test('v2 without created_at or expansions: the time from the snowflake id, no author', (t) => {
  // The first tweet of the bundled file, posted at Sat Oct 15 05:36:56 +0000 2011.
  const tweet = tweetOf({ data: { id: '125082707389718529', text: 'hi' } }, 'v2');
  const offset = tweet.createdAt - Date.UTC(2011, 9, 15, 5, 36, 56);
  t.true(offset >= 0 && offset < 1000, `the id's time is within the second of created_at (${offset} ms)`);
  t.is(tweet.author, undefined);
  t.is(tweet.authorId, undefined);
  t.deepEqual([tweet.hashtags, tweet.mentions, tweet.urls, tweet.matchingRules], [[], [], [], []]);
});

test('stream messages that are no tweet are notices', (t) => {
  const disconnect = {
    errors: [
      {
        title: 'operational-disconnect',
        disconnect_type: 'UpstreamOperationalDisconnect',
        detail: 'This stream has been disconnected upstream for operational reasons.',
        type: 'https://api.twitter.com/2/problems/operational-disconnect',
      },
    ],
  };
  t.deepEqual(normalize(disconnect, 'v2'), {
    notice:
      'the stream sent errors: operational-disconnect: This stream has been disconnected upstream for operational reasons.',
  });
  t.deepEqual(normalize({ limit: { track: 12, timestamp_ms: '1' } }, 'v1.1'), {
    notice: 'limit message: {"track":12,"timestamp_ms":"1"}',
  });
  t.regex(
    (normalize({ delete: { status: { id_str: '1' } } }, 'v1.1') as { notice: string }).notice,
    /^delete/,
  );
});

test('JSON that is no tweet is a problem, saying what is missing', (t) => {
  const problems: [unknown, 'v2' | 'v1.1', RegExp][] = [
    [[1, 2], 'v2', /must be a JSON object/],
    [{ tweet: {} }, 'v2', /no "data" object/],
    [{ data: { id: 12, text: 'x' } }, 'v2', /data\.id is not a tweet id/],
    [{ data: { id: '12', text: null } }, 'v2', /tweet 12: data\.text is not a string/],
    [
      { data: { id: '1453498402264432642', text: 'x', created_at: 'yesterday' } },
      'v2',
      /"yesterday" is not an ISO 8601/,
    ],
    [{ data: { id: '12', text: 'x' } }, 'v2', /too old to carry its time/],
    [{ text: 'x', created_at: 'Sat Oct 15 05:36:56 +0000 2011' }, 'v1.1', /no id_str/],
    [
      { id_str: '5', text: 'x', created_at: '2011-10-15' },
      'v1.1',
      /status 5: created_at "2011-10-15" is not a time like/,
    ],
  ];
  for (const [json, format, message] of problems) {
    const outcome = normalize(json, format);
    t.true('problem' in outcome, JSON.stringify(json));
    if ('problem' in outcome) t.regex(outcome.problem, message);
  }
});

test('v1.1: the full text of an extended tweet, and its entities', (t) => {
  const status = {
    id_str: '900',
    created_at: 'Sat Oct 15 05:36:56 +0000 2011',
    text: 'cut… https://t.co/x',
    entities: { hashtags: [], user_mentions: [], urls: [{ url: 'https://t.co/x', indices: [5, 19] }] },
    extended_tweet: {
      full_text: 'the whole text #long',
      entities: { hashtags: [{ text: 'long', indices: [15, 20] }], user_mentions: [], urls: [] },
    },
  };
  const tweet = tweetOf(status, 'v1.1');
  t.is(tweet.text, 'the whole text #long');
  t.deepEqual(tweet.hashtags, ['long']);
  t.deepEqual(tweet.urls, []);
});

test('v2: the whole text of a long tweet from note_tweet, with its entities', (t) => {
  const tweet = tweetOf(
    {
      data: {
        id: '125082707389718529',
        text: 'the first 280 characters… https://t.co/x',
        entities: { urls: [{ start: 27, end: 41, url: 'https://t.co/x' }] },
        note_tweet: {
          text: 'the whole long text #long',
          entities: { hashtags: [{ start: 20, end: 25, tag: 'long' }] },
        },
      },
    },
    'v2',
  );
  t.is(tweet.text, 'the whole long text #long');
  t.deepEqual(tweet.hashtags, ['long']);
  t.deepEqual(tweet.urls, []);
});
