/**
 * Buffers what a receiver stores and cuts it into blocks, one every block interval (and once more
 * at each batch time, so a batch holds everything received before it). Blocks are emitted on an
 * RxJS Subject: one emission is one block.
 */
import { Subject, type Subscription } from 'rxjs';
import type { Clock } from '../types.js';

/** A block: records received between two cuts. */
export interface Block<T> {
  readonly streamId: number;
  /** Clock time at which the block was cut. */
  readonly time: number;
  readonly records: T[];
}

export class BlockGenerator<T> {
  readonly blocks = new Subject<Block<T>>();
  private buffer: T[] = [];
  private timer: Subscription | undefined;

  constructor(
    private readonly streamId: number,
    private readonly clock: Clock,
    private readonly blockInterval: number,
  ) {}

  start(): void {
    const first = (Math.floor(this.clock.now() / this.blockInterval) + 1) * this.blockInterval;
    this.timer = this.clock.timer(first, this.blockInterval).subscribe(() => this.cut());
  }

  add(records: readonly T[]): void {
    for (let i = 0; i < records.length; i++) this.buffer.push(records[i] as T);
  }

  /** Cuts the current buffer into a block, if it holds anything. */
  cut(): void {
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    this.buffer = [];
    this.blocks.next({ streamId: this.streamId, time: this.clock.now(), records });
  }

  /** Cuts what is left and stops the timer. */
  stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.cut();
  }
}
