/**
 * The MongoDB output: each batch's records upserted by key with unordered bulk writes; documents
 * the server rejects go to the dead letters with the server's error (`onRecordError: 'deadLetter'`)
 * or fail the batch, named with the server's errors, after the others are written.
 */
import type { Collection } from 'mongodb';
import {
  ConfigurationError,
  KindlingError,
  addOutput,
  type DStream,
  type OnRecordError,
  type Output,
  type OutputLifecycle,
} from '../../lib/index.js';
import {
  checkConnectionOptions,
  createMongoConnection,
  withRetries,
  type MongoConnection,
} from '../../systems/mongodb/client.js';
import type { MongoConnectionOptions, MongoDocument } from '../../systems/mongodb/options.js';
import type { MongoId, RejectedDocument } from './documents.js';
import { describeId, lastPerKey, operations, rejectedOf, toUpsert, type Upsert } from './upserts.js';

/** Options of {@link mongoOutput}. */
export interface MongoOutputOptions<T> extends MongoConnectionOptions {
  /** The database. */
  readonly db: string;
  /** The collection. */
  readonly collection: string;
  /** The record's key: the document's `_id`, so a record written again replaces itself. */
  readonly key: (record: T) => MongoId;
  /** The document to store (an `_id` in it must equal the key; best left out). */
  readonly document: (record: T) => MongoDocument;
  /** Most upserts in one bulk write (one retry unit). Default 1000. */
  readonly chunkSize?: number;
  /**
   * A record the output cannot turn into an upsert (a throwing `key`/`document`, a field named
   * `$...`, an `_id` other than the key), or a document the server rejects (a duplicate on a
   * unique index, a document too large): `'fail'` (default) fails the batch (for server
   * rejections once the others are written, with a {@link MongoRejectedError}); `'deadLetter'`
   * sends it to the dead letters (`ssc.deadLetters()`) and writes the rest. A server rejection's
   * dead letter holds `{ id, document, code, message }` and a MongoRejectedError as its error.
   */
  readonly onRecordError?: OnRecordError;
}

/**
 * The server refused some documents of a batch (a duplicate on a unique index, a document too
 * large, a field name it does not accept). The others were written. `rejected` lists each
 * document's key with the server's code and message.
 */
export class MongoRejectedError extends KindlingError {
  constructor(
    /** The collection written, `db.collection`. */
    readonly namespace: string,
    /** Every refused document of the batch, with its key and the server's code and message. */
    readonly rejected: readonly RejectedDocument[],
  ) {
    const shown = rejected
      .slice(0, 20)
      .map((r) => `key ${describeId(r.id)}: ${r.message} (code ${r.code})`)
      .join('; ');
    const more = rejected.length > 20 ? `; and ${rejected.length - 20} more (see error.rejected)` : '';
    super(
      `mongoOutput to '${namespace}': the server rejected ${rejected.length} document${
        rejected.length === 1 ? '' : 's'
      } (the others were written): ${shown}${more}`,
      { retriable: false },
    );
  }
}

function check<T>(what: string, options: MongoOutputOptions<T>): void {
  for (const field of ['db', 'collection'] as const) {
    if (typeof options[field] !== 'string' || options[field].length === 0) {
      throw new ConfigurationError(
        `${what}: ${field} must be a non-empty string, got ${JSON.stringify(options[field])}`,
      );
    }
  }
  for (const fn of ['key', 'document'] as const) {
    if (typeof options[fn] !== 'function') {
      throw new ConfigurationError(
        `${what}: ${fn} must be a function of the record, e.g. ${fn}: (r) => r.${fn === 'key' ? 'id' : 'profile'}`,
      );
    }
  }
  const { chunkSize } = options;
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize >= 1)) {
    throw new ConfigurationError(`${what}: chunkSize must be a whole number of at least 1, got ${chunkSize}`);
  }
  checkConnectionOptions(what, options);
}

