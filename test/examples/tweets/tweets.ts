/** What the showcase tests share: a tweet as the receiver makes it, with the fields a test names. */
import type { Tweet } from 'kindling/receivers';

/** A v2 tweet in English with no entities, author or retweet; `fields` overrides any of it. */
export function tweet(id: string, text = 'a tweet', fields: Partial<Tweet> = {}): Tweet {
  return {
    id,
    text,
    createdAt: 0,
    lang: 'en',
    authorId: undefined,
    author: undefined,
    hashtags: [],
    mentions: [],
    urls: [],
    isRetweet: false,
    retweetOf: undefined,
    matchingRules: [],
    format: 'v2',
    raw: null,
    ...fields,
  };
}
