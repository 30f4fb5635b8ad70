/**
 * The shape of a tweet that the analytics read: the fields of a Twitter API v1.1 status they
 * use. Any object with these fields fits (a full status, or a trimmed record of a test).
 */

/** A hashtag entity of a v1.1 status: its text without the `#`. */
export interface HashtagEntity {
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
  readonly entities?: { readonly hashtags?: readonly HashtagEntity[] | undefined } | null | undefined;
  /** The author; `location` is the free text of their profile. */
  readonly user?: { readonly location?: string | null | undefined } | null | undefined;
}
