/**
 * The plain loop of the state benchmark: the best hand-written JavaScript for the same updates,
 * no engine. The state is a `Map` from key to slot and the sums (and, with a timeout, the update
 * times) in flat typed arrays: one hash probe a record, no allocation but a new key's slot. Each
 * batch's records are drawn and applied in one loop (no array of records). With a timeout, keys
 * are listed in buckets by update time, so idle keys are found without a scan of the state. A
 * checkpoint is `v8.serialize` of the arrays, written to a temp file, fsynced and renamed over
 * the last one (atomic, durable; no checksum, no retention).
 */
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { DigestBuilder } from '../workload/digest.js';
import { seededRandom } from '../workload/lines.js';
import { collectGarbage, HeapPeak } from './heap.js';
import {
  SLICES,
  emittedDigest,
  isCheckpointTime,
  keyOf,
  sliceRecords,
  sliceSeed,
  type CheckpointFigures,
  type StateMeasured,
  type StateRunSpec,
} from './workload.js';

/** When idle keys are removed: every batch (Kindling), or on checkpoint batches only (Spark). */
export type Expiry = 'every batch' | 'checkpoint batches';

/** Options of a plain run. */
export interface PlainOptions {
  /** Where checkpoints go (with `spec.checkpointMs`); without it, a run writes none. */
  readonly checkpointDir?: string;
  /** When a timeout removes idle keys. Default: every batch, as Kindling does. */
  readonly expiry?: Expiry;
}

/** The state: key -> slot, and each slot's key, sum and update time. */
class SlotState {
  readonly slots = new Map<string, number>();
  keys: (string | undefined)[] = [];
  sums: Float64Array;
  times: Float64Array;
  private readonly free: number[] = [];
  /** Slots by the update time they were put with, oldest first (with a timeout only). */
  readonly buckets: { time: number; slots: number[] }[] = [];

  /** `timed`: keep update times and buckets (for a timeout). */
  constructor(
    initial: readonly (readonly [string, number])[],
    time: number,
    private readonly timed: boolean,
  ) {
    const n = initial.length;
    this.sums = new Float64Array(Math.max(16, n));
    this.times = new Float64Array(timed ? Math.max(16, n) : 0);
    for (let i = 0; i < n; i++) {
      const [key, value] = initial[i] as readonly [string, number];
      this.slots.set(key, i);
      this.keys.push(key);
      this.sums[i] = value;
    }
    if (timed) {
      this.times.fill(time, 0, n);
      this.buckets.push({ time, slots: Array.from({ length: n }, (_, i) => i) });
    }
  }

  /** A slot for a new key. */
  add(key: string): number {
    const slot = this.free.pop() ?? this.keys.length;
    if (slot === this.keys.length) {
      this.keys.push(key);
      if (slot >= this.sums.length) this.grow();
    } else {
      this.keys[slot] = key;
    }
    this.slots.set(key, slot);
    return slot;
  }

  /** Removes every key last updated before `threshold`. */
  expire(threshold: number): void {
    while (this.buckets.length > 0 && (this.buckets[0] as { time: number }).time < threshold) {
      const bucket = this.buckets.shift() as { time: number; slots: number[] };
      for (const slot of bucket.slots) {
        const key = this.keys[slot];
        if (key === undefined || this.times[slot] !== bucket.time) continue;
        this.slots.delete(key);
        this.keys[slot] = undefined;
        this.free.push(slot);
      }
    }
  }

  private grow(): void {
    const sums = new Float64Array(this.sums.length * 2);
    sums.set(this.sums);
    this.sums = sums;
    if (!this.timed) return;
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
  }
}

/** Writes `state` durably: v8.serialize, temp file, fsync, rename, directory fsync. */
async function checkpoint(state: SlotState, time: number, dir: string): Promise<CheckpointFigures> {
  const start = process.hrtime.bigint();
  const used = state.keys.length;
  const bytes = serialize({
    time,
    keys: state.keys,
    sums: state.sums.subarray(0, used),
    ...(state.times.length > 0 ? { times: state.times.subarray(0, used) } : {}),
  });
  const encoded = process.hrtime.bigint();
  const file = join(dir, 'state');
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
  const written = process.hrtime.bigint();
  return {
    encodeMs: Number(encoded - start) / 1e6,
    stallMs: Number(encoded - start) / 1e6,
    writeMs: Number(written - encoded) / 1e6,
    bytes: bytes.length,
  };
}

/**
 * Runs `spec` in the plain loop from `initial` (the K keys' initial sums).
 *
 * @example
 * const measured = await plainRun({ keys: 1000, recordsPerBatch: 500, batches: 5, intervalMs: 1000 }, initialPairs(1000));
 */
export async function plainRun(
  spec: StateRunSpec,
  initial: readonly (readonly [string, number])[],
  options: PlainOptions = {},
): Promise<StateMeasured> {
  collectGarbage();
  const peak = new HeapPeak();
  const interval = spec.intervalMs;
  const timeout = spec.timeoutMs;
  const state = new SlotState(initial, interval, timeout !== undefined);
  const expireEveryBatch = (options.expiry ?? 'every batch') === 'every batch';
  const dir = spec.checkpointMs === undefined ? undefined : options.checkpointDir;
  const processingMs: number[] = [];
  const emitted: string[] = [];
  const checkpoints: CheckpointFigures[] = [];
  for (let n = 0; n < spec.batches; n++) {
    const time = (n + 1) * interval;
    const start = process.hrtime.bigint();
    let records = 0;
    let total = 0;
    for (let s = 0; s < SLICES; s++) {
      const next = seededRandom(sliceSeed(n, s));
      const count = sliceRecords(spec.recordsPerBatch, s);
      for (let i = 0; i < count; i++) {
        const key = keyOf((next() * 4294967296) % spec.keys);
        let slot = state.slots.get(key);
        let sum: number;
        if (slot === undefined) {
          slot = state.add(key);
          sum = 1;
          state.sums[slot] = sum;
        } else {
          sum = state.sums[slot] = (state.sums[slot] as number) + 1;
        }
        if (timeout !== undefined && state.times[slot] !== time) {
          state.times[slot] = time;
          const last = state.buckets.at(-1);
          if (last?.time === time) last.slots.push(slot);
          else state.buckets.push({ time, slots: [slot] });
        }
        records++;
        total += sum;
      }
    }
    const checkpointBatch = isCheckpointTime(time, spec.checkpointMs);
    if (timeout !== undefined && (expireEveryBatch || checkpointBatch)) state.expire(time - timeout);
    if (dir !== undefined && checkpointBatch) checkpoints.push(await checkpoint(state, time, dir));
    processingMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    emitted.push(emittedDigest(records, total));
    peak.sample();
  }
  const peakHeapBytes = peak.stop();
  const retainedHeapBytes = collectGarbage();
  const digest = new DigestBuilder();
  for (const [key, slot] of state.slots) digest.add(key, state.sums[slot] as number);
  return {
    processingMs,
    emitted,
    finalDigest: digest.toString(),
    peakHeapBytes,
    retainedHeapBytes,
    checkpoints,
  };
}
