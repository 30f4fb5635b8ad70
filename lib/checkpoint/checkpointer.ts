/**
 * Writes a context's checkpoints: after every batch whose time is a multiple of the checkpoint
 * interval, it takes a snapshot of the graph (synchronously, so it is consistent), encodes it,
 * and writes it through the store in the background, one write at a time. What it does is
 * reported on the event stream; a failed write is logged and reported, and the job goes on.
 */
import type { Subject } from 'rxjs';
import { KindlingError, describe } from '../errors.js';
import type { DStreamGraph } from '../graph.js';
import type { Logger } from '../logger.js';
import type { CheckpointStore, Clock, StreamingEvent } from '../types.js';
import { takeCheckpoint } from './checkpoint.js';
import { encodeCheckpoint } from './codec.js';

/** Takes and writes one context's checkpoints; see the file summary. */
export class Checkpointer {
  private writes: Promise<void> = Promise.resolve();
  private lastTaken: number | undefined;
  private zeroTime = 0;
  /** Called after each checkpoint is durable, with its batch time (to clean write-ahead logs). */
  onWritten: (time: number) => Promise<void> = async () => undefined;

  constructor(
    readonly store: CheckpointStore,
    private readonly graph: DStreamGraph,
    private readonly clock: Clock,
    private readonly events: Subject<StreamingEvent>,
    private readonly logger: Logger,
    /** How often to checkpoint, ms: a multiple of the batch interval. */
    readonly interval: number,
  ) {}

  /** Sets the time checkpoint times are counted from. */
  start(zeroTime: number): void {
    this.zeroTime = zeroTime;
  }

  /** Takes a checkpoint if `time` is a checkpoint time; call once the batch has completed. */
  afterBatch(time: number): void {
    if ((time - this.zeroTime) % this.interval === 0) this.take(time);
  }

  /** Checkpoints the last completed batch if it has not been, and waits for every write. */
  async flush(lastCompleted: number | undefined): Promise<void> {
    if (lastCompleted !== undefined && lastCompleted !== this.lastTaken) this.take(lastCompleted);
    await this.writes;
  }

  private take(time: number): void {
    this.lastTaken = time;
    let bytes: Uint8Array;
    try {
      bytes = encodeCheckpoint(takeCheckpoint(this.graph, time, this.zeroTime));
    } catch (error) {
      this.fail(time, error);
      return;
    }
    const write = this.writes.then(async () => {
      try {
        await this.store.write(time, bytes);
        this.events.next({ type: 'checkpointWritten', batchTime: time, bytes: bytes.byteLength });
        await this.onWritten(time);
      } catch (error) {
        this.fail(time, error);
      }
    });
    this.writes = write;
    this.clock.track(write);
  }

  private fail(time: number, error: unknown): void {
    const failure = new KindlingError(
      `could not write the checkpoint of time ${time} to ${this.store.description}: ${describe(error)}; ` +
        'the job goes on, and a restart would resume from an older checkpoint',
      { cause: error, retriable: true },
    );
    this.logger.error(failure.message);
    this.events.next({ type: 'checkpointFailed', batchTime: time, error: failure });
  }
}
