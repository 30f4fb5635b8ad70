/**
 * `kindling/analytics`: tokenising, sentiment scoring, top-k, sketches and streaming models.
 * None exists yet; plain DStream operators (`flatMap`, `reduceByKey`, `transform`) cover simple
 * cases such as word counts.
 *
 * @example
 * // until analytics exist, a top-10 of a word count:
 * counts.transform((pairs) => [...pairs].sort((a, b) => b[1] - a[1]).slice(0, 10))
 */
export {};
