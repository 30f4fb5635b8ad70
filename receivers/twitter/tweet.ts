/**
 * The one tweet type the Twitter receiver produces, whichever wire format it reads (API v2
 * filtered stream or v1.1 statuses), and the shapes of those wire formats as far as Kindling reads
 * or writes them.
 */

/** The wire formats the receiver reads and the replay server writes. */
export type TweetFormat = 'v2' | 'v1.1';

/** A tweet's author, as the stream included it. */
export interface TweetAuthor {
  /** The user's id, as a decimal string (ids do not fit a JS number). */
  readonly id: string;
  /** The handle without `@` (v1.1 `screen_name`, v2 `username`). */
  readonly screenName: string;
  /** The display name. */
  readonly name: string;
  /** The free-text location of the profile; `undefined` when empty or not sent. */
  readonly location: string | undefined;
  /** The profile's bio (`description` in v1.1 and v2); `undefined` when empty or not sent. */
  readonly description: string | undefined;
  /** Accounts following the user (v1.1 `followers_count`, v2 `public_metrics.followers_count`). */
  readonly followers: number | undefined;
  /** Accounts the user follows (v1.1 `friends_count`, v2 `following_count`). */
  readonly following: number | undefined;
  /** Tweets the user posted (v1.1 `statuses_count`, v2 `tweet_count`). */
  readonly tweets: number | undefined;
  /** Whether Twitter marked the account as verified (`verified`), if sent. */
  readonly verified: boolean | undefined;
  /** When the account was made, ms since the epoch. */
  readonly createdAt: number | undefined;
}

/**
 * One tweet, normalised: the same fields whether it came as a v2 filtered-stream line or a v1.1
 * status.
 *
 * @example
 * twitterStream(ssc, { url, format: 'v2' })
 *   .filter((t) => !t.isRetweet && t.lang === 'en')
 *   .flatMap((t) => t.hashtags.map((h) => h.toLowerCase()))
 *   .countByValue()
 *   .print();
 *
 * Gotcha: `text` is as the API sends it: HTML entities such as `&amp;` are not decoded, and a
 * retweet's text is `RT @user: ...`, cut at 140 characters (the original is in `raw`).
 */
export interface Tweet {
  /** The tweet's id, as a decimal string (ids do not fit a JS number). */
  readonly id: string;
  /**
   * The whole text: v1.1's `extended_tweet.full_text` (or `full_text`) and v2's `note_tweet.text`
   * when the API sent them, else `text`.
   */
  readonly text: string;
  /**
   * When it was posted, ms since the epoch: from `created_at`, or, when the stream did not send
   * it (v2 without `tweet.fields=created_at`), from the id (a snowflake carries its time).
   */
  readonly createdAt: number;
  /** The BCP 47 language Twitter detected (`en`, `es`, `und` when unknown), if sent. */
  readonly lang: string | undefined;
  /** The author's id, if sent. */
  readonly authorId: string | undefined;
  /** The author, when the stream included the user object (v1.1 always; v2 with `expansions=author_id`). */
  readonly author: TweetAuthor | undefined;
  /** Hashtags without `#`, as written, in order of appearance. */
  readonly hashtags: readonly string[];
  /** Mentioned handles without `@`, in order of appearance. */
  readonly mentions: readonly string[];
  /** Links, expanded where the API expanded them. */
  readonly urls: readonly string[];
  /** True for a retweet. */
  readonly isRetweet: boolean;
  /** The id of the retweeted tweet, for a retweet. */
  readonly retweetOf: string | undefined;
  /** The tags (or ids, for rules without a tag) of the v2 rules the tweet matched; empty for v1.1. */
  readonly matchingRules: readonly string[];
  /** The format it arrived in. */
  readonly format: TweetFormat;
  /** The object as received: the whole v2 line (`{ data, includes, matching_rules }`) or the v1.1 status. */
  readonly raw: unknown;
}

/** A v2 entity with its position in the text (start inclusive, end exclusive, in code points). */
export interface V2Span {
  /** Where the entity starts in the tweet's text, in code points (inclusive). */
  readonly start: number;
  /** Where it ends, in code points (exclusive). */
  readonly end: number;
}

/** The tweet object of API v2 (`data` of a stream line), fields Kindling reads or writes. */
export interface V2Tweet {
  /** The tweet's unique id, a decimal string (a snowflake: too big for a JS number). */
  readonly id: string;
  /** The text as posted (a retweet's is `RT @user: ...`; a long tweet's whole text is in `note_tweet`). */
  readonly text: string;
  /** The id of the user who posted it (`tweet.fields=author_id`). */
  readonly author_id?: string;
  /** When it was posted, ISO 8601 in UTC (`2011-10-15T05:36:56.000Z`). */
  readonly created_at?: string;
  /** The language Twitter detected, a BCP 47 tag (`en`; `und` when it could not tell). */
  readonly lang?: string;
  /** The id of the tweet that started the conversation (reply thread) this one belongs to. */
  readonly conversation_id?: string;
  /** For a reply, the id of the author of the tweet it replies to. */
  readonly in_reply_to_user_id?: string;
  /** Set when the tweet has a link: true when the linked content may be sensitive. */
  readonly possibly_sensitive?: boolean;
  /** The ids of every version of the tweet, oldest first: only its own id when never edited. */
  readonly edit_history_tweet_ids?: readonly string[];
  /** What Twitter parsed out of the text (`tweet.fields=entities`), each with its span. */
  readonly entities?: {
    /** The hashtags in the text, in order. */
    readonly hashtags?: readonly (V2Span & {
      /** The hashtag without `#`, as written. */
      readonly tag: string;
    })[];
    /** The users mentioned (`@handle`) in the text, in order. */
    readonly mentions?: readonly (V2Span & {
      /** The mentioned handle, without `@`. */
      readonly username: string;
      /** The mentioned user's id, when Twitter resolved the handle. */
      readonly id?: string;
    })[];
    /** The links in the text, in order. */
    readonly urls?: readonly (V2Span & {
      /** The `t.co` short link, as it appears in the text. */
      readonly url: string;
      /** The whole URL the short link leads to. */
      readonly expanded_url?: string;
      /** The URL as shown to readers: without the scheme, long ones cut with `…`. */
      readonly display_url?: string;
    })[];
  };
  /** The tweets this one retweets, quotes or replies to (`tweet.fields=referenced_tweets`). */
  readonly referenced_tweets?: readonly {
    /** How this tweet refers to it. */
    readonly type: 'retweeted' | 'quoted' | 'replied_to';
    /** The referenced tweet's id. */
    readonly id: string;
  }[];
  /** Engagement counts as they stood when the tweet was sent (`tweet.fields=public_metrics`). */
  readonly public_metrics?: {
    /** Times it was retweeted. */
    readonly retweet_count: number;
    /** Replies to it. */
    readonly reply_count: number;
    /** Times it was liked. */
    readonly like_count: number;
    /** Quote tweets of it. */
    readonly quote_count: number;
  };
}

