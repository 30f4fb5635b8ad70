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
  readonly description: string | undefined;
  readonly followers: number | undefined;
  /** Accounts the user follows (v1.1 `friends_count`, v2 `following_count`). */
  readonly following: number | undefined;
  /** Tweets the user posted (v1.1 `statuses_count`, v2 `tweet_count`). */
  readonly tweets: number | undefined;
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
interface V2Span {
  readonly start: number;
  readonly end: number;
}

/** The tweet object of API v2 (`data` of a stream line), fields Kindling reads or writes. */
export interface V2Tweet {
  readonly id: string;
  readonly text: string;
  readonly author_id?: string;
  readonly created_at?: string;
  readonly lang?: string;
  readonly conversation_id?: string;
  readonly in_reply_to_user_id?: string;
  readonly possibly_sensitive?: boolean;
  readonly edit_history_tweet_ids?: readonly string[];
  readonly entities?: {
    readonly hashtags?: readonly (V2Span & { readonly tag: string })[];
    readonly mentions?: readonly (V2Span & { readonly username: string; readonly id?: string })[];
    readonly urls?: readonly (V2Span & {
      readonly url: string;
      readonly expanded_url?: string;
      readonly display_url?: string;
    })[];
  };
  readonly referenced_tweets?: readonly {
    readonly type: 'retweeted' | 'quoted' | 'replied_to';
    readonly id: string;
  }[];
  readonly public_metrics?: {
    readonly retweet_count: number;
    readonly reply_count: number;
    readonly like_count: number;
    readonly quote_count: number;
  };
}

/** The user object of API v2, fields Kindling reads or writes. */
export interface V2User {
  readonly id: string;
  readonly name: string;
  readonly username: string;
  readonly location?: string;
  readonly description?: string;
  readonly created_at?: string;
  readonly verified?: boolean;
  readonly protected?: boolean;
  readonly url?: string;
  readonly profile_image_url?: string;
  readonly public_metrics?: {
    readonly followers_count: number;
    readonly following_count: number;
    readonly tweet_count: number;
    readonly listed_count: number;
  };
}

/** A rule of the v2 filtered stream that a tweet matched. */
export interface V2MatchingRule {
  readonly id: string;
  readonly tag?: string;
}

/** One line of the v2 filtered stream that carries a tweet. */
export interface V2StreamMessage {
  readonly data: V2Tweet;
  readonly includes?: { readonly users?: readonly V2User[]; readonly tweets?: readonly V2Tweet[] };
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
