/**
 * The MongoDB lookup: a batch's distinct keys answered by `find({ [keyField]: { $in: chunk } })`,
 * one query per chunk of keys, with a projection.
 */
import { ConfigurationError, type Key, type Lookup } from '../../lib/index.js';
import {
  checkConnectionOptions,
  createMongoConnection,
  withRetries,
  type MongoConnection,
} from '../../systems/mongodb/client.js';
// Kindling's own types, not the driver's (an optional peer): `Document` is the driver's shape.
import type { MongoConnectionOptions, MongoDocument as Document } from '../../systems/mongodb/options.js';

/** Options of {@link mongoLookup}. */
export interface MongoLookupOptions extends MongoConnectionOptions {
  /** The database. */
  readonly db: string;
  /** The collection. */
  readonly collection: string;
  /** The field that holds the key, e.g. `'userId'`, `'_id'`, or a dotted path `'profile.handle'`. */
  readonly keyField: string;
  /** Which fields to return, e.g. `{ _id: 0, name: 1, followers: 1 }`. Default: whole documents. */
  readonly projection?: Document;
  /** Most keys in one query. Default 1000. */
  readonly chunkSize?: number;
  /** Time limit of one query on the server (`maxTimeMS`), ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** The lookup's name in events and errors. Default `mongodb <db>.<collection>`. */
  readonly name?: string;
}

/** The value of a dotted `path` in `doc`. */
function valueAt(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Document)[part];
  }
  return value;
}

/** Checks the options; throws a ConfigurationError that says which one is wrong and how. */
function check(what: string, options: MongoLookupOptions): void {
  for (const field of ['db', 'collection', 'keyField'] as const) {
    if (typeof options[field] !== 'string' || options[field].length === 0) {
      throw new ConfigurationError(
        `${what}: ${field} must be a non-empty string, got ${JSON.stringify(options[field])}`,
      );
    }
  }
  const { chunkSize, requestTimeoutMs, projection } = options;
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize >= 1)) {
    throw new ConfigurationError(`${what}: chunkSize must be a whole number of at least 1, got ${chunkSize}`);
  }
  if (requestTimeoutMs !== undefined && !(Number.isFinite(requestTimeoutMs) && requestTimeoutMs > 0)) {
    throw new ConfigurationError(
      `${what}: requestTimeoutMs must be a positive number of ms, got ${requestTimeoutMs}`,
    );
  }
  if (projection !== undefined && (typeof projection !== 'object' || projection === null)) {
    throw new ConfigurationError(`${what}: projection must be an object such as { name: 1 }`);
  }
  if (projection !== undefined && options.keyField !== '_id' && projection[options.keyField] === 0) {
    throw new ConfigurationError(
      `${what}: the projection leaves out the key field '${options.keyField}', which the lookup needs to ` +
        'match documents to keys; leave it in',
    );
  }
  checkConnectionOptions(what, options);
}

/**
 * A {@link Lookup} over a MongoDB collection: `getAll(keys)` asks for the documents whose
 * `keyField` is one of the keys, `chunkSize` keys per `find` (so 10 000 keys with the default
 * cost 10 round trips), and answers each key found with its document (after `projection`).
 * Keys not found are left out of the answer. Every batch asks the server, so there is nothing
 * to refresh; wrap it in the lookup cache for a TTL.
 *
 * Lost connections and a missing server are retried with back-off (`maxAttempts`, `backoff`);
 * when attempts run out, `getAll` throws a retriable KindlingError that names the lookup, and the
 * batch fails: no key is ever answered "absent" because the server was away.
 *
 * @example
 * const profiles = mongoLookup<string, Profile>({
 *   url: 'mongodb://127.0.0.1:27017', db: 'social', collection: 'users',
 *   keyField: 'handle', projection: { _id: 0, handle: 1, followers: 1 },
 * });
 * const found = await profiles.getAll(['ada', 'grace']); // Map { 'ada' => {...} }
 *
 * Gotchas: the key's type must match the stored one (the number 7 does not find the string
 * '7'); with several documents per key the last one returned wins, so index `keyField` as
 * unique (an index on it also keeps `$in` fast). The projection must keep `keyField`. An array
 * field answers each of its elements that was asked for. Credentials are never logged.
 * @throws ConfigurationError when an option is wrong.
 */
export function mongoLookup<K extends Key, V = Document>(options: MongoLookupOptions): Lookup<K, V> {
  const name = options.name ?? `mongodb ${options.db}.${options.collection}`;
  const what = `mongoLookup '${name}'`;
  check(what, options);
  const { keyField, projection } = options;
  const chunkSize = options.chunkSize ?? 1000;
  const maxTimeMS = options.requestTimeoutMs ?? 30_000;
  let connection: MongoConnection | undefined;

  async function findChunk(chunk: readonly K[], found: Map<K, V>): Promise<void> {
    connection ??= createMongoConnection(options, 'the MongoDB lookup');
    const collection = connection.client.db(options.db).collection(options.collection);
    const docs = await withRetries(connection, `${what}: find of ${chunk.length} keys`, () =>
      collection
        // One more than the keys: a first reply with every match closes the cursor (no getMore).
        .find(
          { [keyField]: { $in: chunk } },
          { ...(projection ? { projection } : {}), maxTimeMS, batchSize: chunk.length + 1 },
        )
        .toArray(),
    );
    const asked = new Set<unknown>(chunk);
    for (const doc of docs) {
      const value = valueAt(doc, keyField);
      for (const key of Array.isArray(value) ? value : [value]) {
        if (asked.has(key)) found.set(key as K, doc as V);
      }
    }
  }

  return {
    name,
    async getAll(keys) {
      const found = new Map<K, V>();
      for (let i = 0; i < keys.length; i += chunkSize) await findChunk(keys.slice(i, i + chunkSize), found);
      return found;
    },
    async close() {
      const open = connection;
      connection = undefined;
      if (open?.owned) await open.client.close();
    },
  };
}
