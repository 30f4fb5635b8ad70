/**
 * Kindling's side of the state benchmark: a real `StreamingContext` per run on a `ManualClock`,
 * fed by `queueStream` with one record per slice of each batch, which `flatMap` turns into the
 * slice's records `[key, 1]` (so a batch's time includes drawing its records, as in the plain
 * loop and in Spark's tasks), into `mapWithState` (a `StateSpec.function` that adds the value
 * with `state.update` and returns the new sum, optionally with a timeout) or `updateStateByKey`,
 * both from an initial state of the K keys. With checkpointing, the context checkpoints every
 * `checkpointMs` into a temp directory through a store that times each write.
 *
 * The state after the last batch is read from the operator's batch of that time: for
 * `updateStateByKey` that batch is the state, read by the output in the last batch only; for
 * `mapWithState`, from its internal node once the last batch completed (`stateSnapshots()` would
 * copy every key into an array every batch, which an output on it computes eagerly).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DirectoryCheckpointStore,
  ManualClock,
  StateSpec,
  StreamingContext,
  type CheckpointStore,
  type State,
  type UpdateFunction,
} from '../../lib/index.js';
import { MapWithStateNode } from '../../lib/dstream/state/map-with-state.js';
import { DigestBuilder, digestPairs } from '../workload/digest.js';
import { collectGarbage, HeapPeak } from './heap.js';
import {
  SLICES,
  emittedDigest,
  sliceRecordsOf,
  type CheckpointFigures,
  type StateMeasured,
  type StateRunSpec,
} from './workload.js';

/** The Kindling operators the benchmark measures. */
export type StateOperator = 'mapWithState' | 'updateStateByKey';

/** A checkpoint store that notes when each checkpoint write starts and ends. */
class TimedStore implements CheckpointStore {
  /** Batch time -> when its checkpoint's write started and ended (hrtime, ns), its bytes, and whether it had a base. */
  readonly writes = new Map<number, { start: bigint; end: bigint; bytes: number; incremental: boolean }>();

  constructor(private readonly store: CheckpointStore) {}

  get description(): string {
    return this.store.description;
  }

  get keep(): number {
    return this.store.keep ?? 1;
  }

  get incremental(): boolean {
    return this.store.incremental === true;
  }

  async write(time: number, data: Uint8Array, base?: number): Promise<void> {
    const start = process.hrtime.bigint();
    await this.store.write(time, data, base);
    const end = process.hrtime.bigint();
    this.writes.set(time, { start, end, bytes: data.byteLength, incremental: base !== undefined });
  }

  readAll(): ReturnType<CheckpointStore['readAll']> {
    return this.store.readAll();
  }

  writePlans(time: number, data: Uint8Array): Promise<void> {
    return this.store.writePlans(time, data);
  }

  readPlans(): ReturnType<CheckpointStore['readPlans']> {
    return this.store.readPlans();
  }

  clear(): Promise<void> {
    return this.store.clear();
  }
}

/** The running sum of mapWithState: adds the value; a timed-out key's last call maps to nothing. */
function sumSpec(spec: StateRunSpec, initial: readonly (readonly [string, number])[]) {
  const sums = StateSpec.function((_key: string, one: number | undefined, state: State<number>) => {
    if (one === undefined) return undefined;
    const sum = (state.getOption() ?? 0) + one;
    state.update(sum);
    return sum;
  }).initialState(initial);
  return spec.timeoutMs === undefined ? sums : sums.timeout(spec.timeoutMs);
}

/** The running sum of updateStateByKey. */
const addValues: UpdateFunction<number, number, string> = (values, state) => {
  if (values.length === 0) return state;
  let sum = state ?? 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum;
};

/**
 * Runs `spec` on Kindling's `operator` from `initial` (the K keys' initial sums). Each batch's
 * figure is the wall time of `clock.advance(interval)`, which resolves once the batch's outputs
 * and any checkpoint it triggered are done.
 *
 * @example
 * const measured = await kindlingStateRun('mapWithState', spec, initialPairs(spec.keys));
 */
