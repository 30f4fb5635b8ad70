/**
 * The tweet showcase that `npm start` runs, with no server to install: a replay server on
 * 127.0.0.1 streams the bundled tweets in Twitter's v2 filtered-stream format, the Twitter
 * receiver reads them in 1 s batches, each tweet is joined with its author's profile (a lookup on
 * the bundled users file, or a store given with --users), scored for sentiment, and every 5 s the
 * last 30 s are summed up: sentiment by topic, tweets by location, top hashtags, tweets/s. The
 * summary is printed and shown live in the dashboard at http://127.0.0.1:4040/. The installed
 * package's `kindling demo` (`bin/kindling.ts`) runs the same `main` on a small sample, `sample/`.
 */
import { Command, InvalidArgumentError } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigurationError, StreamingContext, seconds, type EventOf } from 'kindling';
import { SentimentScorer, topK } from 'kindling/analytics';
import { dashboard } from 'kindling/outputs';
import { startReplayServer, twitterStream } from 'kindling/receivers';
import { meanScore, showcase } from './job.js';
import { byTweets, formatReport, windowRate, windowReports } from './report.js';
import { topLocationsByTopic } from './sql-report.js';
import { ADDRESS_FORMS, resultsOutput, usersLookup } from './stores.js';
import { stopGracefullyOn } from '../graceful-stop.js';

const data = (name: string): string => fileURLToPath(new URL(`./data/${name}`, import.meta.url));

/** The showcase's settings, as its flags give them. */
export interface DemoOptions {
  readonly duration?: number;
  /** The tweets the replay server sends (v1.1 JSON, one per line). */
  readonly tweets: string;
  readonly rate: number;
  readonly users: string;
  readonly output?: string;
  readonly dashboard: boolean;
  readonly port: number;
  readonly window: number;
  readonly slide: number;
  readonly top: number;
  readonly progress: boolean;
  /**
   * Whether to run the SQL report (top locations per topic, `sql-report.ts`); it needs the
   * optional peer `@duckdb/node-api`. Default: true.
   */
  readonly sql?: boolean;
}