/** The user object of API v2, fields Kindling reads or writes. */
export interface V2User {
  /** The user's unique id, a decimal string. */
  readonly id: string;
  /** The display name the user chose (not unique). */
  readonly name: string;
  /** The handle, without `@` (unique, but the user may change it). */
  readonly username: string;
  /** The location the user typed on the profile: free text, not necessarily a place. */
  readonly location?: string;
  /** The profile's bio. */
  readonly description?: string;
  /** When the account was created, ISO 8601 in UTC. */
  readonly created_at?: string;
  /** Whether Twitter marked the account as verified. */
  readonly verified?: boolean;
  /** True when the user's tweets are protected (visible to approved followers only). */
  readonly protected?: boolean;
  /** The website the user gave on the profile, as a `t.co` link. */
  readonly url?: string;
  /** The URL of the profile picture, as shown on the profile. */
  readonly profile_image_url?: string;
  /** Activity counts of the account (`user.fields=public_metrics`). */
  readonly public_metrics?: {
    /** Accounts following the user. */
    readonly followers_count: number;
    /** Accounts the user follows. */
    readonly following_count: number;
    /** Tweets the user has posted, retweets included. */
    readonly tweet_count: number;
    /** Public lists that include the user. */
    readonly listed_count: number;
  };
}

/** A rule of the v2 filtered stream that a tweet matched. */
export interface V2MatchingRule {
  /** The rule's id, as the rules endpoint gave it when the rule was added (a decimal string). */
  readonly id: string;
  /** The tag given to the rule when it was added, if any. */
  readonly tag?: string;
}

/** One line of the v2 filtered stream that carries a tweet. */
export interface V2StreamMessage {
  /** The tweet. */
  readonly data: V2Tweet;
  /** The objects the stream's `expansions` asked for, each once. */
  readonly includes?: {
    /** Users the tweets refer to: with `expansions=author_id`, the authors. */
    readonly users?: readonly V2User[];
    /** With `expansions=referenced_tweets.id`, the tweets retweeted, quoted or replied to. */
    readonly tweets?: readonly V2Tweet[];
  };
  /** The stream's rules that the tweet matched. */
  readonly matching_rules?: readonly V2MatchingRule[];
}

/** The user object of API v1.1, fields Kindling reads. */
export interface V1User {
  readonly id_str: string;
  readonly name: string;
  readonly screen_name: string;
  readonly location?: string | null;
  readonly description?: string | null;
  readonly url?: string | null;
  readonly followers_count?: number;
  readonly friends_count?: number;
  readonly statuses_count?: number;
  readonly listed_count?: number;
  readonly verified?: boolean;
  readonly protected?: boolean;
  readonly created_at?: string;
  readonly profile_image_url_https?: string;
}

/** The entities of a v1.1 status; `indices` are [start, end) in code points. */
export interface V1Entities {
  readonly hashtags?: readonly { readonly text: string; readonly indices: readonly number[] }[];
  readonly user_mentions?: readonly {
    readonly screen_name: string;
    readonly id_str?: string;
    readonly indices: readonly number[];
  }[];
  readonly urls?: readonly {
    readonly url: string;
    readonly expanded_url?: string | null;
    readonly display_url?: string;
    readonly indices: readonly number[];
  }[];
}

/** A status (tweet) of API v1.1, fields Kindling reads. */
export interface V1Status {
  readonly id_str: string;
  readonly text?: string;
  /** The whole text, with `tweet_mode=extended`. */
  readonly full_text?: string;
  /** The whole text of a tweet over 140 characters, in the streaming API. */
  readonly extended_tweet?: { readonly full_text: string; readonly entities?: V1Entities };
  readonly created_at: string;
  readonly lang?: string | null;
  readonly user?: V1User;
  readonly entities?: V1Entities;
  readonly retweeted_status?: V1Status;
  readonly in_reply_to_status_id_str?: string | null;
  readonly in_reply_to_user_id_str?: string | null;
  readonly quoted_status_id_str?: string;
  readonly possibly_sensitive?: boolean;
  readonly retweet_count?: number;
  readonly favorite_count?: number;
  readonly reply_count?: number;
  readonly quote_count?: number;
}
