/**
 * The showcase job on a ManualClock: tweets joined with a users table, scored, and summed per
 * window by topic and location, with the top hashtags and the tweet count.
 */
import test from 'ava';
import { ManualClock, StreamingContext, seconds, type Lookup } from 'kindling';
import type { Tweet } from 'kindling/receivers';
import { showcase, type Profile, type SentimentSums } from '../../../examples/tweets/job.js';
import { tweet } from './tweets.js';

function usersTable(profiles: Profile[]): Lookup<string, Profile> & { asked: string[][] } {
  const byId = new Map(profiles.map((p) => [p.id_str, p]));
  const asked: string[][] = [];
  return {
    name: 'users',
    asked,
    getAll: async (keys) => {
      asked.push([...keys]);
      return new Map(keys.flatMap((k) => (byId.has(k) ? [[k, byId.get(k)!] as const] : [])));
    },
  };
}

const brief = (pairs: readonly [string, SentimentSums][]) =>
  Object.fromEntries(pairs.map(([key, s]) => [key, `${s.tweets}/${s.positive}+/${s.negative}-`]));

test('per window: sentiment by topic and location from the users table, top hashtags, tweet count', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: seconds(1), clock });
  const batches: Tweet[][] = [
    [
      tweet('1', 'I love my new #iPhone, great', {
        authorId: 'a',
        matchingRules: ['apple'],
        hashtags: ['iPhone'],
      }),
      tweet('2', 'this is terrible and awful', { authorId: 'b', matchingRules: ['google'] }),
    ],
    [
      tweet('3', 'happy with #iPhone and #Siri', {
        authorId: 'c',
        matchingRules: ['apple'],
        hashtags: ['iPhone', 'Siri'],
        author: { location: 'Lisbon' } as Tweet['author'],
      }),
      tweet('4', 'Me encanta', { authorId: 'a', lang: 'xx', matchingRules: [] }),
    ],
  ];
  const users = usersTable([
    { id_str: 'a', location: '  Boston ', followers_count: 10 },
    { id_str: 'b', location: 'boston' },
  ]);
  const streams = showcase(ssc.queueStream(batches), users, {
    windowDuration: seconds(2),
    slideDuration: seconds(1),
    top: 2,
  });
  const seen: Record<string, unknown>[] = [];
  streams.byTopic.foreachBatch((pairs, time) => void seen.push({ time, byTopic: brief(pairs) }));
  streams.byLocation.foreachBatch((pairs, time) => void seen.push({ time, byLocation: brief(pairs) }));
  streams.hashtags.foreachBatch((pairs, time) => void seen.push({ time, hashtags: pairs }));
  streams.tweetCount.foreachBatch((counts, time) => void seen.push({ time, tweets: counts }));
  const scored = new Map<string, string>();
  streams.scored.foreachBatch((tweets) => {
    for (const s of tweets) scored.set(s.id, s.sentiment.scored ? s.sentiment.label : 'unscored');
  });
  await ssc.start();
  await clock.advance(seconds(3));
  await ssc.stop();

  t.deepEqual(
    scored,
    new Map([
      ['1', 'positive'],
      ['2', 'negative'],
      ['3', 'positive'],
      ['4', 'unscored'],
    ]),
  );
  t.deepEqual(users.asked, [
    ['a', 'b'],
    ['c', 'a'],
  ]); // an empty batch asks nothing
  const at = (time: number) => Object.assign({}, ...seen.filter((s) => s['time'] === time));
  t.deepEqual(at(1000), {
    time: 1000,
    byTopic: { apple: '1/1+/0-', google: '1/0+/1-' },
    byLocation: { boston: '2/1+/1-' },
    hashtags: [['#iphone', 1]],
    tweets: [2],
  });
  // tweet 3's author is not in the table: the location its tweet carries is used; tweet 4 has no topic
  t.deepEqual(at(2000), {
    time: 2000,
    byTopic: { apple: '2/2+/0-', google: '1/0+/1-', '(none)': '1/0+/0-' },
    byLocation: { boston: '3/1+/1-', lisbon: '1/1+/0-' },
    hashtags: [
      ['#iphone', 2],
      ['#siri', 1],
    ],
    tweets: [4],
  });
  // the first batch has left the 2 s window
  t.deepEqual(at(3000), {
    time: 3000,
    byTopic: { apple: '1/1+/0-', '(none)': '1/0+/0-' },
    byLocation: { boston: '1/0+/0-', lisbon: '1/1+/0-' },
    hashtags: [
      ['#iphone', 1],
      ['#siri', 1],
    ],
    tweets: [2],
  });
});