export async function kindlingStateRun(
  operator: StateOperator,
  spec: StateRunSpec,
  initial: readonly (readonly [string, number])[],
): Promise<StateMeasured> {
  collectGarbage();
  const peak = new HeapPeak();
  const dir =
    spec.checkpointMs === undefined ? undefined : await mkdtemp(join(tmpdir(), 'kindling-bench-state-'));
  const store = dir === undefined ? undefined : new TimedStore(new DirectoryCheckpointStore(dir));
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: spec.intervalMs,
    clock,
    name: `bench-state-${operator}`,
    ...(store ? { checkpointStore: store, checkpointInterval: spec.checkpointMs } : {}),
  });
  const queue = Array.from({ length: spec.batches }, (_, n) =>
    Array.from({ length: SLICES }, (_, slice) => n * SLICES + slice),
  );
  const records = ssc
    .queueStream(queue)
    .flatMap((id) => sliceRecordsOf(Math.floor(id / SLICES), id % SLICES, spec));
  const last = spec.batches * spec.intervalMs;
  const emitted = new Map<number, string>();
  let finalDigest: string | undefined;
  if (operator === 'mapWithState') {
    records.mapWithState(sumSpec(spec, initial)).foreachBatch((sums, time) => {
      let total = 0;
      for (let i = 0; i < sums.length; i++) total += sums[i] as number;
      emitted.set(time, emittedDigest(sums.length, total));
    });
  } else {
    records.updateStateByKey(addValues, { initialState: initial }).foreachBatch((pairs, time) => {
      if (time === last) finalDigest = digestPairs(pairs);
    });
  }
  const completedAt = new Map<number, bigint>();
  const stalls = new Map<number, number>();
  const failures: string[] = [];
  const subscription = ssc.events.subscribe((event) => {
    if (event.type === 'checkpointWritten')
      stalls.set(event.batchTime, event.snapshotMs + event.longestSliceMs);
    if (event.type === 'batchCompleted') {
      completedAt.set(event.batchTime, process.hrtime.bigint());
      if (event.error) failures.push(`batch ${event.batchTime}: ${event.error.message}`);
    }
  });
  const processingMs: number[] = [];
  let retainedHeapBytes: number;
  try {
    await ssc.start();
    for (let n = 0; n < spec.batches; n++) {
      const start = process.hrtime.bigint();
      await clock.advance(spec.intervalMs);
      processingMs.push(Number(process.hrtime.bigint() - start) / 1e6);
      peak.sample();
    }
    if (operator === 'mapWithState') finalDigest = await mapWithStateDigest(ssc, last);
    retainedHeapBytes = collectGarbage();
  } finally {
    subscription.unsubscribe();
    await ssc.stop();
    await ssc.awaitTermination();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
  const peakHeapBytes = peak.stop();
  if (failures.length > 0) throw new Error(`kindling ${operator}: ${failures.join('; ')}`);
  if (finalDigest === undefined) throw new Error(`kindling ${operator}: no state after batch ${last}`);
  const checkpoints: CheckpointFigures[] = [];
  for (const [time, { start, end, bytes, incremental }] of store?.writes ?? []) {
    // Taken at the batch's completion, then encoded in slices (between batches in real time).
    const completed = completedAt.get(time);
    if (completed === undefined) continue; // the checkpoint of the start, before any batch
    const stallMs = stalls.get(time);
    checkpoints.push({
      encodeMs: Number(start - completed) / 1e6,
      ...(stallMs === undefined ? {} : { stallMs }),
      writeMs: Number(end - start) / 1e6,
      bytes,
      incremental,
    });
  }
  return {
    processingMs,
    emitted:
      operator === 'mapWithState'
        ? Array.from({ length: spec.batches }, (_, n) => emitted.get((n + 1) * spec.intervalMs) ?? 'none')
        : [],
    finalDigest,
    peakHeapBytes,
    retainedHeapBytes,
    checkpoints,
  };
}

/** The digest of the state mapWithState holds after the batch at `time`, read from its node. */
async function mapWithStateDigest(ssc: StreamingContext, time: number): Promise<string> {
  const node = ssc.graph.allNodes().find((n) => n instanceof MapWithStateNode) as
    MapWithStateNode<string, number, number, number> | undefined;
  const batch = await node?.getOrCompute(time);
  const states = batch?.[0]?.states;
  if (states === undefined) throw new Error(`mapWithState holds no state of time ${time}`);
  const digest = new DigestBuilder();
  for (const [key, sum] of states.pairs()) digest.add(key, sum);
  return digest.toString();
}
