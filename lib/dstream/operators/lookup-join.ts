/**
 * joinLookup and enrich: each record of a batch joined with its value in a static table (a
 * {@link Lookup}). Per batch the lookup is refreshed first (a new version is swapped in between
 * batches, never in the middle of one), then asked once for the batch's distinct keys, in chunks,
 * a bounded number at a time, each with a timeout and retried with back-off (Flink's Async I/O
 * capacity and timeout). Results keep the batch's order.
 */
import { ConfigurationError, KindlingError } from '../../errors.js';
import type { BackoffPolicy } from '../../retry.js';
import type { Clock, Lookup } from '../../types.js';
import {
  DeadLetterLog,
  asError,
  checkRecordErrorOptions,
  type DeadLetter,
  type RecordErrorOptions,
} from '../dead-letters/dead-letter-log.js';
import { lineageOrigin } from '../dead-letters/dead-letters.js';
import { LookupRequests } from './lookup-requests.js';
import { Node } from '../node.js';

/**
 * What happens to a record whose key the lookup does not hold (or whose key is `undefined` or
 * `null`): `'keep'` it with the value `undefined`, `'drop'` it, or send it to the dead letters
 * (`'deadLetter'`, reason `missingKey`; see `DStream.deadLetters()`).
 */
export type MissingKeyPolicy = 'drop' | 'keep' | 'deadLetter';

/** Options of `joinLookup` and `enrich`. */
export interface LookupJoinOptions extends RecordErrorOptions {
  /** What to do with a record whose key is absent. Default `'keep'`. */
  readonly missing?: MissingKeyPolicy;
  /** How many `getAll` requests (chunks) may be under way at once. Default 4. */
  readonly concurrency?: number;
  /** How long one `getAll` request may take, ms, on the context's clock. Default 10 000. */
  readonly timeoutMs?: number;
  /** How many distinct keys one `getAll` request asks for. Default 1000. */
  readonly chunkSize?: number;
  /**
   * How retriable failures (timeouts, lost connections) are retried, on the context's clock.
   * Default: 3 attempts in all, from 100 ms, doubling, at most 5 s apart.
   */
  readonly backoff?: BackoffPolicy;
}

/** How a record and its value (`undefined` when missing and kept) become one output record. */
export type LookupEmitter<T, V, U> = (record: T, value: V | undefined) => U;

const POLICIES: readonly MissingKeyPolicy[] = ['drop', 'keep', 'deadLetter'];

/** Checks `options` of `operator`; throws a {@link ConfigurationError} naming what is wrong. */
export function checkLookupJoinOptions(operator: string, options: LookupJoinOptions): void {
  checkRecordErrorOptions(operator, options);
  const { missing, concurrency, timeoutMs, chunkSize } = options;
  if (missing !== undefined && !POLICIES.includes(missing)) {
    throw new ConfigurationError(
      `${operator}: missing must be 'drop', 'keep' or 'deadLetter', got '${String(missing)}'`,
    );
  }
  for (const [name, value] of [
    ['concurrency', concurrency],
    ['chunkSize', chunkSize],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new ConfigurationError(`${operator}: ${name} must be a whole number >= 1, got ${value}`);
    }
  }
  if (timeoutMs !== undefined && !(timeoutMs > 0)) {
    throw new ConfigurationError(`${operator}: timeoutMs must be > 0 ms, got ${timeoutMs}`);
  }
}

/** Marks a record whose `keyOf` threw and went to the dead letters. */
const skipped: unique symbol = Symbol('skipped');

/** The node of `joinLookup` (`kind`) and `enrich`: records joined with their lookup values. */
export class LookupJoinNode<T, K, V, U> extends Node<U> {
  private readonly missing: MissingKeyPolicy;
  private readonly requests: LookupRequests<K, V>;

  constructor(
    parent: Node<T>,
    kind: string,
    private readonly lookup: Lookup<K, V>,
    private readonly keyOf: (record: T) => K | undefined | null,
    private readonly emit: LookupEmitter<T, V, U>,
    private readonly options: LookupJoinOptions,
    clock: Clock,
  ) {
    checkLookupJoinOptions(kind, options);
    super(parent.scope, kind, [parent as Node<unknown>]);
    this.missing = options.missing ?? 'keep';
    this.requests = new LookupRequests(lookup, options, clock);
    if (this.missing === 'deadLetter' || options.onRecordError === 'deadLetter') {
      this.deadLetterLog = new DeadLetterLog();
    }
  }

  protected async compute(time: number): Promise<U[]> {
    const parent = this.dependencies[0] as Node<T>;
    const records = (await parent.getOrCompute(time)) ?? [];
    await this.requests.refresh(time);
    const letters: DeadLetter[] = [];
    const keys = this.keysOf(records, time, letters);
    const distinct = new Set(keys);
    distinct.delete(undefined);
    distinct.delete(skipped as K);
    const values = await this.requests.fetch([...distinct] as K[], time);
    const out: U[] = [];
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as T;
      const key = keys[i];
      if (key === skipped) continue;
      const found = key !== undefined && values.has(key);
      if (!found) {
        if (this.missing === 'drop') continue;
        if (this.missing === 'deadLetter') {
          const error = new KindlingError(
            `lookup '${this.lookup.name}' has no value for key ${String(key)}; ` +
              `use missing: 'keep' to keep such records`,
          );
          letters.push(this.letter(record, error, 'missingKey', time));
          continue;
        }
      }
      try {
        out.push(this.emit(record, found ? values.get(key) : undefined));
      } catch (error) {
        if (this.options.onRecordError !== 'deadLetter') throw error;
        letters.push(this.letter(record, asError(error), 'userFunction', time));
      }
    }
    this.deadLetterLog?.write(time, letters);
    return out;
  }

  /** Each record's key: `undefined` for no key, {@link skipped} for a record whose `keyOf` threw. */
  private keysOf(records: readonly T[], time: number, letters: DeadLetter[]): (K | undefined)[] {
    const keys = new Array<K | undefined>(records.length);
    for (let i = 0; i < records.length; i++) {
      try {
        keys[i] = this.keyOf(records[i] as T) ?? undefined;
      } catch (error) {
        if (this.options.onRecordError !== 'deadLetter') throw error;
        letters.push(this.letter(records[i], asError(error), 'userFunction', time));
        keys[i] = skipped as K;
      }
    }
    return keys;
  }

  private letter(record: unknown, error: Error, reason: DeadLetter['reason'], time: number): DeadLetter {
    const origin = lineageOrigin(this.dependencies[0] as Node<unknown>);
    return { record, error, reason, operator: this.name, batchTime: time, origin };
  }
}
