/**
 * The input stream of a receiver: at each batch time it takes every block cut since the last
 * batch, after cutting what was stored before the batch time, so the batch holds everything
 * received before it.
 */
import type { Subscription } from 'rxjs';
import { ConfigurationError, IllegalStateError } from '../errors.js';
import type { Block } from '../receiver/block-generator.js';
import type { Receiver } from '../receiver/receiver.js';
import { ReceiverSupervisor, type ReceiverEnvironment, type StoreGate } from '../receiver/supervisor.js';
import { InputNode } from './input.js';
import type { GraphScope } from './node.js';

/** Receivers already given to a stream: a receiver object runs for one stream only. */
const used = new WeakSet<Receiver<unknown>>();

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
    if (used.has(receiver as Receiver<unknown>)) {
      throw new ConfigurationError(
        `receiver '${receiver.name}' is already the source of another stream; create one receiver object per stream`,
      );
    }
    used.add(receiver as Receiver<unknown>);
  }

  /**
   * @internal A hook for tests: resolves once the receiver has stored `total` records in all
   * since start, so a test can advance the clock only after data from a real socket or file has
   * arrived, without polling. Rejects if the receiver stops first.
   */
  whenStored(total: number): Promise<void> {
    if (!this.supervisor) {
      return Promise.reject(
        new IllegalStateError(`receiver '${this.receiver.name}' has not started; start the context first`),
      );
    }
    return this.supervisor.blockGenerator.whenStored(total);
  }

  /** Starts the receiver under a supervisor. */
  startReceiver(env: ReceiverEnvironment, streamId: number): void {
    const supervisor = new ReceiverSupervisor(this.receiver, streamId, env, this.gate?.());
    this.supervisor = supervisor;
    this.subscription = supervisor.blockGenerator.blocks.subscribe((block) => this.received.push(block));
    supervisor.start();
  }

  /** True while received records wait for a batch. */
  get hasUnallocatedBlocks(): boolean {
    return this.received.length > 0 || (this.supervisor?.blockGenerator.hasBuffered ?? false);
  }

  /** Stops the receiver for good; its last block is kept for the batches still to come. */
  override async stop(): Promise<void> {
    await this.supervisor?.shutdown('the context is stopping');
  }

  /**
   * Releases the block subscription once the last batch has been generated. Records received
   * but in no batch (a stop that was not graceful) are reported, never dropped silently.
   */
  close(): void {
    const dropped = this.received.reduce((sum, block) => sum + block.records.length, 0);
    if (dropped > 0) {
      this.supervisor?.reportError(
        `${dropped} received records are in no batch: the context stopped without { graceful: true }`,
      );
    }
    this.received = [];
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  protected compute(time: number): T[] {
    this.supervisor?.blockGenerator.cut(time);
    const blocks = this.received;
    this.received = [];
    if (blocks.length === 1) return (blocks[0] as Block<T>).records;
    const records: T[] = [];
    for (const block of blocks) for (const record of block.records) records.push(record);
    return records;
  }
}
