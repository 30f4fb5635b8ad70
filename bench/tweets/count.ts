/**
 * The per-batch count of the tweets benchmark's plain loops, on one thread or on each half of a
 * batch on two: every line scored (`score.ts`) and counted under its window key.
 */
import { scoreTweetLine, type ScoredTweet } from './score.js';

/** The key a tweet is counted under: its author's location (or `no profile`) and its label. */
export function windowKey(tweet: ScoredTweet, location: string | undefined): string {
  return `${location ?? 'no profile'}|${tweet.label}`;
}

/** Scores `lines[from..to)` and adds one per tweet to `counts` under its window key. */
export function countTweets(
  lines: readonly string[],
  from: number,
  to: number,
  locations: ReadonlyMap<string, string>,
  counts: Map<string, number>,
): void {
  for (let i = from; i < to; i++) {
    const tweet = scoreTweetLine(lines[i] as string);
    const key = windowKey(tweet, locations.get(tweet.userId));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}
