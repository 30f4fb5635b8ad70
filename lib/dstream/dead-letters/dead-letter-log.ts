/**
 * Dead letters: the records an operator or a source rejected, kept beside the batch they belonged
 * to instead of failing the batch or vanishing (DESIGN.md, "Fault tolerance"). This module holds
 * their types and the per-operator log; `dead-letters.ts` turns logs into streams and counts.
 */
import { ConfigurationError, KindlingError } from '../../errors.js';

/**
 * What an operator does when its user function throws on a record: `'fail'` (the default) fails
 * the batch with a `BatchError` naming the operator; `'deadLetter'` skips the record and sends it
 * to the dead letters (see `DStream.deadLetters()`).
 */
export type OnRecordError = 'fail' | 'deadLetter';

/** The options of an operator that runs a user function: `{ onRecordError }`. */
export interface RecordErrorOptions {
  /** `'fail'` (default) or `'deadLetter'`; see {@link OnRecordError}. */
  readonly onRecordError?: OnRecordError;
}

/** Checks `options.onRecordError` of `operator`; throws a {@link ConfigurationError} if it is wrong. */
export function checkRecordErrorOptions(operator: string, options: RecordErrorOptions): void {
  const policy = options.onRecordError;
  if (policy !== undefined && policy !== 'fail' && policy !== 'deadLetter') {
    throw new ConfigurationError(
      `${operator}: onRecordError must be 'fail' or 'deadLetter', got '${String(policy)}'`,
    );
  }
}

/**
 * Why a record became a dead letter: a user function threw (`userFunction`), a line was not JSON
 * (`malformedJson`) or not UTF-8 (`invalidUtf8`), it was longer than `maxRecordBytes`
 * (`oversized`), its key was not in the lookup it was joined with (`missingKey`, from
 * `joinLookup` and `enrich` with `missing: 'deadLetter'`), or it did not fit the columns of a
 * SQL table (`schemaMismatch`, from `sql`: the error says which column and why).
 */
export type DeadLetterReason =
  'userFunction' | 'malformedJson' | 'invalidUtf8' | 'oversized' | 'missingKey' | 'schemaMismatch';

/** Where a dead letter's record came from. */
export interface DeadLetterOrigin {
  /**
   * The name of the input stream the record came from; the names of every input in the
   * operator's lineage, joined with `, `, when it may have come from several (after a union or
   * a join).
   */
  readonly input: string;
  /**
   * The source, where known: `socket 127.0.0.1:9999`, a file and line (`/data/in/a.json:12`)
   * for a line a source rejected, `directory /data/in` for a record of a file stream that a user
   * function rejected. Absent for a record from several inputs or an input without a source
   * (a queue stream).
   */
  readonly detail?: string;
}

/**
 * A record that was rejected, with why, by whom, in which batch, and from where.
 *
 * @example
 * parsed.deadLetters().foreachBatch((letters) => {
 *   for (const l of letters) console.warn(`${l.operator} at ${l.batchTime}: ${l.error.message}`, l.origin);
 * });
 */
export interface DeadLetter<R = unknown> {
  /**
   * The record as the operator got it. For a source: the line's text for `malformedJson`, its
   * bytes (a `Buffer`) for `invalidUtf8`, its first bytes only (at most 1 KiB) for `oversized`.
   * For `transform` and `mapBatch`: the whole input batch (an array), as the function got it.
   */
  readonly record: R;
  /** What went wrong: the thrown error (a thrown non-Error is wrapped, with it as `cause`). */
  readonly error: Error;
  /** Why the record was rejected (see {@link DeadLetterReason}). */
  readonly reason: DeadLetterReason;
  /** The operator that rejected the record (the input stream's name for a source). */
  readonly operator: string;
  /** The batch the record belonged to. */
  readonly batchTime: number;
  /** The input stream, and the source where known, that the record came from. */
  readonly origin: DeadLetterOrigin;
}

/**
 * A record a receiver could not decode, stored in place of the record: the input stream turns it
 * into a dead letter of the batch it lands in. For connector authors: a receiver that stores
 * these must set `storesRejectedRecords = true` (see {@link RejectingReceiver}).
 *
 * @example
 * try { records.push(JSON.parse(text)); }
 * catch (e) { records.push(new RejectedRecord(text, 'malformedJson', new KindlingError(`malformed JSON: ${e}`))); }
 * await this.store(records);
 */
export class RejectedRecord {
  /** Marks a rejected record also once it lost its class (written to the write-ahead log and read back). */
  readonly kindlingRejectedRecord = true;

  /**
   * @param record what was rejected (text, or the raw bytes).
   * @param reason why.
   * @param error the error that says why, for people.
   * @param detail where in the source, if more precise than the receiver's name (a line number).
   */
  constructor(
    readonly record: unknown,
    readonly reason: DeadLetterReason,
    readonly error: Error,
    readonly detail?: string,
  ) {}
}

/** True when `item` is a {@link RejectedRecord}, or one read back from the write-ahead log as a plain object. */
export function isRejectedRecord(item: unknown): item is RejectedRecord {
  if (item instanceof RejectedRecord) return true;
  return (
    typeof item === 'object' &&
    item !== null &&
    (item as Partial<RejectedRecord>).kindlingRejectedRecord === true &&
    (item as Partial<RejectedRecord>).error instanceof Error
  );
}

/** A receiver that may store {@link RejectedRecord}s among its records. */
export interface RejectingReceiver {
  /** Declares that `store` may be given {@link RejectedRecord}s: the input turns them into dead letters. */
  readonly storesRejectedRecords: true;
}

/** True when `receiver` declares it stores {@link RejectedRecord}s. */
export function isRejectingReceiver(receiver: object): receiver is RejectingReceiver {
  return (receiver as Partial<RejectingReceiver>).storesRejectedRecords === true;
}

/** The thrown value as an Error: itself, or an Error saying what it was, with it as `cause`. */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new KindlingError(`a non-Error value was thrown: ${String(thrown)}`, { cause: thrown });
}

/** The dead letters one operator wrote for one batch time. */
export interface DeadLetterGroup {
  readonly batchTime: number;
  readonly letters: readonly DeadLetter[];
  /** Set once `batchCompleted.deadLetters` has counted the group. */
  counted: boolean;
}

/**
 * One operator's dead letters, by batch time. The first write for a batch time wins: a fused
 * narrow chain that runs twice for the same batch (two readers) writes its dead letters once.
 */
export class DeadLetterLog {
  private readonly groups = new Map<number, DeadLetterGroup>();
  /** How long groups are kept after their batch time, ms; set at start by the graph. */
  keep = 0;

  /** Records `letters` as this operator's dead letters of `batchTime`, unless some already are. */
  write(batchTime: number, letters: readonly DeadLetter[]): void {
    if (this.groups.has(batchTime)) return;
    this.groups.set(batchTime, { batchTime, letters, counted: letters.length === 0 });
  }

  /** True once dead letters (maybe none) have been written for `batchTime`. */
  has(batchTime: number): boolean {
    return this.groups.has(batchTime);
  }

  /** The groups written so far, oldest batch time first. */
  list(): DeadLetterGroup[] {
    return [...this.groups.values()].sort((a, b) => a.batchTime - b.batchTime);
  }

  /** Forgets the groups of batch times at or before `time - keep`. */
  clear(time: number): void {
    for (const t of this.groups.keys()) if (t <= time - this.keep) this.groups.delete(t);
  }
}
