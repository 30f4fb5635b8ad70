/**
 * The connection options of the MongoDB lookup and output, in Kindling's own types: the public
 * declarations do not need the `mongodb` driver (an optional peer) installed.
 */
import type { BackoffPolicy, Clock } from '../../lib/index.js';

/**
 * A `MongoClient` of the `mongodb` package, made by the caller (the shape Kindling uses of it,
 * so that its declarations need no driver; the connectors check that it is a MongoClient).
 */
export interface MongoDriverClient {
  /** Connects (the driver's `MongoClient.connect`): before the first call, and after a failed connect. */
  connect(): Promise<unknown>;
  /** Closes the client's connections; Kindling calls it only on a client it made itself. */
  close(): Promise<void>;
  /** The driver's `Db` of that name, from which the connector takes its collection. */
  db(name: string): unknown;
}

/**
 * Any setting of the driver's `MongoClientOptions`, passed to it as it is. Typed loosely so that
 * Kindling's declarations need no driver; the driver checks them when it makes the client.
 */
export type MongoClientSettings = object;

/**
 * How to reach MongoDB (or FerretDB, DocumentDB, Cosmos DB's Mongo API). Give a ready `client`, or
 * a `url` and client options. Credentials (in the URL or in `clientOptions.auth`) are never logged.
 */
export interface MongoConnectionOptions {
  /** A client to use as it is (it is not closed by Kindling); wins over `url` and `clientOptions`. */
  readonly client?: MongoDriverClient;
  /** A connection string, e.g. `mongodb://user:pass@db1:27017,db2:27017/?replicaSet=rs0`. */
  readonly url?: string;
  /**
   * Any other client setting, passed through: TLS (`tls`, `tlsCAFile`, `tlsCertificateKeyFile`),
   * `auth`, `authMechanism` (SCRAM, X.509, AWS), pool sizes, `monitorCommands`. Default
   * `serverSelectionTimeoutMS` here is 10 000 (the driver's is 30 000) so a lost server is
   * noticed, and retried with `backoff`, sooner.
   */
  readonly clientOptions?: MongoClientSettings;
  /** Attempts in all for one call, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** How retries back off. Default: 100 ms doubling up to 5 s, with jitter. */
  readonly backoff?: BackoffPolicy;
  /** The clock retries wait on. Default: system time (the wait is for the server, not for batches). */
  readonly clock?: Pick<Clock, 'sleep'>;
  /** Told of each failed attempt that will be tried again (the message has no secrets). */
  readonly onRetry?: (message: string, error: Error, retryIn: number) => void;
}

/** A MongoDB document: what the driver's `Document` is (any fields). */
export interface MongoDocument {
  // As the driver's own `Document`: field values of any BSON type, read without casts.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

/** A BSON `ObjectId` of the `mongodb` package (the shape of it Kindling names). */
export interface MongoObjectId {
  /** The BSON type tag the driver sets on every ObjectId. */
  readonly _bsontype: 'ObjectId';
  /** The id as 24 hexadecimal characters. */
  toHexString(): string;
}
