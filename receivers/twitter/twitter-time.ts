/**
 * Times in Twitter's formats: v1.1's `created_at` (`Sat Oct 15 05:36:56 +0000 2011`), v2's ISO
 * 8601, and the time inside a snowflake id.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const V1_TIME =
  /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;

/** Twitter's snowflake epoch: 2010-11-04T01:42:54.657Z. */
const SNOWFLAKE_EPOCH = 1_288_834_974_657n;
/** Ids below this are from before snowflakes (sequential ids stayed under 2^35). */
const FIRST_SNOWFLAKE = 1n << 42n;

/**
 * The time of a v1.1 `created_at`, ms since the epoch; `undefined` when it is not in that format.
 *
 * @example
 * parseV1Time('Sat Oct 15 05:36:56 +0000 2011') // 1318657016000
 */
export function parseV1Time(text: string): number | undefined {
  const m = V1_TIME.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1] as string);
  if (month < 0) return undefined;
  const utc = Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const offset = (Number(m[7]) * 60 + Number(m[8])) * 60_000 * (m[6] === '-' ? -1 : 1);
  return Number.isNaN(utc) ? undefined : utc - offset;
}

/**
 * The time of a v2 `created_at` (ISO 8601 with a zone), ms since the epoch; `undefined` when it
 * is not one.
 *
 * @example
 * parseV2Time('2011-10-15T05:36:56.000Z') // 1318657016000
 */
export function parseV2Time(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `ms` as v2 writes times: `2011-10-15T05:36:56.000Z`. */
export function formatV2Time(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The time a snowflake id was made, ms since the epoch; `undefined` for an id that is not a
 * snowflake (from before November 2010, or not a decimal number).
 *
 * @example
 * snowflakeTime('125082707389718529') // 1318657016023 (within the second of its created_at)
 */
export function snowflakeTime(id: string): number | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  const n = BigInt(id);
  if (n < FIRST_SNOWFLAKE) return undefined;
  return Number((n >> 22n) + SNOWFLAKE_EPOCH);
}
