/**
 * The figures of one state run, and how the benchmark checks a run against its reference: the
 * plain loop's outputs under the same timeout semantics.
 */
import { median, percentile } from '../result.js';
import { isCheckpointTime, type StateMeasured, type StateRunSpec } from './workload.js';

/** One figure of a run; `ratio`: compared with the plain loop's same figure. */
export interface RunFigure {
  readonly metric: string;
  readonly value: number;
  readonly ratio: boolean;
}

/**
 * The figures of `measured`: per-batch processing time (median, p99) over the measured batches
 * (the first `skip` and the last, which also reads the final state, left out), the checkpoint
 * batches' median, the checkpoints' encode and write times and sizes, the peak heap, the heap
 * held after the run beyond `heapBeforeBytes` per key, and with a timeout the keys left at the end.
 */
export function runFigures(
  measured: StateMeasured,
  spec: StateRunSpec,
  skip: number,
  heapBeforeBytes?: number,
): RunFigure[] {
  const figures: RunFigure[] = [];
  const add = (metric: string, value: number, ratio = true): void => {
    figures.push({ metric, value, ratio });
  };
  const times = measured.processingMs.slice(skip, spec.batches - 1);
  if (times.length > 0) {
    add('median ms per batch', median(times));
    add('p99 ms per batch', percentile(times, 99));
  }
  const checkpointBatches = times.filter((_, i) =>
    isCheckpointTime((skip + i + 1) * spec.intervalMs, spec.checkpointMs),
  );
  if (checkpointBatches.length > 0) add('median ms per checkpoint batch', median(checkpointBatches));
  const written = measured.checkpoints;
  const timed = written.filter((c) => c.encodeMs !== undefined && c.writeMs !== undefined);
  if (timed.length > 0) {
    add(
      'checkpoint encode + write ms (median)',
      median(timed.map((c) => (c.encodeMs ?? 0) + (c.writeMs ?? 0))),
    );
    add('checkpoint encode ms (median)', median(timed.map((c) => c.encodeMs ?? 0)));
  }
  const stalls = written.flatMap((c) => (c.stallMs === undefined ? [] : [c.stallMs]));
  if (stalls.length > 0) {
    // What a next batch due at the checkpoint would wait for, at most.
    add('checkpoint stall ms (median)', median(stalls));
    add('checkpoint stall ms (max)', Math.max(...stalls));
  }
  if (written.length > 0) add('checkpoint bytes (median)', median(written.map((c) => c.bytes)));
  const incremental = written.filter((c) => c.incremental === true);
  if (incremental.length > 0) {
    add('incremental checkpoints (of all written)', incremental.length / written.length, false);
    add('incremental checkpoint bytes (median)', median(incremental.map((c) => c.bytes)));
  }
  if (measured.peakHeapBytes !== undefined) add('peak heap MB', measured.peakHeapBytes / 2 ** 20);
  if (measured.retainedHeapBytes !== undefined && heapBeforeBytes !== undefined) {
    // What the run holds once garbage is collected, beyond the initial pairs: mostly the state.
    add('state bytes per key (retained heap)', (measured.retainedHeapBytes - heapBeforeBytes) / spec.keys);
  }
  if (spec.timeoutMs !== undefined) {
    add('keys at the end', Number(measured.finalDigest.split(':')[0]), false);
  }
  return figures;
}

/**
 * Why `measured` disagrees with `reference` (the first differing batch output, or the final
 * state), or undefined when it agrees. Batch outputs are compared where `measured` has them.
 */
export function disagreement(measured: StateMeasured, reference: StateMeasured): string | undefined {
  if (measured.emitted.length > 0) {
    if (measured.emitted.length !== reference.emitted.length)
      return `${measured.emitted.length} batches, expected ${reference.emitted.length}`;
    for (let n = 0; n < measured.emitted.length; n++) {
      if (measured.emitted[n] !== reference.emitted[n])
        return `batch ${n + 1} mapped records:sum ${measured.emitted[n]}, expected ${reference.emitted[n]}`;
    }
  }
  if (measured.finalDigest !== reference.finalDigest)
    return `final state pairs:sum:hash ${measured.finalDigest}, expected ${reference.finalDigest}`;
  return undefined;
}
