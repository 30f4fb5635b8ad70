/**
 * The enrich benchmark's data, the same on every run: user profiles, and tweet-like records
 * whose author is drawn from a few more users than have a profile (so some keys are absent, as in
 * a live stream), cut into batches; and the check that a join answered each record with its
 * author's profile, or with nothing for an author without one.
 */

/** A user profile, as every store gives it back (after the store's own mapping). */
export interface Profile {
  readonly id: string;
  readonly name: string;
  readonly city: string;
  readonly followers: number;
}

/** A tweet-like record. */
export interface Tweet {
  readonly id: number;
  readonly userId: string;
  readonly text: string;
}

const CITIES = ['Lisbon', 'Nairobi', 'Osaka', 'Lima', 'Oslo', 'Pune', 'Quito', 'Accra'] as const;

/** The key of user `i`, e.g. `u0000042`. */
export function userId(i: number): string {
  return `u${String(i).padStart(7, '0')}`;
}

/** `count` profiles, users 0 to count - 1. */
export function profiles(count: number): Profile[] {
  return Array.from({ length: count }, (_, i) => ({
    id: userId(i),
    name: `User ${i}`,
    city: CITIES[i % CITIES.length] as string,
    followers: (i * 7919) % 100_003,
  }));
}

/** A small deterministic generator (mulberry32), so that every run joins the same records. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` tweets in batches of `batchSize`; authors are drawn uniformly from `users` users, of
 * which those past the profiles have none.
 */
export function tweetBatches(count: number, batchSize: number, users: number): Tweet[][] {
  const next = random(42);
  const batches: Tweet[][] = [];
  for (let from = 0; from < count; from += batchSize) {
    const batch: Tweet[] = [];
    for (let id = from; id < Math.min(count, from + batchSize); id++) {
      batch.push({ id, userId: userId(Math.floor(next() * users)), text: `tweet ${id} #kindling` });
    }
    batches.push(batch);
  }
  return batches;
}

/** The profile fields a join is checked on (stores may add their own, such as `_id`). */
function same(got: unknown, want: Profile | undefined): boolean {
  if (want === undefined) return got === undefined;
  if (typeof got !== 'object' || got === null) return false;
  const g = got as Partial<Profile>;
  return g.id === want.id && g.name === want.name && g.city === want.city && g.followers === want.followers;
}

/**
 * Checks that `values[i]` is the profile of `tweets[i]`'s author (or undefined when the author
 * has none); returns a description of the first few mismatches, or undefined when all agree.
 */
export function checkJoin(
  tweets: readonly Tweet[],
  values: readonly unknown[],
  table: ReadonlyMap<string, Profile>,
): string | undefined {
  if (values.length !== tweets.length) return `${values.length} joined records for ${tweets.length} tweets`;
  const wrong: string[] = [];
  let count = 0;
  for (let i = 0; i < tweets.length; i++) {
    const tweet = tweets[i] as Tweet;
    if (same(values[i], table.get(tweet.userId))) continue;
    count++;
    if (wrong.length < 3) wrong.push(`tweet ${tweet.id} (${tweet.userId}) got ${JSON.stringify(values[i])}`);
  }
  return count === 0 ? undefined : `${count} records joined wrongly, e.g. ${wrong.join('; ')}`;
}
