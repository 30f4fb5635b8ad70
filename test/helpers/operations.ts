/**
 * Table-driven operator tests in the style of Spark's TestSuiteBase: queued input batches, an
 * operation, and the output batches collected on a ManualClock.
 */
import { ManualClock, StreamingContext, type DStream } from '../../lib/index.js';

export interface RunOptions {
  /** Batch interval, ms. Default 1000. */
  readonly batchInterval?: number;
  /** How many batch intervals to run. Default: as many as there are input batches. */
  readonly numBatches?: number;
}

/**
 * Runs `operation` over `input` (the n-th inner array is the n-th batch) and returns the first
 * `numBatches` output batches, one array per output time.
 */
export async function runOperation<T, U>(
  input: T[][],
  operation: (stream: DStream<T>) => DStream<U>,
  options: RunOptions = {},
): Promise<U[][]> {
  const batchInterval = options.batchInterval ?? 1000;
  const numBatches = options.numBatches ?? input.length;
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval, clock, name: 'operation-test' });
  const output: U[][] = [];
  operation(ssc.queueStream(input.map((b) => [...b]))).foreachBatch((records) => {
    output.push([...records]);
  });
  await ssc.start();
  await clock.advance(numBatches * batchInterval);
  await ssc.stop();
  await ssc.awaitTermination();
  return output.slice(0, numBatches);
}

/** Like {@link runOperation} for two inputs, as Spark's binary operation tests. */
export async function runBinaryOperation<A, B, U>(
  input1: A[][],
  input2: B[][],
  operation: (a: DStream<A>, b: DStream<B>) => DStream<U>,
  options: RunOptions = {},
): Promise<U[][]> {
  const batchInterval = options.batchInterval ?? 1000;
  const numBatches = options.numBatches ?? Math.max(input1.length, input2.length);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval, clock, name: 'operation-test' });
  const output: U[][] = [];
  const a = ssc.queueStream(input1.map((b) => [...b]));
  const b = ssc.queueStream(input2.map((x) => [...x]));
  operation(a, b).foreachBatch((records) => {
    output.push([...records]);
  });
  await ssc.start();
  await clock.advance(numBatches * batchInterval);
  await ssc.stop();
  await ssc.awaitTermination();
  return output.slice(0, numBatches);
}

/** Sorts each batch (by its JSON text) so batches compare as multisets, as Spark's `useSet`. */
export function sortedBatches<U>(batches: U[][]): U[][] {
  return batches.map((batch) => [...batch].sort((x, y) => cmp(JSON.stringify(x), JSON.stringify(y))));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
