/**
 * Functions that parallel.test.ts runs on worker threads (a TypeScript module: that it loads in
 * the workers shows that tsx reaches them). Each is also run inline, for the same results.
 */
import { threadId } from 'node:worker_threads';

export function square(n: number): number {
  return n * n;
}

export function words(line: string): string[] {
  return line.split(' ').filter((w) => w.length > 0);
}

export function isEven(n: number): boolean {
  return n % 2 === 0;
}

/** mapPartitions: each record with its batch time (independent of how the batch is sliced). */
export function withTime(records: number[], batchTime: number): [number, number][] {
  return records.map((n) => [n, batchTime]);
}

/** mapPartitions: the size of the slice (depends on the slicing, by design). */
export function sliceSize(records: unknown[]): number[] {
  return [records.length];
}

/** The record and the thread that ran it (0 is the main thread). */
export function onThread(n: number): [number, number] {
  return [n, threadId];
}

/** A record of waitForMainThread: a shared flag, and the record that raises it on the main thread. */
export interface Released {
  readonly n: number;
  readonly released: Int32Array;
  readonly releasedBy: number;
}

/**
 * On a worker, waits (up to 10 s) until record `releasedBy` has run on the main thread; on the
 * main thread, raises the flag at that record. Gives the record and the thread it ran on.
 */
export function waitForMainThread(record: Released): [number, number] {
  if (threadId !== 0) Atomics.wait(record.released, 0, 0, 10_000);
  else if (record.n === record.releasedBy) {
    Atomics.store(record.released, 0, 1);
    Atomics.notify(record.released, 0);
  }
  return [record.n, threadId];
}

export class UnluckyError extends Error {
  override name = 'UnluckyError';
}

/** Squares, but throws on 13. */
export function unlucky(n: number): number {
  if (n === 13) throw new UnluckyError(`unlucky ${n}`);
  return n * n;
}

/** mapPartitions that throws when its slice holds 13. */
export function unluckySlice(records: number[]): number[] {
  if (records.includes(13)) throw new UnluckyError('a slice with 13');
  return records;
}

/** A result that cannot cross threads. */
export function unclonable(n: number): () => number {
  return () => n;
}

/** Not a function. */
export const notAFunction = 42;

/** The words of a line as `[word, 1]` pairs (reduceByKey input). */
export function wordPairs(line: string): [string, number][] {
  return words(line).map((w) => [w, 1]);
}

export function add(a: number, b: number): number {
  return a + b;
}

/** The residue mod 7: a number key. */
export function mod7(n: number): number {
  return n % 7;
}

/** A reduce function that throws once a sum passes 100. */
export function addUpTo100(a: number, b: number): number {
  if (a + b > 100) throw new RangeError(`sum ${a + b} passes 100`);
  return a + b;
}

/** A record of primitive fields, one of them sometimes undefined (crosses threads as columns). */
export interface Described {
  readonly n: number;
  readonly square: number;
  readonly parity: string;
  readonly half: number | undefined;
}

export function describeNumber(n: number): Described {
  return { n, square: n * n, parity: n % 2 === 0 ? 'even' : 'odd', half: n % 2 === 0 ? n / 2 : undefined };
}

/** A described number as a `[parity, square]` pair. */
export function parityPair(d: Described): [string, number] {
  return [d.parity, d.square];
}

/** One object, twice. */
export function twice(n: number): { n: number }[] {
  const record = { n };
  return [record, record];
}

/** Which kind of thread ran the record; on a worker it first spins 20 µs, so workers cost far more. */
export function threadKindSlowOnWorkers(): 'main' | 'worker' {
  if (threadId === 0) return 'main';
  const until = performance.now() + 0.02;
  while (performance.now() < until);
  return 'worker';
}
