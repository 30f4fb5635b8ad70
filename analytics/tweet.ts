/**
 * The shape of a tweet that the analytics read: the fields of a Twitter API v1.1 status they
 * use. Any object with these fields fits (a full status, or a trimmed record of a test).
 */

/** A hashtag entity of a v1.1 status: its text without the `#`. */
export interface HashtagEntity {
  /** The hashtag without `#`, as written (v1.1 `entities.hashtags[].text`). */
  readonly text: string;
}

/** The fields of a Twitter API v1.1 status that the analytics read. */
export interface TweetLike {
  /** The id as a string (v1.1 `id_str`; the number `id` loses precision in JavaScript). */
  readonly id_str?: string | undefined;
  /** The text, with `&`, `<`, `>` escaped as HTML references, as the API sends it. */
  readonly text: string;
  /** The language Twitter detected: an ISO 639-1 code, `und` when undetermined. */
  readonly lang?: string | null | undefined;
  /** The hashtags Twitter found; when absent they are taken from the text. */
  readonly entities?:
    | {
        /** The hashtags in the text, in order (v1.1 `entities.hashtags`). */
        readonly hashtags?: readonly HashtagEntity[] | undefined;
      }
    | null
    | undefined;
  /** The author; `location` is the free text of their profile. */
  readonly user?:
    | {
        /** The location the author typed on the profile (v1.1 `user.location`): free text, may be null. */
        readonly location?: string | null | undefined;
      }
    | null
    | undefined;
}