/**
 * Upserts every record of `stream` into `db.collection` under `_id = key(record)`: per batch,
 * the last record of each key, in unordered bulk writes of `replaceOne` with `upsert: true`.
 * Lost connections are retried with back-off (`maxAttempts`, `backoff`); a bulk write that is
 * tried again only replaces what it may already have written. Documents the server rejects do
 * not stop the others: once the batch's other documents are written, the batch fails with a
 * {@link MongoRejectedError} naming each rejected key and the server's error; with
 * `onRecordError: 'deadLetter'` each rejected document is a dead letter instead, with the
 * server's error, and the batch completes.
 *
 * Delivery: effectively exactly-once for the stored state. Writes are at-least-once, and since
 * each is a replace by key, a batch run again (after a crash, from a checkpoint) leaves the same
 * documents and no duplicates.
 *
 * @example
 * mongoOutput(profiles, {
 *   url: 'mongodb://127.0.0.1:27017', db: 'social', collection: 'scores',
 *   key: (s) => s.user,
 *   document: (s) => ({ score: s.score, updatedAt: new Date(s.time) }),
 * });
 *
 * Gotchas: a replace writes the whole document (fields not in it are removed); in one batch,
 * records of the same key collapse to the last one. Credentials are never logged. `ssc.stop()`
 * closes the client (one the output opened itself, not a shared one).
 * @returns the output (its `delivery`; `close()` is called by `ssc.stop()`).
 * @throws ConfigurationError when an option is wrong.
 */
export function mongoOutput<T>(stream: DStream<T>, options: MongoOutputOptions<T>): OutputLifecycle {
  const namespace = `${options.db}.${options.collection}`;
  const what = `mongoOutput to '${namespace}'`;
  check(what, options);
  const { key, document } = options;
  const chunkSize = options.chunkSize ?? 1000;
  const upserts = stream.map((record): Upsert => toUpsert(key(record), document(record)), {
    onRecordError: options.onRecordError ?? 'fail',
  });
  let connection: MongoConnection | undefined;
  /** Writes `chunk`; resolves with the documents the server refused. */
  async function writeChunk(
    collection: Collection,
    chunk: readonly Upsert[],
    connection: MongoConnection,
  ): Promise<RejectedDocument[]> {
    const account = await withRetries(
      connection,
      `${what}: bulk write of ${chunk.length} upserts`,
      async () => {
        try {
          await collection.bulkWrite(operations(chunk), { ordered: false });
          return undefined;
        } catch (error) {
          const found = rejectedOf(error, chunk);
          if (found) return found;
          throw error;
        }
      },
    );
    if (account === undefined) return [];
    if (account.whole || chunk.length === 1) return account.rejected;
    // The server's account is partial: replay one by one (replacing what was written is harmless).
    const rejected: RejectedDocument[] = [];
    for (const upsert of chunk) rejected.push(...(await writeChunk(collection, [upsert], connection)));
    return rejected;
  }

  /** Writes a batch's distinct upserts; resolves with the documents the server refused. */
  async function writeBatch(batch: readonly Upsert[]): Promise<RejectedDocument[]> {
    connection ??= createMongoConnection(options, 'the MongoDB output');
    const collection = connection.client.db(options.db).collection(options.collection);
    const distinct = lastPerKey(batch);
    const rejected: RejectedDocument[] = [];
    for (let i = 0; i < distinct.length; i += chunkSize) {
      rejected.push(...(await writeChunk(collection, distinct.slice(i, i + chunkSize), connection)));
    }
    return rejected;
  }

  const output: Output<Upsert> = {
    name: what,
    delivery: {
      guarantee: 'exactly-once',
      when: 'for the stored documents: each write replaces by key, so a batch run again leaves the same documents',
    },
    write: async (batch) => {
      const rejected = await writeBatch(batch);
      if (rejected.length > 0) throw new MongoRejectedError(namespace, rejected);
    },
    close: async () => {
      const open = connection;
      connection = undefined;
      if (open?.owned) await open.client.close();
    },
  };
  if (options.onRecordError === 'deadLetter') {
    // The write runs in a transform; each refused document then fails a map that dead-letters it.
    // The output operation after it only drives that; the output's write is not called.
    const refusals = upserts.transform(writeBatch).map(
      (refused): never => {
        throw new MongoRejectedError(namespace, [refused]);
      },
      { onRecordError: 'deadLetter' },
    );
    return addOutput(refusals, { ...output, write: async () => {} });
  }
  return addOutput(upserts, output);
}
