/**
 * The public face, `kindling/analytics`, as the tweet showcase uses it: the module's example
 * run on a ManualClock over a few tweets, and an import that prints nothing on stdout (natural
 * whole would print dotenv's tips).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ManualClock, StreamingContext, type DStream } from 'kindling';
import {
  FeatureHasher,
  SentimentScorer,
  StreamingLogisticRegression,
  locationCounts,
  topHashtags,
  tweetFeatures,
  type BinaryLabel,
  type SentimentLabel,
  type TweetLike,
} from 'kindling/analytics';

interface LabeledTweet extends TweetLike {
  readonly positive: boolean;
}

const tweets: LabeledTweet[][] = [
  [
    {
      id_str: '1',
      text: 'I love my new #iPhone :)',
      lang: 'en',
      user: { location: 'New York' },
      positive: true,
    },
    {
      id_str: '2',
      text: 'Worst update ever, I hate it #ios5',
      lang: 'en',
      user: { location: 'london' },
      positive: false,
    },
  ],
  [
    {
      id_str: '3',
      text: 'Great #iphone camera, love it',
      lang: 'en',
      user: { location: ' New  York' },
      positive: true,
    },
    { id_str: '4', text: 'Das ist gut #iphone', lang: 'de', user: { location: null }, positive: true },
    { id_str: '5', text: 'これはいい', lang: 'ja', user: { location: 'Tokyo' }, positive: true },
  ],
];

test('the module example runs: sentiment, top hashtags, locations, a model learning per batch', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'analytics-example' });
  const stream: DStream<LabeledTweet> = ssc.queueStream(tweets);

  const scorer = new SentimentScorer();
  const labels: [string | undefined, SentimentLabel | 'unscored'][] = [];
  stream
    .map((tweet) => ({ id: tweet.id_str, sentiment: scorer.scoreTweet(tweet) }))
    .foreachBatch((records) => {
      for (const r of records) labels.push([r.id, r.sentiment.scored ? r.sentiment.label : 'unscored']);
    });
  const tops: [string, number][][] = [];
  topHashtags(stream, { k: 2, windowDuration: 2000 }).foreachBatch((top) => {
    tops.push([...top]);
  });
  const places: [string, number][][] = [];
  locationCounts(stream, { windowDuration: 2000 }).foreachBatch((counts) => {
    places.push([...counts].sort());
  });
  const hasher = new FeatureHasher({ dimensions: 1 << 12 });
  const model = new StreamingLogisticRegression({ dimensions: hasher.dimensions });
  model.trainOn(
    stream.map((tw) => ({
      label: (tw.positive ? 1 : 0) as BinaryLabel,
      features: tweetFeatures(tw.text, hasher),
    })),
  );
  const predicted: number[] = [];
  model.predictOn(stream.map((tw) => tweetFeatures(tw.text, hasher))).foreachBatch((batch) => {
    predicted.push(batch.length);
  });

  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  await ssc.awaitTermination();

  t.deepEqual(labels, [
    ['1', 'positive'],
    ['2', 'negative'],
    ['3', 'positive'],
    ['4', 'positive'],
    ['5', 'unscored'],
  ]);
  t.deepEqual(tops, [
    [
      ['#ios5', 1],
      ['#iphone', 1],
    ],
    [
      ['#iphone', 3],
      ['#ios5', 1],
    ],
  ]);
  t.deepEqual(places, [
    [
      ['london', 1],
      ['new york', 1],
    ],
    [
      ['london', 1],
      ['new york', 2],
      ['tokyo', 1],
    ],
  ]);
  t.deepEqual(model.progress, { batches: 2, points: 5 });
  t.deepEqual(predicted, [2, 3]);
});

test('importing kindling/analytics prints nothing on stdout', async (t) => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const script = "await import('kindling/analytics'); process.stderr.write('imported');";
  const run = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })),
    );
  });
  t.is(run.stderr, 'imported');
  t.is(run.stdout, '');
});
