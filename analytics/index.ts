/**
 * `kindling/analytics`: what the tweet showcase computes on a stream of tweets. A tokenizer for
 * tweets (hashtags, mentions, URLs, emoticons, negation scopes, HTML references), sentiment
 * scoring with `natural` in the tweet's own language, hashtag top-k and location counts per
 * window, feature hashing, and a logistic regression that learns from every batch.
 *
 * @example
 * import { StreamingContext, seconds, minutes } from 'kindling';
 * import {
 *   SentimentScorer, topHashtags, locationCounts,
 *   FeatureHasher, tweetFeatures, StreamingLogisticRegression,
 * } from 'kindling/analytics';
 *
 * const scorer = new SentimentScorer();
 * tweets.map((t) => ({ id: t.id_str, sentiment: scorer.scoreTweet(t) })).print();
 * topHashtags(tweets, { k: 10, windowDuration: minutes(5), slideDuration: seconds(10) }).print();
 * locationCounts(tweets, { windowDuration: minutes(5), slideDuration: seconds(10) }).print();
 *
 * const hasher = new FeatureHasher();
 * const model = new StreamingLogisticRegression({ dimensions: hasher.dimensions });
 * model.trainOn(labeled.map((t) => ({ label: t.positive ? 1 : 0, features: tweetFeatures(t.text, hasher) })));
 * model.predictOn(tweets.map((t) => tweetFeatures(t.text, hasher))).countByValue().print();
 *
 * @module kindling/analytics
 */
export { tokenize, DEFAULT_NEGATION_SCOPE } from './tokenizer.js';
export type { Token, TokenKind, TextToken, EmoticonToken, TokenizeOptions } from './tokenizer.js';
export { ENGLISH_NEGATIONS, isEnglishNegation, negationsFrom } from './negation.js';
export type { NegationTest } from './negation.js';
export { emojiPolarity } from './emoticons.js';
export type { EmoticonPolarity } from './emoticons.js';
export { decodeHtmlEntities } from './html-entities.js';
export { SentimentScorer } from './sentiment.js';
export type {
  SentimentLabel,
  SentimentResult,
  ScoredSentiment,
  UnscoredSentiment,
  SentimentScorerOptions,
} from './sentiment.js';
export { SENTIMENT_LANGUAGES, VOCABULARY_SCALE, primaryLanguage } from './sentiment-languages.js';
export type { SentimentLanguage, Vocabulary } from './sentiment-languages.js';
export type { TweetLike, HashtagEntity } from './tweet.js';
export { topK, byCountThenKey } from './top-k.js';
export type { Ranking } from './top-k.js';
export { countPerWindow, topByCount } from './window-counts.js';
export type { WindowOptions } from './window-counts.js';
export { hashtagsOf, topHashtags } from './hashtags.js';
export type { TopHashtagsOptions } from './hashtags.js';
export { normalizeLocation, locationCounts } from './locations.js';
export { murmur3 } from './murmur3.js';
export { FeatureHasher, tweetFeatureNames, tweetFeatures } from './features.js';
export type { SparseVector, FeatureHasherOptions } from './features.js';
export { LogisticRegressionModel, sigmoid } from './logistic-regression.js';
export type { BinaryLabel } from './logistic-regression.js';
export { StreamingLogisticRegression } from './streaming-logistic-regression.js';
export type { LabeledPoint, StreamingLogisticRegressionOptions } from './streaming-logistic-regression.js';
export { classificationMetrics } from './metrics.js';
export type { ClassificationMetrics, ClassMetrics } from './metrics.js';
export { parseSandersCorpus } from './sanders-corpus.js';
export type { SandersLabel, SandersRow } from './sanders-corpus.js';
