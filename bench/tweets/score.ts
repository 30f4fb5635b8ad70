/**
 * The per-tweet work of the tweets benchmark, shared by every system so that they call the same
 * libraries: parse a line of Twitter API JSON and score its text in its own language with
 * `kindling/analytics`' SentimentScorer (`natural`'s lexicons). Worker threads import it by name
 * (`workerTask(new URL('./score.ts', ...), 'scoreTweetLine')`).
 */
import { SENTIMENT_LANGUAGES, SentimentScorer } from '../../analytics/index.js';

/** What the scoring stage gives for a tweet. */
export interface ScoredTweet {
  readonly id: string;
  /** The author's id (`user.id_str`), the key of the profile lookup. */
  readonly userId: string;
  /** `positive`, `negative`, `neutral`, or `unscored` (a language without a lexicon). */
  readonly label: string;
}

/**
 * One scorer per thread, with every language's lexicon loaded when the module is imported (a
 * worker imports it when its pool starts), so that no timed batch pays for loading.
 */
const scorer = new SentimentScorer();
for (const code of SENTIMENT_LANGUAGES.keys()) scorer.score('ok', code);

/**
 * Parses and scores one line of Twitter API JSON. Throws on a line that is not JSON.
 *
 * @example
 * scoreTweetLine('{"id_str":"1","text":"great phone","lang":"en","user":{"id_str":"9"}}');
 * // { id: '1', userId: '9', label: 'positive' }
 */
export function scoreTweetLine(line: string): ScoredTweet {
  const tweet = JSON.parse(line) as {
    id_str: string;
    text: string;
    lang?: string;
    user?: { id_str?: string };
  };
  const sentiment = scorer.scoreTweet(tweet);
  return {
    id: tweet.id_str,
    userId: tweet.user?.id_str ?? '',
    label: sentiment.scored ? sentiment.label : 'unscored',
  };
}
