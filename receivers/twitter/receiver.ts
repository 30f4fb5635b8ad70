/**
 * The Twitter receiver: reads a filtered stream (API v2, or v1.1 status lines) over one long HTTP
 * response, stores each tweet as a normalised {@link Tweet}, and reconnects by Twitter's rules.
 */
import {
  Receiver,
  type DStream,
  type ReceiverOptions,
  type RejectedRecord,
  type RejectingReceiver,
  type StreamingContext,
} from '../../lib/index.js';
import { resolveTwitterOptions, type ResolvedTwitterOptions, type TwitterStreamOptions } from './options.js';
import { StreamReading } from './stream-reading.js';
import type { Tweet } from './tweet.js';

/**
 * Reads a Twitter filtered stream; see {@link twitterStream}, which makes one and its DStream.
 *
 * Delivery: at-most-once across reconnects. Within one connection every tweet the server sends
 * is stored once, in order. When the connection drops, what the server sent that had not arrived
 * is lost, and the API does not send it again on reconnect (v2's `backfill_minutes`, for
 * academic access only, is not used); a tweet cut in half by the drop goes to the dead letters.
 * What was stored is in memory until its batch completes; with the context's `writeAheadLog` on
 * it is logged first, so it survives a crash of the job.
 *
 * Reconnects follow Twitter's rules: at once after an established connection drops (or stalls:
 * no data and no keep-alive for `stallTimeoutMs`); then, if connecting fails, linear back-off for
 * network errors (250 ms more each time, up to 16 s), exponential for HTTP errors (5 s doubling
 * to 320 s) and for HTTP 429/420 (from 1 minute). Each disconnect is reported on `ssc.events` as
 * `receiverError` (the message says when it reconnects). An HTTP error that retrying cannot fix
 * (401, 403, 404, other 4xx) stops the receiver, with `receiverError` and `receiverStopped`.
 *
 * @example
 * const receiver = new TwitterReceiver({ url: replay.url, format: 'v2', clock: ssc.clock });
 * ssc.receiverStream(receiver).print(); // what twitterStream(ssc, { url: replay.url, format: 'v2' }) does
 */
export class TwitterReceiver extends Receiver<Tweet | RejectedRecord> implements RejectingReceiver {
  /** Lines that are not UTF-8, not JSON, no tweet, too long or cut by a disconnect become dead letters. */
  readonly storesRejectedRecords = true as const;
  private readonly resolved: ResolvedTwitterOptions;
  private reading: StreamReading | undefined;

  /** @throws ConfigurationError when an option is wrong (before anything connects). */
  constructor(private readonly options: TwitterStreamOptions) {
    const resolved = resolveTwitterOptions(options);
    super(resolved.name);
    this.resolved = resolved;
  }

  onStart(): void {
    const host = {
      store: (records: readonly (Tweet | RejectedRecord)[]) => this.store(records),
      reportError: (message: string, error?: unknown) => this.reportError(message, error),
      stop: (reason: string, error?: unknown) => this.stop(reason, error),
    };
    this.reading = new StreamReading(host, this.resolved, this.options.clock);
    this.reading.start();
  }

  /** Aborts the request (and any back-off); resolves once the connection is closed. */
  async onStop(): Promise<void> {
    const reading = this.reading;
    this.reading = undefined;
    await reading?.stop();
  }
}

/**
 * A DStream of the tweets of a Twitter filtered stream (API v2, or v1.1 status lines), read by a
 * {@link TwitterReceiver} under the context's supervisor.
 *
 * @param ssc the context; its clock paces back-offs and stall detection.
 * @param options the stream's `url` and `format`, the bearer token (default `TWITTER_BEARER_TOKEN`);
 *   `maxRate` caps tweets per second.
 * @example
 * const tweets = twitterStream(ssc, { url: 'https://api.twitter.com/2/tweets/search/stream', format: 'v2' });
 * tweets.filter((t) => t.lang === 'en').map((t) => [t.author?.screenName ?? t.authorId, 1] as const).print();
 * tweets.deadLetters().foreachBatch((bad) => bad.forEach((l) => console.warn(l.origin.detail, l.error.message)));
 *
 * // against the bundled tweets, replayed:
 * const replay = await startReplayServer({ file: 'examples/tweets/data/sanders_tweets.jsonl', rate: 50 });
 * const demo = twitterStream(ssc, { url: replay.url, format: 'v2' });
 *
 * Gotchas: at-most-once across reconnects (see {@link TwitterReceiver}); turn on `writeAheadLog` so
 * what arrived survives a crash. The v2 stream sends only tweets matching the rules set on the
 * API beforehand (POST /2/tweets/search/stream/rules); this receiver does not manage rules. The
 * real v1.1 streaming API is retired: `format: 'v1.1'` is for replays and compatible servers.
 */
export function twitterStream(
  ssc: StreamingContext,
  options: TwitterStreamOptions & ReceiverOptions,
): DStream<Tweet> {
  const { maxRate, ...rest } = options;
  const receiver = new TwitterReceiver({ clock: ssc.clock, ...rest });
  // The input stream takes the RejectedRecords out of every batch (they are its dead letters).
  return ssc.receiverStream(
    receiver,
    maxRate === undefined ? {} : { maxRate },
    'twitterStream',
  ) as DStream<Tweet>;
}
