/**
 * Turns one decoded stream line into a {@link Tweet}, a notice (a message of the stream that is
 * not a tweet: a v2 `errors` line, a v1.1 `limit` or `delete`), or a problem (JSON that is no
 * tweet), for the receiver to store, report, or send to the dead letters.
 */
import type { Tweet, TweetFormat } from './tweet.js';
import { normalizeV1 } from './normalize-v1.js';
import { normalizeV2 } from './normalize-v2.js';

/** What one line of the stream holds. */
export type Normalized =
  | { readonly tweet: Tweet }
  /** A message of the stream that is not a tweet, described for people. */
  | { readonly notice: string }
  /** Why the JSON is not a tweet of the format. */
  | { readonly problem: string };

/**
 * The tweet (or notice, or problem) in `json`, a parsed line of a stream in `format`.
 *
 * @example
 * normalize(JSON.parse(line), 'v2') // { tweet: { id: '1228...', text: '...', ... } }
 * normalize({ limit: { track: 12 } }, 'v1.1') // { notice: 'limit notice: 12 tweets ...' }
 */
export function normalize(json: unknown, format: TweetFormat): Normalized {
  return format === 'v2' ? normalizeV2(json) : normalizeV1(json);
}

/** True when `value` is a plain JSON object (`isObject({})`, not `isObject([])`). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a non-empty string, else `undefined`: `text('') // undefined`. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `value` when it is a finite number, else `undefined`. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The elements of `value` that are objects (none when it is not an array). */
export function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/**
 * The strings `pick` finds in the objects of `value`, in order.
 *
 * @example
 * strings([{ tag: 'a' }, { tag: 3 }, { tag: 'b' }], (h) => h['tag']) // ['a', 'b']
 */
export function strings(value: unknown, pick: (item: Record<string, unknown>) => unknown): string[] {
  const out: string[] = [];
  for (const item of objects(value)) {
    const s = text(pick(item));
    if (s !== undefined) out.push(s);
  }
  return out;
}

/** True when `id` is a tweet or user id: a decimal string. */
export function isId(id: unknown): id is string {
  return typeof id === 'string' && /^\d{1,20}$/.test(id);
}
