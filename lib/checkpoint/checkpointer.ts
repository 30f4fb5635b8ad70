/**
 * Writes a context's checkpoints: after every batch whose time is a multiple of the checkpoint
 * interval, it takes a snapshot of the graph (synchronously, so it is consistent), encodes it in
 * slices while later batches run (`slices.ts`), and writes it through the store in the
 * background, one write at a time. What it does is
 * reported on the event stream; a failed write is logged and reported, and the job goes on.
 *
 * With a store that is `incremental`, each checkpoint builds on the one before it in this run
 * (keyed state then saves only what changed since); after a failure the next one is whole, and
 * one that builds on a checkpoint whose write failed is not written (it would be unusable).
 */
import type { Subject } from 'rxjs';
import { KindlingError, describe } from '../errors.js';
import type { DStreamGraph } from '../graph.js';
import type { Logger } from '../logger.js';
import type { CheckpointStore, Clock, StreamingEvent } from '../types.js';
import type { DeferredEncoding } from '../dstream/node.js';
import { takeCheckpoint, type CheckpointData } from './checkpoint.js';
import { encodeCheckpointData, encodeInSlices } from './slices.js';

/** Takes and writes one context's checkpoints; see the file summary. */
export class Checkpointer {
  private writes: Promise<void> = Promise.resolve();
  private lastTaken: number | undefined;
  private zeroTime = 0;
  /**
   * Called after each checkpoint is durable, with the time of the oldest checkpoint the store
   * still keeps: what only older ones needed (write-ahead log segments) can go.
   */
  onRetired: (time: number) => Promise<void> = async () => undefined;
  /** The checkpoints written in this run, oldest first, with their bases (as far as retention keeps them). */
  private readonly written: { readonly time: number; readonly base: number | undefined }[] = [];
  /** The checkpoint the next one may build on: the last taken, unless it failed. */
  private base: number | undefined;
  /** Times of checkpoints that could not be taken or written, in this run. */
  private readonly failed = new Set<number>();

  constructor(
    readonly store: CheckpointStore,
    private readonly graph: DStreamGraph,
    private readonly clock: Clock,
    private readonly events: Subject<StreamingEvent>,
    private readonly logger: Logger,
    /** How often to checkpoint, ms: a multiple of the batch interval. */
    readonly interval: number,
  ) {
    this.step = interval;
    this.alignment = graph.batchInterval;
  }

  /** Checkpoints are taken every `step` ms: the interval, or more where the graph needs it. */
  private step: number;
  /** The graph's checkpoint alignment (see `DStreamGraph.checkpointAlignment`), set at start. */
  private alignment: number;

  /** Sets the time checkpoint times are counted from, and checkpoints to graph's alignment. */
  start(zeroTime: number): void {
    this.zeroTime = zeroTime;
    const alignment = this.graph.checkpointAlignment();
    let step = this.interval;
    while (step % alignment !== 0) step += this.interval;
    this.step = step;
    this.alignment = alignment;
    if (step !== this.interval) {
      this.logger.info(
        `checkpoints every ${step} ms instead of every ${this.interval} ms: an output over state has a ` +
          `slide of which that is a multiple, and a checkpoint between its batches would miss state`,
      );
    }
  }

  /** Takes a checkpoint if `time` is a checkpoint time; call once the batch has completed. */
  afterBatch(time: number): void {
    if (this.isCheckpointTime(time)) this.take(time);
  }

  private isCheckpointTime(time: number): boolean {
    return (time - this.zeroTime) % this.step === 0;
  }

  /**
   * Writes the checkpoint of a job's start (`zeroTime`: no batch yet, every source's starting
   * position) and resolves once it is durable; rejects if it cannot be written. A job that
   * crashes before its first batch's checkpoint resumes from it: its sources start where they
   * did, and the batches of its batch log run again.
   */
  async writeStart(zeroTime: number): Promise<void> {
    this.lastTaken = zeroTime;
    const start = performance.now();
    const bytes = encodeCheckpointData(takeCheckpoint(this.graph, zeroTime, zeroTime));
    const snapshotMs = performance.now() - start;
    await this.store.write(zeroTime, bytes);
    this.events.next({
      type: 'checkpointWritten',
      batchTime: zeroTime,
      bytes: bytes.byteLength,
      snapshotMs,
      longestSliceMs: 0,
    });
    this.base = zeroTime;
    await this.retire(zeroTime, undefined);
  }

  /**
   * Notes the checkpoint of `time` as written and tells `onRetired` the oldest one kept: the
   * oldest of the newest `keep`, or of the checkpoints they build on.
   */
  private async retire(time: number, base: number | undefined): Promise<void> {
    this.written.push({ time, base });
    const keep = Math.max(1, this.store.keep ?? 1);
    // Until this run has written `keep` checkpoints, older runs' checkpoints are among those kept.
    if (this.written.length < keep) return;
    let oldest = this.written.length - keep;
    for (let i = this.written.length - 1; i >= oldest; i--) {
      const on = this.written[i]?.base;
      if (on === undefined) continue;
      const at = this.written.findIndex((w) => w.time === on);
      if (at >= 0 && at < oldest) oldest = at;
    }
    this.written.splice(0, oldest);
    await this.onRetired((this.written[0] as { time: number }).time);
  }

  /**
   * Checkpoints the last completed batch if it has not been and it is at the graph's alignment
   * (else a restart resumes from the checkpoint before), and waits for every write.
   */
  async flush(lastCompleted: number | undefined): Promise<void> {
    if (lastCompleted === undefined || lastCompleted === this.lastTaken) return this.writes;
    if ((lastCompleted - this.zeroTime) % this.alignment === 0) this.take(lastCompleted);
    await this.writes;
  }

  private take(time: number): void {
    this.lastTaken = time;
    const on = this.store.incremental === true && !this.failed.has(this.base ?? -1) ? this.base : undefined;
    this.base = time;
    const deferred: DeferredEncoding[] = [];
    const start = performance.now();
    let data: CheckpointData;
    try {
      data = takeCheckpoint(this.graph, time, this.zeroTime, on, deferred);
    } catch (error) {
      this.fail(time, error);
      return;
    }
    const snapshotMs = performance.now() - start;
    const base = data.base;
    // Encoded from now on, in slices between later batches; written after the writes before it.
    const encoding = encodeInSlices(data, deferred);
    encoding.catch(() => undefined); // a failure is reported by the write below
    const write = this.writes.then(async () => {
      try {
        const { bytes, longestSliceMs } = await encoding;
        if (base !== undefined && this.failed.has(base)) {
          throw new KindlingError(
            `it holds only the changes since the checkpoint of time ${base}, whose write failed`,
          );
        }
        await this.store.write(time, bytes, base);
        this.events.next({
          type: 'checkpointWritten',
          batchTime: time,
          bytes: bytes.byteLength,
          snapshotMs,
          longestSliceMs,
        });
        await this.retire(time, base);
      } catch (error) {
        this.fail(time, error);
      }
    });
    this.writes = write;
    this.clock.track(write);
  }

  private fail(time: number, error: unknown): void {
    this.failed.add(time);
    const failure = new KindlingError(
      `could not write the checkpoint of time ${time} to ${this.store.description}: ${describe(error)}; ` +
        'the job goes on, and a restart would resume from an older checkpoint',
      { cause: error, retriable: true },
    );
    this.logger.error(failure.message);
    this.events.next({ type: 'checkpointFailed', batchTime: time, error: failure });
  }
}
