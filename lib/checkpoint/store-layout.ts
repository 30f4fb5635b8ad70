/**
 * What every checkpoint store shares, whatever it writes to (a directory, S3, HDFS): how it names
 * a checkpoint and a batch's plans, and what it deletes after writing a checkpoint.
 */
import { KindlingError } from '../errors.js';

/** What a checkpoint store keeps under a batch time: a checkpoint, or one batch's plans. */
export type StoredKind = 'checkpoint' | 'plans';

/** A checkpoint or a batch's plans, as a store lists it. */
export interface StoredFile {
  readonly name: string;
  readonly time: number;
}

/** Digits of a time in a stored name: enough for `Number.MAX_SAFE_INTEGER`, so names sort by time. */
const TIME_DIGITS = 16;
const STORED_NAME = /^(checkpoint|plans)-(\d{16})$/;

/**
 * The name under which a store keeps the `kind` of batch time `time`: `checkpoint-<time>` or
 * `plans-<time>`, the time in 16 digits, so that names sort by time.
 *
 * @throws KindlingError when `time` is not a whole number of ms, at least 0.
 * @example
 * storedName('checkpoint', 5000); // 'checkpoint-0000000000005000'
 */
export function storedName(kind: StoredKind, time: number): string {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new KindlingError(`${kind} time must be a whole number of ms, at least 0; got ${time}`);
  }
  return `${kind}-${String(time).padStart(TIME_DIGITS, '0')}`;
}

/**
 * The kind and batch time of a name made by {@link storedName}; undefined for any other name.
 *
 * @example
 * parseStoredName('plans-0000000000005000'); // { kind: 'plans', time: 5000 }
 */
export function parseStoredName(
  name: string,
): { readonly kind: StoredKind; readonly time: number } | undefined {
  const match = STORED_NAME.exec(name);
  return match ? { kind: match[1] as StoredKind, time: Number(match[2]) } : undefined;
}

/**
 * Sorts listed names into checkpoints and plans (other names are left out).
 *
 * @example
 * const { checkpoints, plans } = sortStored(names);
 */
export function sortStored(names: Iterable<string>): { checkpoints: StoredFile[]; plans: StoredFile[] } {
  const checkpoints: StoredFile[] = [];
  const plans: StoredFile[] = [];
  for (const name of names) {
    const stored = parseStoredName(name);
    if (stored) (stored.kind === 'checkpoint' ? checkpoints : plans).push({ name, time: stored.time });
  }
  return { checkpoints, plans };
}

/**
 * What a store deletes once it has written the checkpoint named `written`: all but the newest
 * `keep` checkpoints (never `written`, even when `keep` newer ones exist), and the plans no
 * newer than the oldest checkpoint kept (a restart from any kept checkpoint finds its plans).
 *
 * @example
 * for (const file of retired(checkpoints, plans, 3, name)) await remove(file.name);
 */
export function retired<F extends StoredFile>(
  checkpoints: readonly F[],
  plans: readonly F[],
  keep: number,
  written: string,
): F[] {
  const sorted = [...checkpoints].sort((a, b) => b.time - a.time);
  const old = sorted.slice(keep).filter((file) => file.name !== written);
  const oldestKept = Math.min(...sorted.filter((file) => !old.includes(file)).map((file) => file.time));
  return [...old, ...plans.filter((file) => file.time <= oldestKept)];
}
