/**
 * The public types of the MongoDB output's documents, in Kindling's own types (no declaration of
 * the driver, an optional peer, is needed to use them).
 */
import type { Key } from '../../lib/index.js';
import type { MongoDocument, MongoObjectId } from '../../systems/mongodb/options.js';

/** What a record's key may be: it becomes the document's `_id`. */
export type MongoId = Key | MongoObjectId | Date;

/** A document the server refused, with its key and the server's error. */
export interface RejectedDocument {
  /** The document's key: its `_id`, the record's key as the output wrote it. */
  readonly id: MongoId;
  /** The document that was refused (without `_id`). */
  readonly document: MongoDocument;
  /** The server's error code, e.g. 11000 for a duplicate key. */
  readonly code: number;
  /** The server's message. */
  readonly message: string;
}
