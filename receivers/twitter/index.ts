/**
 * The Twitter receiver, `twitterStream(ssc, { url, format })`, its normalised {@link Tweet}, and
 * the replay server that serves a file of tweets as Twitter's streaming endpoints do.
 */
export { TwitterReceiver, twitterStream } from './receiver.js';
export type { TwitterStreamOptions } from './options.js';
export type { ReconnectPolicy } from './reconnect.js';
export type {
  Tweet,
  TweetAuthor,
  TweetFormat,
  V2MatchingRule,
  V2Span,
  V2StreamMessage,
  V2Tweet,
  V2User,
} from './tweet.js';
export { startReplayServer } from './replay/server.js';
export type { ReplayServer, ReplayServerOptions } from './replay/server.js';
export { SANDERS_RULES } from './replay/rules.js';
export type { ReplayRule } from './replay/rules.js';
export { toV2Message } from './replay/to-v2.js';
