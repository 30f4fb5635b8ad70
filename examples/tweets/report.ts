/**
 * Gathers the showcase's windowed streams into one report per slide, and prints it as a compact
 * table. Output operations of a batch run in the order they were declared, so the report is
 * complete when the last declared one (the tweet count) has run.
 */
import { filter, take } from 'rxjs';
import type { DStream } from 'kindling';
import type { ShowcaseStreams, SentimentSums, WindowReport } from './job.js';
import { meanScore } from './job.js';
import { topK } from 'kindling/analytics';
import type { TopicLocation } from './sql-report.js';

/** Orders `[key, sums]` pairs by tweets, most first, then by key. */
export const byTweets = (a: readonly [string, SentimentSums], b: readonly [string, SentimentSums]): number =>
  b[1].tweets - a[1].tweets || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Records per second in the window that ends at `time`: `count` over the time the window has
 * covered, from `jobStart` (the start of the job's first batch) to `time`, at most
 * `windowDuration`. Five seconds into a job, a 30 s window holds 5 s of records, not 30.
 *
 * @example
 * perSecond(250, 5_000, 0, 30_000); // 50, not 250 / 30
 */
export function perSecond(count: number, time: number, jobStart: number, windowDuration: number): number {
  const covered = Math.min(windowDuration, time - jobStart);
  return covered > 0 ? count / (covered / 1000) : 0;
}

/**
 * The rate of a window of `windowDuration` over `stream`'s context, as {@link perSecond}: the
 * job's start is taken from its first batch. Call before `ssc.start()`.
 *
 * @example
 * const rate = windowRate(streams.tweetCount, seconds(30));
 * streams.tweetCount.foreachBatch(([count = 0], time) => console.log(rate(count, time)));
 */
export function windowRate(
  stream: DStream<unknown>,
  windowDuration: number,
): (count: number, time: number) => number {
  const ssc = stream.context;
  let jobStart: number | undefined;
  ssc.events
    .pipe(
      filter((event) => event.type === 'batchSubmitted'),
      take(1),
    )
    .subscribe((event) => {
      jobStart = event.batchTime - ssc.batchInterval;
    });
  return (count, time) => perSecond(count, time, jobStart ?? time - windowDuration, windowDuration);
}

/**
 * Calls `onReport` once per slide with that window's figures. Declare before `ssc.start()`.
 * `options.topLocations`, the SQL report's stream (`sql-report.ts`), adds its rows to each report.
 */
export function windowReports(
  streams: ShowcaseStreams,
  options: { windowDuration: number; top: number; topLocations?: DStream<TopicLocation> },
  onReport: (report: WindowReport) => void | Promise<void>,
): void {
  type Parts = {
    -readonly [P in 'byTopic' | 'byLocation' | 'hashtags' | 'topLocations']?: WindowReport[P];
  };
  const pending = new Map<number, Parts>();
  const part = (time: number) => pending.get(time) ?? pending.set(time, {}).get(time)!;
  streams.byTopic.foreachBatch((pairs, time) => {
    part(time).byTopic = [...pairs].sort(byTweets);
  });
  streams.byLocation.foreachBatch((pairs, time) => {
    part(time).byLocation = topK(pairs, options.top, byTweets);
  });
  streams.hashtags.foreachBatch((pairs, time) => {
    part(time).hashtags = pairs;
  });
  options.topLocations?.foreachBatch((rows, time) => {
    part(time).topLocations = rows;
  });
  const rate = windowRate(streams.tweetCount, options.windowDuration);
  streams.tweetCount.foreachBatch(async (counts, time) => {
    const figures = part(time);
    pending.delete(time);
    await onReport({
      time,
      tweetsPerSecond: rate(counts[0] ?? 0, time),
      byTopic: figures.byTopic ?? [],
      byLocation: figures.byLocation ?? [],
      hashtags: figures.hashtags ?? [],
      ...(options.topLocations ? { topLocations: figures.topLocations ?? [] } : {}),
    });
  });
}

const fixed = (value: number | null, digits = 2): string => (value === null ? '-' : value.toFixed(digits));
const cut = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);

/** `    apple: boston 2 (0.75), lisbon 1 (-)`: a line per topic, its places' tweets and mean sentiment. */
function topicLocations(rows: readonly TopicLocation[]): string[] {
  const byTopic = new Map<string, string[]>();
  for (const row of rows) {
    const places = byTopic.get(row.topic) ?? byTopic.set(row.topic, []).get(row.topic)!;
    places.push(`${row.location} ${row.tweets} (${fixed(row.mean)})`);
  }
  return [...byTopic].map(([topic, places]) => `    ${topic}: ${places.join(', ')}`);
}

/** The report as a few lines of text: one table of topics, then locations and hashtags. */
export function formatReport(report: WindowReport, start: number): string {
  const lines = [
    `window ending ${new Date(report.time).toISOString().slice(11, 19)} (+${((report.time - start) / 1000).toFixed(0)} s)  ${report.tweetsPerSecond.toFixed(1)} tweets/s`,
    `  ${'topic'.padEnd(12)}${'tweets'.padStart(7)}${'scored'.padStart(7)}${'mean'.padStart(7)}${'pos'.padStart(5)}${'neg'.padStart(5)}`,
    ...report.byTopic.map(
      ([topic, s]) =>
        `  ${cut(topic, 12)}${String(s.tweets).padStart(7)}${String(s.scored).padStart(7)}${fixed(meanScore(s)).padStart(7)}${String(s.positive).padStart(5)}${String(s.negative).padStart(5)}`,
    ),
    `  locations: ${report.byLocation.map(([where, s]) => `${where} ${s.tweets}`).join(', ') || '-'}`,
    `  hashtags:  ${report.hashtags.map(([tag, n]) => `${tag} ${n}`).join(', ') || '-'}`,
    ...(report.topLocations
      ? [
          `  top locations per topic (SQL), tweets (mean sentiment):${report.topLocations.length === 0 ? ' -' : ''}`,
          ...topicLocations(report.topLocations),
        ]
      : []),
  ];
  return lines.join('\n');
}
