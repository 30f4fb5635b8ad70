/**
 * The input stream of a receiver: at each batch time it takes every block cut since the last
 * batch (cutting the current buffer first, so the batch holds everything received before it).
 */
import type { Subscription } from 'rxjs';
import type { Block } from '../receiver/block-generator.js';
import type { Receiver } from '../receiver/receiver.js';
import { ReceiverSupervisor, type ReceiverEnvironment, type StoreGate } from '../receiver/supervisor.js';
import { InputNode } from './input.js';
import type { GraphScope } from './node.js';

export class ReceiverInputNode<T> extends InputNode<T> {
  private supervisor: ReceiverSupervisor<T> | undefined;
  private subscription: Subscription | undefined;
  private received: Block<T>[] = [];

  constructor(
    scope: GraphScope,
    readonly receiver: Receiver<T>,
    kind = 'receiverStream',
    private readonly gate?: () => StoreGate,
  ) {
    super(scope, kind);
  }

  /** Starts the receiver under a supervisor. */
  startReceiver(env: ReceiverEnvironment, streamId: number): void {
    this.supervisor = new ReceiverSupervisor(this.receiver, streamId, env, this.gate?.());
    this.subscription = this.supervisor.blockGenerator.blocks.subscribe((block) => this.received.push(block));
    this.supervisor.start();
  }

  /** True while blocks are waiting for a batch. */
  get hasUnallocatedBlocks(): boolean {
    return this.received.length > 0;
  }

  override async stop(): Promise<void> {
    await this.supervisor?.shutdown('the context is stopping');
  }

  /** Releases the block subscription once the last batch has been generated. */
  close(): void {
    this.subscription?.unsubscribe();
  }

  protected compute(): T[] {
    this.supervisor?.blockGenerator.cut();
    const blocks = this.received;
    this.received = [];
    if (blocks.length === 1) return (blocks[0] as Block<T>).records;
    const records: T[] = [];
    for (const block of blocks) for (const record of block.records) records.push(record);
    return records;
  }
}