const positive = (name: string) => (text: string) => {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

function parseOptions(argv: readonly string[]): DemoOptions {
  const program = new Command('npm start --')
    .description("Live tweets joined with their authors' profiles, scored for sentiment, summed per window.")
    .option(
      '--duration <seconds>',
      'stop gracefully after this many seconds (default: until Ctrl-C)',
      positive('--duration'),
    )
    .option(
      '--rate <tweets/s>',
      'how fast the replay server sends the bundled tweets',
      positive('--rate'),
      50,
    )
    .option('--tweets <file>', 'the tweets to replay (v1.1 JSON, one per line)', data('sanders_tweets.jsonl'))
    .option('--users <address>', 'where the users table is (see below)', data('sanders_users.jsonl'))
    .option('--output <address>', 'also write each scored tweet there (see below)')
    .option('--no-dashboard', 'do not serve the dashboard')
    .option('--port <port>', 'the dashboard port on 127.0.0.1', (text) => Number.parseInt(text, 10), 4040)
    .option('--window <seconds>', 'window length', positive('--window'), 30)
    .option('--slide <seconds>', 'how often a window ends', positive('--slide'), 5)
    .option('--top <n>', 'hashtags and locations per window', positive('--top'), 5)
    .option('--progress', 'print a line per batch with its timings', false)
    .option('--no-sql', 'leave out the SQL report (top locations per topic; needs @duckdb/node-api)')
    .addHelpText('after', `\nAddresses for --users and --output:\n  ${ADDRESS_FORMS.join('\n  ')}\n`)
    .showHelpAfterError()
    .parse(argv, { from: 'user' });
  return program.opts<DemoOptions>();
}

function timingsLine(event: EventOf<'batchCompleted'>): string {
  const status = event.error ? `  FAILED: ${event.error.message}` : '';
  return `  batch ${event.batchTime}: tweets=${event.records} scheduling=${event.schedulingDelay}ms processing=${event.processingDelay}ms total=${event.totalDelay}ms${status}`;
}

/** Runs the showcase until `options.duration` or Ctrl-C; resolves to the exit status. */
export async function main(options: DemoOptions): Promise<number> {
  const users = usersLookup(options.users);
  const replay = await startReplayServer({
    file: options.tweets,
    rate: options.rate,
    loop: true,
  });
  const ssc = new StreamingContext({ batchInterval: seconds(1), name: 'tweets', progress: false });
  const windowDuration = seconds(options.window);
  const streams = showcase(twitterStream(ssc, { url: replay.url, format: 'v2' }), users, {
    windowDuration,
    slideDuration: seconds(options.slide),
    top: options.top,
    scorer: new SentimentScorer(),
  });
  if (options.output !== undefined) resultsOutput(streams.scored, options.output);
  const topLocations =
    options.sql === false
      ? undefined
      : topLocationsByTopic(streams.scored, {
          windowDuration,
          slideDuration: seconds(options.slide),
          top: 3,
        });

  const board = options.dashboard ? dashboard(ssc, { port: options.port }) : undefined;
  if (board) {
    const rate = windowRate(streams.tweetCount, windowDuration);
    board.panel(streams.byTopic, 'sentiment', {
      kind: 'line',
      title: `Mean sentiment by topic, last ${options.window} s`,
      value: (pairs) => Object.fromEntries(pairs.map(([topic, sums]) => [topic, meanScore(sums)])),
    });
    board.panel(streams.tweetCount, 'rate', {
      kind: 'line',
      title: `Tweets/s over the last ${options.window} s`,
      unit: 'tweets/s',
      value: (counts, time) => rate(counts[0] ?? 0, time),
    });
    board.panel(streams.hashtags, 'hashtags', {
      kind: 'bar',
      title: `Top hashtags, last ${options.window} s`,
      label: ([tag]) => tag,
      value: ([, n]) => n,
    });
    board.panel(
      streams.byLocation.mapBatch((pairs) => topK(pairs, 15, byTweets)),
      'locations',
      {
        kind: 'table',
        title: `Tweets by author location, last ${options.window} s`,
        columns: {
          location: ([where]) => where,
          tweets: ([, s]) => s.tweets,
          'mean sentiment': ([, s]) => (meanScore(s) === null ? null : Number(meanScore(s)!.toFixed(2))),
        },
        rows: 15,
      },
    );
    if (topLocations) {
      board.panel(topLocations, 'topic-locations', {
        kind: 'table',
        title: `Top locations per topic (SQL), last ${options.window} s`,
        columns: {
          topic: (row) => row.topic,
          location: (row) => row.location,
          tweets: (row) => row.tweets,
          'mean sentiment': (row) => row.mean,
        },
        rows: 30,
      });
    }
  }
  const start = Date.now();
  windowReports(
    streams,
    { windowDuration, top: options.top, ...(topLocations ? { topLocations } : {}) },
    (report) => console.log(formatReport(report, start)),
  );
  if (options.progress) {
    ssc.events.subscribe((event) => {
      if (event.type === 'batchCompleted') console.log(timingsLine(event));
    });
  }

  const release = stopGracefullyOn(
    ssc,
    options.duration === undefined ? undefined : seconds(options.duration),
  );

  try {
    // Before the start: a dashboard port in use ends the demo with the flag that picks another.
    const address = board && (await board.url().catch((error: unknown) => dashboardFailed(error, options)));
    await ssc.start();
    console.log(
      `tweets: replaying the bundled tweets at ${options.rate}/s from ${replay.url}; ` +
        `windows of ${options.window} s every ${options.slide} s; Ctrl-C stops`,
    );
    if (address) console.log(`dashboard: ${address}`);
    await ssc.awaitTermination();
    console.log(`stopped after ${replay.sent} tweets`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(error.message);
      return 2;
    }
    console.error('tweets failed:', error);
    return 1;
  } finally {
    // Whatever ended the demo, nothing it started may keep the process alive.
    release();
    if (ssc.state !== 'stopped') await ssc.stop();
    await users.close?.();
    await replay.close();
  }
}

/** The dashboard's failure to listen, in the words of the flags: which port, and how to pick another. */
function dashboardFailed(error: unknown, options: DemoOptions): never {
  const cause = error instanceof Error ? error.cause : undefined;
  if ((cause as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') throw error;
  throw new ConfigurationError(
    `tweets: the dashboard's port ${options.port} on 127.0.0.1 is in use; choose another with ` +
      `--port (e.g. --port ${options.port === 65_535 ? 4040 : options.port + 1}, or --port 0 for any free one), ` +
      'or run without the dashboard: --no-dashboard',
    { cause: error },
  );
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  try {
    process.exitCode = await main(parseOptions(process.argv.slice(2)));
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  }
}
