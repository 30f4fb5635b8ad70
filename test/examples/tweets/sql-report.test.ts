/**
 * The showcase's SQL report on a ManualClock: the top locations of each topic per window with
 * their mean sentiment, computed by DuckDB over the scored tweets, and its line in the report.
 */
import test from 'ava';
import { ManualClock, StreamingContext, seconds } from 'kindling';
import type { SentimentResult } from 'kindling/analytics';
import type { ScoredTweet, WindowReport } from '../../../examples/tweets/job.js';
import { formatReport } from '../../../examples/tweets/report.js';
import { topLocationsByTopic, type TopicLocation } from '../../../examples/tweets/sql-report.js';

const unscored: SentimentResult = { scored: false, language: 'xx', reason: 'no vocabulary' };

/** A scored tweet on `topics` from `location`, with `score` (undefined: not scored). */
function scored(id: string, topics: string[], location: string | undefined, score?: number): ScoredTweet {
  const sentiment: SentimentResult =
    score === undefined
      ? unscored
      : {
          scored: true,
          score,
          comparative: score,
          label: score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral',
          language: 'en',
          vocabulary: 'afinn',
          hits: 1,
        };
  return { id, text: '', topics, hashtags: [], location, followers: undefined, sentiment };
}

test('per window of 2 s sliding every 1 s: the top 2 locations of each topic, with their mean sentiment', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: seconds(1), clock });
  const batches: ScoredTweet[][] = [
    [
      scored('1', ['apple'], 'boston', 3),
      scored('2', ['apple', 'google'], 'boston', -1),
      scored('3', ['apple'], 'lisbon', 2),
      scored('4', ['google'], undefined, 5), // no location: not counted
    ],
    [
      scored('5', ['apple'], 'lisbon'), // not scored: counted, no score
      scored('6', ['apple'], 'lisbon', 1),
      scored('7', ['apple'], 'austin', 4),
      scored('8', ['google'], 'austin', -2),
    ],
    [],
    [],
  ];
  const places = topLocationsByTopic(ssc.queueStream(batches), {
    windowDuration: seconds(2),
    slideDuration: seconds(1),
    top: 2,
  });
  const seen: { time: number; rows: TopicLocation[] }[] = [];
  places.foreachBatch((rows, time) => void seen.push({ time, rows }));
  await ssc.start();
  await clock.advance(seconds(4));
  await ssc.stop();

  const row = (topic: string, location: string, tweets: number, mean: number | null): TopicLocation => ({
    topic,
    location,
    tweets,
    mean,
  });
  t.deepEqual(seen, [
    {
      time: 1000,
      rows: [row('apple', 'boston', 2, 1), row('apple', 'lisbon', 1, 2), row('google', 'boston', 1, -1)],
    },
    {
      time: 2000,
      rows: [
        row('apple', 'lisbon', 3, 1.5), // ties on tweets go by name; the unscored tweet has no score
        row('apple', 'boston', 2, 1),
        row('google', 'austin', 1, -2),
        row('google', 'boston', 1, -1),
      ],
    },
    {
      time: 3000,
      rows: [row('apple', 'lisbon', 2, 1), row('apple', 'austin', 1, 4), row('google', 'austin', 1, -2)],
    },
    { time: 4000, rows: [] },
  ]);
});

test('top must be a positive integer', (t) => {
  const ssc = new StreamingContext({ batchInterval: seconds(1), clock: new ManualClock() });
  const stream = ssc.queueStream<ScoredTweet>([]);
  t.throws(
    () => topLocationsByTopic(stream, { windowDuration: seconds(2), slideDuration: seconds(1), top: 0 }),
    {
      message: /top must be a positive integer, got 0/,
    },
  );
});

test('the report prints the SQL rows a line per topic, and leaves the line out without them', (t) => {
  const report: WindowReport = { time: 5000, tweetsPerSecond: 2, byTopic: [], byLocation: [], hashtags: [] };
  const lines = (r: WindowReport) => formatReport(r, 0).split('\n');
  t.false(lines(report).some((line) => line.includes('(SQL)')));
  const topLocations = [
    { topic: 'apple', location: 'boston', tweets: 2, mean: 0.75 },
    { topic: 'apple', location: 'lisbon', tweets: 1, mean: null },
    { topic: 'google', location: 'austin', tweets: 1, mean: -2 },
  ];
  t.deepEqual(lines({ ...report, topLocations }).slice(-3), [
    '  top locations per topic (SQL), tweets (mean sentiment):',
    '    apple: boston 2 (0.75), lisbon 1 (-)',
    '    google: austin 1 (-2.00)',
  ]);
  t.is(
    lines({ ...report, topLocations: [] }).at(-1),
    '  top locations per topic (SQL), tweets (mean sentiment): -',
  );
});
