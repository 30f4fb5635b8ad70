/**
 * What every checkpoint store shares, whatever it writes to (a directory, S3, HDFS): how it names
 * a checkpoint and a batch's plans, and what it deletes after writing a checkpoint. An
 * incremental checkpoint (one that holds only what changed since an earlier checkpoint, its
 * base) says so in its name, so that retention keeps its base without reading it.
 */
import { KindlingError } from '../errors.js';

/** What a checkpoint store keeps under a batch time: a checkpoint, or one batch's plans. */
export type StoredKind = 'checkpoint' | 'plans';

/** A checkpoint or a batch's plans, as a store lists it. */
export interface StoredFile {
  /** Its name in the store, as {@link storedName} made it (a file name; an object key after the prefix). */
  readonly name: string;
  /** The batch time it was written for, ms. */
  readonly time: number;
  /** For an incremental checkpoint, the time of the checkpoint it builds on. */
  readonly base?: number;
}

/** Digits of a time in a stored name: enough for `Number.MAX_SAFE_INTEGER`, so names sort by time. */
const TIME_DIGITS = 16;
const STORED_NAME = /^(checkpoint|plans)-(\d{16})(?:-on-(\d{16}))?$/;

/**
 * The name under which a store keeps the `kind` of batch time `time`: `checkpoint-<time>` or
 * `plans-<time>`, the time in 16 digits, so that names sort by time. An incremental checkpoint
 * on the checkpoint of time `base` is `checkpoint-<time>-on-<base>`.
 *
 * @throws KindlingError when a time is not a whole number of ms, at least 0, or a base is not
 * older than its checkpoint.
 * @example
 * storedName('checkpoint', 5000); // 'checkpoint-0000000000005000'
 * storedName('checkpoint', 9000, 5000); // 'checkpoint-0000000000009000-on-0000000000005000'
 */
export function storedName(kind: StoredKind, time: number, base?: number): string {
  const name = `${kind}-${digits(kind, time)}`;
  if (base === undefined) return name;
  if (kind !== 'checkpoint' || !(base < time)) {
    throw new KindlingError(
      `only a checkpoint has a base, older than itself; got ${kind} ${time} on ${base}`,
    );
  }
  return `${name}-on-${digits(kind, base)}`;
}

function digits(kind: StoredKind, time: number): string {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new KindlingError(`${kind} time must be a whole number of ms, at least 0; got ${time}`);
  }
  return String(time).padStart(TIME_DIGITS, '0');
}

/**
 * The kind, batch time and base of a name made by {@link storedName}; undefined for any other name.
 *
 * @example
 * parseStoredName('plans-0000000000005000'); // { kind: 'plans', time: 5000 }
 */
export function parseStoredName(name: string):
  | {
      /** Whether the name is a checkpoint's or a batch's plans'. */
      readonly kind: StoredKind;
      /** The batch time in the name, ms. */
      readonly time: number;
      /** For an incremental checkpoint, the time of the checkpoint it builds on, ms. */
      readonly base?: number;
    }
  | undefined {
  const match = STORED_NAME.exec(name);
  if (!match || (match[3] !== undefined && match[1] !== 'checkpoint')) return undefined;
  const kind = match[1] as StoredKind;
  const time = Number(match[2]);
  return match[3] === undefined ? { kind, time } : { kind, time, base: Number(match[3]) };
}

/**
 * Sorts listed names into checkpoints and plans (other names are left out).
 *
 * @example
 * const { checkpoints, plans } = sortStored(names);
 */
export function sortStored(names: Iterable<string>): {
  /** The checkpoints among `names`, in the order given. */
  checkpoints: StoredFile[];
  /** The batches' plans among `names`, in the order given. */
  plans: StoredFile[];
} {
  const checkpoints: StoredFile[] = [];
  const plans: StoredFile[] = [];
  for (const name of names) {
    const stored = parseStoredName(name);
    if (stored?.kind === 'plans') plans.push({ name, time: stored.time });
    else if (stored)
      checkpoints.push(
        stored.base === undefined
          ? { name, time: stored.time }
          : { name, time: stored.time, base: stored.base },
      );
  }
  return { checkpoints, plans };
}

/**
 * What a store deletes once it has written the checkpoint named `written`: all but the newest
 * `keep` checkpoints, except the ones a kept incremental checkpoint builds on (its base, the
 * base's base, ...) and `written` itself (even when `keep` newer ones exist); another checkpoint
 * of the same time as `written` (which it replaces); and the plans no newer than the oldest
 * checkpoint kept (a restart from any kept checkpoint finds its plans).
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
  const writtenTime = parseStoredName(written)?.time;
  const replaced = checkpoints.filter((file) => file.time === writtenTime && file.name !== written);
  const current = checkpoints.filter((file) => !replaced.includes(file));
  const byTime = new Map(current.map((file) => [file.time, file]));
  const sorted = [...current].sort((a, b) => b.time - a.time);
  const kept = new Set<F>();
  const keepWithBases = (file: F | undefined): void => {
    for (
      let f = file;
      f !== undefined && !kept.has(f);
      f = f.base === undefined ? undefined : byTime.get(f.base)
    )
      kept.add(f);
  };
  for (const file of sorted.slice(0, keep)) keepWithBases(file);
  keepWithBases(current.find((file) => file.name === written));
  const old = sorted.filter((file) => !kept.has(file));
  const oldestKept = Math.min(...[...kept].map((file) => file.time));
  return [...replaced, ...old, ...plans.filter((file) => file.time <= oldestKept)];
}
