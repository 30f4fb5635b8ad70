/**
 * Buffers what a receiver stores and cuts it into blocks: one every block interval, and once more
 * at each batch time, so a batch holds everything stored before it. One emission of `blocks` is
 * one block, never one record. Bounded in bytes: past the bound, stores wait for a batch.
 */
import { Subject, type Subscription } from 'rxjs';
import { ConfigurationError, StoppedError } from '../errors.js';
import { recordsBytes } from '../rate/record-size.js';
import type { Clock } from '../types.js';

/** The default byte bound of one receiver's buffer: 64 MiB. */
export const DEFAULT_RECEIVER_BUFFER_BYTES = 64 * 1024 * 1024;

/** Batches whose record counts a generator remembers for the rate controller. */
const REMEMBERED_BATCHES = 64;

/** A block: records stored between two cuts, in the order they were stored. */
export interface Block<T> {
  readonly streamId: number;
  /** Clock time at which the block was cut; every record in it was stored before this time. */
  readonly time: number;
  readonly records: T[];
  /** The source position after the block's last record, when the receiver gave one to `store`. */
  readonly position?: unknown;
}

/**
 * Cuts a receiver's records into blocks on the context's clock.
 *
 * Records stored at the very clock time of a cut stay for the next block: a block cut at time t
 * (and so a batch at time t) holds exactly what was stored before t. This keeps a batch's content
 * independent of whether its tick or a receiver woken at the same time runs first.
 *
 * The generator counts the bytes (estimated by `recordBytes`) of the records it buffers and of
 * the blocks it cut that no batch has taken yet (`taken`). While that is above `maxBytes`,
 * `whenRoom()` waits: the supervisor holds a `store` there, and a receiver that awaits `store`
 * (the socket receiver pauses its socket) stops reading, so the bound is exceeded by at most the
 * last store. Gotcha: blocks taken by a batch count no more, even while the batch waits in the
 * scheduler's queue; the rate controller (backpressure) keeps that queue short.
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
  /** Source positions after the last record of `buffer` and of `latest`. */
  private bufferPosition: unknown;
  private latestPosition: unknown;
  private timer: Subscription | undefined;
  private stopped = false;
  /** Estimated bytes of `buffer` and of `latest`. */
  private bufferBytes = 0;
  private latestBytes = 0;
  /** Blocks cut and not yet taken by a batch, with their bytes. */
  private readonly untaken = new Map<Block<T>, number>();
  private untakenBytes = 0;
  private roomWaiters: (() => void)[] = [];
  /** Records each recent batch took, by batch time. */
  private readonly takenRecords = new Map<number, number>();

  /**
   * @param streamId the input stream's id, stamped on each block.
   * @param clock the context's clock.
   * @param blockInterval how often blocks are cut, ms.
   * @param maxBytes the byte bound (`receiverBufferBytes`); default 64 MiB.
   */
  constructor(
    private readonly streamId: number,
    private readonly clock: Clock,
    private readonly blockInterval: number,
    readonly maxBytes: number = DEFAULT_RECEIVER_BUFFER_BYTES,
  ) {
    if (!(maxBytes > 0)) {
      throw new ConfigurationError(
        `receiverBufferBytes must be a positive number of bytes, got ${maxBytes}; the default is 64 MiB`,
      );
    }
  }

  /** Starts cutting a block every block interval, at whole multiples of it. */
  start(): void {
    const first = (Math.floor(this.clock.now() / this.blockInterval) + 1) * this.blockInterval;
    this.timer = this.clock.timer(first, this.blockInterval).subscribe((time) => this.cut(time));
  }

  /**
   * Takes records into the current block. Throws once the generator has stopped.
   * @param position the source position after these records, carried by the block they land in.
   */
  add(records: readonly T[], position?: unknown): void {
    if (this.stopped) throw this.stoppedError(`${records.length} records not taken`);
    const now = this.clock.now();
    if (now !== this.latestTime) {
      this.settleLatest();
      this.latestTime = now;
    }
    for (let i = 0; i < records.length; i++) this.latest.push(records[i] as T);
    if (position !== undefined) this.latestPosition = position;
    this.latestBytes += recordsBytes(records);
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

  /** Estimated bytes held: records waiting for a cut plus blocks no batch has taken yet. */
  get bytes(): number {
    return this.bufferBytes + this.latestBytes + this.untakenBytes;
  }

  /**
   * Resolves at once while `bytes` is at most `maxBytes` (or the generator has stopped), else
   * once batches have taken enough blocks. The supervisor awaits it after each store.
   */
  whenRoom(): Promise<void> {
    if (this.stopped || this.bytes <= this.maxBytes) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Tells the generator that the batch at `time` took `blocks` (cut by it): their bytes no
   * longer count, waiting stores may go on, and the batch's record count is remembered for
   * {@link recordsTakenAt}.
   */
  taken(time: number, blocks: readonly Block<T>[]): void {
    let records = 0;
    for (const block of blocks) {
      records += block.records.length;
      const bytes = this.untaken.get(block);
      if (bytes === undefined) continue;
      this.untaken.delete(block);
      this.untakenBytes -= bytes;
    }
    this.takenRecords.set(time, records);
    if (this.takenRecords.size > REMEMBERED_BATCHES) {
      const oldest = this.takenRecords.keys().next();
      if (oldest.done !== true) this.takenRecords.delete(oldest.value);
    }
    if (this.roomWaiters.length > 0 && this.bytes <= this.maxBytes) this.wakeRoomWaiters();
  }

  /** How many records the batch at `time` took, if it is one of the last 64 batches. */
  recordsTakenAt(time: number): number | undefined {
    return this.takenRecords.get(time);
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
    const block: Block<T> = {
      streamId: this.streamId,
      time: this.clock.now(),
      records,
      ...(this.bufferPosition === undefined ? {} : { position: this.bufferPosition }),
    };
    this.buffer = [];
    this.untaken.set(block, this.bufferBytes);
    this.untakenBytes += this.bufferBytes;
    this.bufferBytes = 0;
    this.blocks.next(block);
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
    this.wakeRoomWaiters();
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
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
    if (this.latestPosition !== undefined) this.bufferPosition = this.latestPosition;
    this.bufferBytes += this.latestBytes;
    this.latestBytes = 0;
  }
}
