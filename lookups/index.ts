/**
 * `kindling/lookups`: static tables for enriching streams (local files, S3, HDFS, MongoDB,
 * HBase). None exists yet; until then, join a batch with a table you load yourself inside
 * `transform`, which may be async.
 *
 * @example
 * // until a lookup connector exists:
 * const profiles = new Map(await loadProfiles());
 * tweets.transform((records) => records.map((t) => ({ ...t, user: profiles.get(t.userId) })));
 */
export {};
