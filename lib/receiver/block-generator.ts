/**
 * Buffers what a receiver stores and cuts it into blocks: one every block interval, and once more
 * at each batch time, so a batch holds everything stored before it. One emission of `blocks` is
 * one block, never one record.
 */
import { Subject, type Subscription } from 'rxjs';
import { StoppedError } from '../errors.js';
import type { Clock } from '../types.js';

/** A block: records stored between two cuts, in the order they were stored. */
export interface Block<T> {
  readonly streamId: number;
  /** Clock time at which the block was cut; every record in it was stored before this time. */
  readonly time: number;
  readonly records: T[];
}

/**
 * Cuts a receiver's records into blocks on the context's clock.
 *
 * Records stored at the very clock time of a cut stay for the next block: a block cut at time t
 * (and so a batch at time t) holds exactly what was stored before t. This keeps a batch's content
 * independent of whether its tick or a receiver woken at the same time runs first.
 */
export class BlockGenerator<T> {
  /** One emission per block cut. */
  readonly blocks = new Subject<Block<T>>();
  /** Records taken by `add` since start. */
  private total = 0;
  private waiters: {
    readonly total: number;
    readonly resolve: () => void;
    readonly reject: (e: Error) => void;
  }[] = [];
  /** Records stored before `latestTime`. */
  private buffer: T[] = [];
  /** Records stored at `latestTime`, the clock time of the last `add`. */
  private latest: T[] = [];
  private latestTime = -Infinity;
  private timer: Subscription | undefined;
  private stopped = false;

  constructor(
    private readonly streamId: number,
    private readonly clock: Clock,
    private readonly blockInterval: number,
  ) {}

  /** Starts cutting a block every block interval, at whole multiples of it. */
  start(): void {
    const first = (Math.floor(this.clock.now() / this.blockInterval) + 1) * this.blockInterval;
    this.timer = this.clock.timer(first, this.blockInterval).subscribe((time) => this.cut(time));
  }

  /** Takes records into the current block. Throws once the generator has stopped. */
  add(records: readonly T[]): void {
    if (this.stopped) throw this.stoppedError(`${records.length} records not taken`);
    const now = this.clock.now();
    if (now !== this.latestTime) {
      this.settleLatest();
      this.latestTime = now;
    }
    for (let i = 0; i < records.length; i++) this.latest.push(records[i] as T);
    this.total += records.length;
    if (this.waiters.length > 0) this.wakeWaiters();
  }

  /** Records taken by `add` since start. */
  get storedTotal(): number {
    return this.total;
  }

  /**
   * Resolves once `total` records in all have been added since start (at once if they have);
   * rejects if the generator stops first. For tests that must wait until a receiver has stored
   * what its source sent, without polling.
   */
  whenStored(total: number): Promise<void> {
    if (this.total >= total) return Promise.resolve();
    if (this.stopped)
      return Promise.reject(this.stoppedError(`only ${this.total} of ${total} records were stored`));
    return new Promise((resolve, reject) => this.waiters.push({ total, resolve, reject }));
  }

  /** True while records wait in the buffer for a cut. */
  get hasBuffered(): boolean {
    return this.buffer.length > 0 || this.latest.length > 0;
  }

  /**
   * Cuts the records stored before `before` (default: all of them) into a block and emits it,
   * if there are any.
   */
  cut(before = Infinity): void {
    if (this.latestTime < before) this.settleLatest();
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    this.buffer = [];
    this.blocks.next({ streamId: this.streamId, time: this.clock.now(), records });
  }

  /** Stops the timer, cuts everything left and completes `blocks`. Later `add` calls throw. */
  stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.cut();
    this.stopped = true;
    this.blocks.complete();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters)
      w.reject(this.stoppedError(`only ${this.total} of ${w.total} records were stored`));
  }

  private wakeWaiters(): void {
    const due = this.waiters.filter((w) => w.total <= this.total);
    this.waiters = this.waiters.filter((w) => w.total > this.total);
    for (const w of due) w.resolve();
  }

  private stoppedError(detail: string): StoppedError {
    return new StoppedError(`block generator of stream ${this.streamId} has stopped; ${detail}`);
  }

  /** Moves the records of `latestTime` into the buffer. */
  private settleLatest(): void {
    if (this.latest.length === 0) return;
    if (this.buffer.length === 0) this.buffer = this.latest;
    else for (let i = 0; i < this.latest.length; i++) this.buffer.push(this.latest[i] as T);
    this.latest = [];
  }
}
