/** Types shared by the key-value operators. */

/** A key of a pair stream: a primitive, hashed with `Map`. Build composite keys as strings. */
export type Key = string | number | bigint | boolean;

/** A key-value record. */
export type Pair<K extends Key, V> = [K, V];
