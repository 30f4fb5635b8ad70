/**
 * A batch's upserts: one `replaceOne` with `upsert: true` per distinct key (the last record of a
 * key wins), and the documents the server rejected, by key, read from a `MongoBulkWriteError`.
 */
import type { AnyBulkWriteOperation, BSON, Document, Filter } from 'mongodb';
import { KindlingError } from '../../lib/index.js';
import { mongodb } from '../../systems/mongodb/client.js';
import type { MongoId, RejectedDocument } from './documents.js';

export type { MongoId, RejectedDocument } from './documents.js';

/** The driver's BSON codec (loaded with the driver; the output has made its client by then). */
const bson = (): typeof BSON => mongodb('the MongoDB output').BSON;

/** One record's upsert: its `_id` and the document to store under it (without `_id`). */
export interface Upsert {
  readonly id: MongoId;
  readonly document: Document;
}

/** How `id` is told apart from other keys (a string, whatever its BSON type). */
function identity(id: MongoId): string {
  return typeof id === 'object'
    ? `o:${bson().EJSON.stringify(id as Document)}`
    : `${typeof id}:${String(id)}`;
}

/**
 * The upsert of one record. Throws a KindlingError (the record goes to the dead letters with
 * `onRecordError: 'deadLetter'`) when the document is not an object, has a top-level field whose
 * name starts with `$` (the driver would refuse the whole call), or has an `_id` other than the key.
 */
export function toUpsert(id: MongoId, document: unknown): Upsert {
  if (id === undefined || id === null) throw new KindlingError(`a MongoDB key must not be ${String(id)}`);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new KindlingError(
      `a MongoDB document must be an object, got ${Array.isArray(document) ? 'an array' : typeof document}`,
    );
  }
  const { _id, ...fields } = document as Document;
  const operator = Object.keys(fields).find((name) => name.startsWith('$'));
  if (operator !== undefined) {
    throw new KindlingError(
      `document of key ${describeId(id)} has a top-level field '${operator}': names starting with '$' are not allowed`,
    );
  }
  if (_id !== undefined && identity(_id as MongoId) !== identity(id)) {
    throw new KindlingError(
      `document of key ${describeId(id)} has another _id (${describeId(_id as MongoId)}); leave _id out, the key is the _id`,
    );
  }
  return { id, document: fields };
}

/** The key as people read it in messages. */
export function describeId(id: MongoId): string {
  return typeof id === 'object'
    ? bson().EJSON.stringify(id as Document)
    : JSON.stringify(typeof id === 'bigint' ? String(id) : id);
}

/** The distinct upserts of a batch, in order of first appearance, the last record of each key winning. */
export function lastPerKey(upserts: readonly Upsert[]): Upsert[] {
  const byKey = new Map<string, Upsert>();
  for (const upsert of upserts) {
    const key = identity(upsert.id);
    byKey.delete(key);
    byKey.set(key, upsert);
  }
  return [...byKey.values()];
}

/** The bulk operations of `upserts`: replace by `_id`, insert when missing. */
export function operations(upserts: readonly Upsert[]): AnyBulkWriteOperation[] {
  return upserts.map(({ id, document }) => ({
    replaceOne: { filter: { _id: id } as Filter<Document>, replacement: document, upsert: true },
  }));
}

/**
 * What a `MongoBulkWriteError` says of `chunk`: the rejected documents, and whether that account
 * is whole (every operation either written or rejected). It is not whole when the server stopped
 * at the first rejection although the write was unordered (FerretDB 1.x does, and reports index
 * 0): then only a replay one document at a time tells which were refused. `undefined` when the
 * error is not about documents.
 */
export function rejectedOf(
  error: unknown,
  chunk: readonly Upsert[],
): { readonly rejected: RejectedDocument[]; readonly whole: boolean } | undefined {
  if (!(error instanceof mongodb('the MongoDB output').MongoBulkWriteError)) return undefined;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  const rejected: RejectedDocument[] = [];
  for (const w of writeErrors) {
    const upsert = w === undefined ? undefined : chunk[w.index];
    if (w && upsert) {
      const message = w.errmsg ?? `error ${w.code}`;
      rejected.push({ id: upsert.id, document: upsert.document, code: w.code, message });
    }
  }
  if (rejected.length === 0) return undefined;
  const written = error.result.upsertedCount + error.result.matchedCount;
  return { rejected, whole: written + rejected.length === chunk.length };
}
