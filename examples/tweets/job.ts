/**
 * The showcase job, separate from how it is fed and shown: tweets in, each joined with its
 * author's profile from a lookup and scored for sentiment, then per window (30 s sliding every
 * 5 s in the demo): sentiment by topic, tweets by location, the top hashtags and tweets/s.
 * `main.ts` feeds it from the replay server; the tests feed it from a queue on a ManualClock.
 */
import type { DStream, Lookup } from 'kindling';
import {
  SentimentScorer,
  countPerWindow,
  normalizeLocation,
  topByCount,
  type SentimentResult,
} from 'kindling/analytics';
import type { Tweet } from 'kindling/receivers';
import type { TopicLocation } from './sql-report.js';

/** An author's profile as the users table holds it (the Twitter v1.1 user object's fields used here). */
export interface Profile {
  readonly id_str: string;
  readonly screen_name?: string;
  readonly location?: string | null;
  readonly followers_count?: number;
  readonly verified?: boolean;
}

/** A tweet joined with its author's profile and scored. */
export interface ScoredTweet {
  readonly id: string;
  readonly text: string;
  readonly topics: readonly string[];
  readonly hashtags: readonly string[];
  /** The author's location from the profile, normalised; undefined when unknown. */
  readonly location: string | undefined;
  readonly followers: number | undefined;
  readonly sentiment: SentimentResult;
}

/** Sums over a window for one key: how many tweets, how many scored, and their scores. */
export interface SentimentSums {
  readonly tweets: number;
  readonly scored: number;
  readonly score: number;
  readonly positive: number;
  readonly negative: number;
}

/** One window's figures, as `main.ts` prints them and the dashboard shows them. */
export interface WindowReport {
  readonly time: number;
  readonly tweetsPerSecond: number;
  readonly byTopic: readonly [string, SentimentSums][];
  readonly byLocation: readonly [string, SentimentSums][];
  readonly hashtags: readonly [string, number][];
  /** The top locations of each topic, from the SQL report; absent when it does not run. */
  readonly topLocations?: readonly TopicLocation[];
}

export interface ShowcaseOptions {
  readonly windowDuration: number;
  readonly slideDuration: number;
  /** How many hashtags and locations a window report keeps. */
  readonly top?: number;
  /** The scorer; one is made if not given (loading natural's vocabularies takes a moment). */
  readonly scorer?: SentimentScorer;
}

/** The streams of the showcase: per tweet, and per window. */
export interface ShowcaseStreams {
  readonly scored: DStream<ScoredTweet>;
  readonly byTopic: DStream<[string, SentimentSums]>;
  readonly byLocation: DStream<[string, SentimentSums]>;
  readonly hashtags: DStream<[string, number]>;
  readonly tweetCount: DStream<number>;
}

const NO_TOPIC = '(none)';

/** The per-key sums of one scored tweet. */
export function sumsOf(tweet: ScoredTweet): SentimentSums {
  const s = tweet.sentiment;
  return s.scored
    ? {
        tweets: 1,
        scored: 1,
        score: s.score,
        positive: +(s.label === 'positive'),
        negative: +(s.label === 'negative'),
      }
    : { tweets: 1, scored: 0, score: 0, positive: 0, negative: 0 };
}

const add = (a: SentimentSums, b: SentimentSums): SentimentSums => ({
  tweets: a.tweets + b.tweets,
  scored: a.scored + b.scored,
  score: a.score + b.score,
  positive: a.positive + b.positive,
  negative: a.negative + b.negative,
});

const subtract = (a: SentimentSums, b: SentimentSums): SentimentSums => ({
  tweets: a.tweets - b.tweets,
  scored: a.scored - b.scored,
  score: a.score - b.score,
  positive: a.positive - b.positive,
  negative: a.negative - b.negative,
});

/** The mean score of the scored tweets, or null when none was scored. */
export function meanScore(sums: SentimentSums): number | null {
  return sums.scored === 0 ? null : sums.score / sums.scored;
}

/**
 * Builds the showcase on a stream of tweets and a users lookup keyed by the author's id.
 *
 * @example
 * const streams = showcase(twitterStream(ssc, { url }), jsonlFileLookup(usersFile, { key: 'id_str' }), {
 *   windowDuration: seconds(30),
 *   slideDuration: seconds(5),
 * });
 * streams.byTopic.print();
 */
export function showcase(
  tweets: DStream<Tweet>,
  users: Lookup<string, Profile>,
  options: ShowcaseOptions,
): ShowcaseStreams {
  const scorer = options.scorer ?? new SentimentScorer();
  const window = { windowDuration: options.windowDuration, slideDuration: options.slideDuration };
  const scored = tweets
    .joinLookup(users, (tweet) => tweet.authorId ?? '', { missing: 'keep' })
    .map(([tweet, profile]): ScoredTweet => {
      const location = normalizeLocation(profile?.location ?? tweet.author?.location);
      return {
        id: tweet.id,
        text: tweet.text,
        topics: tweet.matchingRules.length > 0 ? tweet.matchingRules : [NO_TOPIC],
        hashtags: tweet.hashtags.map((tag) => `#${tag.toLowerCase()}`),
        location,
        followers: profile?.followers_count ?? tweet.author?.followers,
        sentiment: scorer.scoreTweet({ text: tweet.text, lang: tweet.lang ?? null }),
      };
    })
    .name('scored')
    .cache();
  const perWindow = (keyed: DStream<[string, SentimentSums]>): DStream<[string, SentimentSums]> =>
    keyed.reduceByKeyAndWindow(add, subtract, window.windowDuration, window.slideDuration, {
      filter: ([, sums]) => sums.tweets > 0,
    });
  const byTopic = perWindow(
    scored.flatMap((tweet) => tweet.topics.map((topic): [string, SentimentSums] => [topic, sumsOf(tweet)])),
  ).name('sentiment-by-topic');
  const byLocation = perWindow(
    scored.flatMap((tweet): [string, SentimentSums][] =>
      tweet.location === undefined ? [] : [[tweet.location, sumsOf(tweet)]],
    ),
  ).name('sentiment-by-location');
  const hashtags = topByCount(
    countPerWindow(
      scored.flatMap((tweet) => tweet.hashtags),
      window,
    ),
    options.top ?? 10,
  ).name('top-hashtags');
  const tweetCount = scored
    .countByWindow(window.windowDuration, window.slideDuration)
    .name('tweets-per-window');
  return { scored, byTopic, byLocation, hashtags, tweetCount };
}
