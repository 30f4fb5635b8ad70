/**
 * The showcase's SQL report: per topic, the locations with the most tweets in the window and their
 * mean sentiment, written in SQL over the scored tweets (`stream.sql`, run by an in-process
 * DuckDB). The same figure with DStream operators would key by (topic, location), reduce per
 * window, then group by topic and rank; in SQL it is one query. Needs the optional peer
 * `@duckdb/node-api`: `main.ts` leaves the report out when it is not installed.
 */
import type { DStream } from 'kindling';
import type { ScoredTweet } from './job.js';

/** One row of the report: a location among the top of a topic in the window. */
export interface TopicLocation {
  readonly topic: string;
  readonly location: string;
  readonly tweets: number;
  /** The mean score of the location's scored tweets on the topic, to 2 places; null if none was scored. */
  readonly mean: number | null;
}

/** A scored tweet as the SQL table holds it: one row a tweet, its topics a list. */
interface TweetRow {
  readonly topics: readonly string[];
  readonly location: string | null;
  readonly score: number | null;
}

/** The table's columns, declared so that the query is checked at start and no batch is inferred. */
const SCHEMA = { topics: 'VARCHAR[]', location: 'VARCHAR', score: 'DOUBLE' };

/**
 * The query: one row per (topic, tweet) with a known location, counted and averaged per
 * (topic, location), then the first `top` locations of each topic by tweets (ties by name).
 */
export const topLocationsQuery = (top: number): string => `
  WITH per_topic AS (
    SELECT unnest(topics) AS topic, location, score FROM tweets WHERE location IS NOT NULL
  )
  SELECT topic, location, count(*) AS tweets, round(avg(score), 2) AS mean
  FROM per_topic
  GROUP BY topic, location
  QUALIFY row_number() OVER (PARTITION BY topic ORDER BY count(*) DESC, location) <= ${top}
  ORDER BY topic, tweets DESC, location`;

/**
 * The top locations of each topic per window, with their mean sentiment, in SQL.
 *
 * @example
 * const places = topLocationsByTopic(streams.scored, { windowDuration: seconds(30), slideDuration: seconds(5), top: 3 });
 * places.foreachBatch((rows) => console.table(rows));
 */
export function topLocationsByTopic(
  scored: DStream<ScoredTweet>,
  options: { windowDuration: number; slideDuration: number; top: number },
): DStream<TopicLocation> {
  if (!Number.isInteger(options.top) || options.top < 1) {
    throw new RangeError(`topLocationsByTopic: top must be a positive integer, got ${options.top}`);
  }
  return scored
    .map((tweet): TweetRow => ({
      topics: tweet.topics,
      location: tweet.location ?? null,
      score: tweet.sentiment.scored ? tweet.sentiment.score : null,
    }))
    .window(options.windowDuration, options.slideDuration)
    .sql(topLocationsQuery(options.top), { table: 'tweets', schema: SCHEMA })
    .name('top-locations-by-topic') as unknown as DStream<TopicLocation>;
}
