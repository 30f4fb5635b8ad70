/**
 * The input stream of a receiver: at each batch time it takes every block cut since the last
 * batch, after cutting what was stored before the batch time, so the batch holds everything
 * received before it.
 */
import type { Subscription } from 'rxjs';
import { ConfigurationError, IllegalStateError } from '../../errors.js';
import type { Block, BlockGenerator } from '../../receiver/block-generator.js';
import type { Receiver } from '../../receiver/receiver.js';
import { ReceiverSupervisor, type ReceiverEnvironment, type StoreGate } from '../../receiver/supervisor.js';
import { describe } from '../../errors.js';
import type { Clock } from '../../types.js';
import { InputNode } from './input.js';
import type { GraphScope } from '../node.js';
import type { CountedBlocks, ReceivedBlockLog } from './received-block-log.js';

/** A receiver stream's write-ahead log, once attached. */
interface Logging<T> {
  readonly log: ReceivedBlockLog<T>;
  readonly clock: Clock;
  /** Each block's id (in cut order) and the source's position after it. */
  readonly ids: Map<Block<T>, { readonly id: number; readonly position: unknown }>;
  /** Block writes not yet finished. */
  readonly writes: Set<Promise<void>>;
  nextId: number;
  /** The newest position logged (a block without one keeps it). */
  position: unknown;
}

/** Receivers already given to a stream: a receiver object runs for one stream only. */
const used = new WeakSet<Receiver<unknown>>();

/** The input node of a receiver: its supervisor, its blocks, and optionally their write-ahead log. */
export class ReceiverInputNode<T> extends InputNode<T> {
  private supervisor: ReceiverSupervisor<T> | undefined;
  private subscription: Subscription | undefined;
  private received: Block<T>[] = [];
  private logging: Logging<T> | undefined;
  /**
   * With the log: the blocks the batches so far hold (the last one's id) and where the source
   * stood after them; checkpointed as this input's position, so a restart counts no block twice
   * even when the log lost what said which batch took it.
   */
  private counted: CountedBlocks = { lastBlock: -1, position: undefined };
  /** The count of the checkpoint restored, for `attachLog`. */
  private checkpointCounted: CountedBlocks | undefined;

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

  /**
   * Turns the write-ahead log on (before `startReceiver`): reads back what a crashed run logged
   * after the checkpoint of time `completed`: batches to run again, blocks in no batch yet, and
   * the source's position. Returns the damage found in the log, if any.
   */
  async attachLog(log: ReceivedBlockLog<T>, clock: Clock, completed: number | undefined): Promise<string[]> {
    let recovered = await log.recover(completed, this.checkpointCounted);
    // A damaged log is written afresh, so that the next restart does not meet the damage again.
    if (recovered.damaged) recovered = await log.rewrite(recovered, clock.now());
    this.logging = {
      log,
      clock,
      ids: new Map(),
      writes: new Set(),
      nextId: recovered.nextId,
      position: undefined,
    };
    for (const batch of recovered.batches) this.restoreInput([[batch.time, batch.records]], batch.counted);
    this.counted = recovered.counted;
    for (const { id, records, position } of recovered.unallocated) {
      // Logged again in the current segment: cleaning the old one must not take them along.
      if (!recovered.damaged) await log.addBlock(id, records, position, clock.now());
      const block: Block<T> = { streamId: -1, time: clock.now(), records };
      this.logging.ids.set(block, { id, position });
      this.received.push(block);
    }
    this.logging.position = recovered.position;
    this.recoveredPosition = recovered.position;
    return recovered.damage;
  }

  protected override position(): unknown {
    return this.logging ? this.counted : undefined;
  }

  protected override restorePosition(position: unknown): void {
    const counted = position as Partial<CountedBlocks> | undefined;
    if (typeof counted?.lastBlock === 'number') this.checkpointCounted = counted as CountedBlocks;
  }

  /** Starts the receiver under a supervisor. */
  startReceiver(env: ReceiverEnvironment, streamId: number): void {
    const logging = this.logging;
    const durability = logging ? () => this.logNow(logging) : undefined;
    const supervisor = new ReceiverSupervisor(
      this.receiver,
      streamId,
      env,
      this.gate?.(),
      durability,
      this.recoveredPosition,
    );
    this.supervisor = supervisor;
    this.subscription = supervisor.blockGenerator.blocks.subscribe((block) => {
      if (logging) this.logBlock(logging, block);
      else this.received.push(block);
    });
    supervisor.start();
  }

  private recoveredPosition: unknown;

  /** Writes a block to the log; it counts as received once written. */
  private logBlock(logging: Logging<T>, block: Block<T>): void {
    const id = logging.nextId++;
    if (block.position !== undefined) logging.position = block.position;
    logging.ids.set(block, { id, position: logging.position });
    const write = logging.log.addBlock(id, block.records, logging.position, logging.clock.now()).then(
      () => {
        this.received.push(block);
      },
      (error: unknown) => {
        // Not durable, but still here: keep it, and say that a crash now would lose it.
        this.supervisor?.reportError(
          `block ${id} (${block.records.length} records) could not be written to the write-ahead log: ` +
            `${describe(error)}; it is processed, but would be lost in a crash`,
          error,
        );
        this.received.push(block);
      },
    );
    logging.writes.add(write);
    void write.then(() => logging.writes.delete(write));
  }

  /** Cuts what was stored into a block and resolves once it, and every block before it, is logged. */
  private async logNow(logging: Logging<T>): Promise<void> {
    this.supervisor?.blockGenerator.cut();
    await Promise.all(logging.writes);
  }

  /** @internal The running receiver's block generator (for the rate controller); none before start. */
  get blockGenerator(): BlockGenerator<T> | undefined {
    return this.supervisor?.blockGenerator;
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

  protected async compute(time: number): Promise<T[]> {
    this.supervisor?.blockGenerator.cut(time);
    const logging = this.logging;
    if (logging) await Promise.all(logging.writes);
    const blocks = this.received;
    this.received = [];
    if (logging) {
      const logged = blocks.map((block) => logging.ids.get(block) ?? { id: -1, position: undefined });
      blocks.forEach((block) => logging.ids.delete(block));
      const ids = logged.map((block) => block.id);
      await logging.log.allocate(time, ids, logging.position, logging.clock.now());
      const last = logged.at(-1);
      if (last && last.id >= 0) this.counted = { lastBlock: last.id, position: last.position };
    }
    // The blocks' bytes no longer count against receiverBufferBytes (backpressure).
    this.supervisor?.blockGenerator.taken(time, blocks);
    if (blocks.length === 1) return (blocks[0] as Block<T>).records;
    const records: T[] = [];
    for (const block of blocks) for (const record of block.records) records.push(record);
    return records;
  }
}
