/**
 * Runs one receiver for the engine: starts it, takes what it stores into a block generator,
 * restarts it with back-off when it asks or fails, and reports all of it on the event stream.
 */
import type { Subject } from 'rxjs';
import { IllegalStateError, ReceiverError, describe } from '../errors.js';
import { backoffDelay, type BackoffPolicy } from '../retry.js';
import type { Clock, ReceiverHost, StreamingEvent } from '../types.js';
import { BlockGenerator } from './block-generator.js';
import type { Receiver } from './receiver.js';

/** What a supervisor needs from the context. */
export interface ReceiverEnvironment {
  readonly clock: Clock;
  readonly events: Subject<StreamingEvent>;
  /** How often blocks are cut, ms. */
  readonly blockInterval: number;
  /** How restarts back off. */
  readonly restartBackoff: BackoffPolicy;
}

/** Limits how fast a receiver may store; see `lib/receiver/rate-limiter.ts`. */
export interface StoreGate {
  acquire(records: number): Promise<void>;
}

type State = 'idle' | 'started' | 'restarting' | 'stopped';

export class ReceiverSupervisor<T> implements ReceiverHost<T> {
  readonly blockGenerator: BlockGenerator<T>;
  private state: State = 'idle';
  private failures = 0;
  private restarting: Promise<void> = Promise.resolve();

  constructor(
    readonly receiver: Receiver<T>,
    readonly streamId: number,
    private readonly env: ReceiverEnvironment,
    private readonly gate?: StoreGate,
  ) {
    this.blockGenerator = new BlockGenerator<T>(streamId, env.clock, env.blockInterval);
  }

  get isStopped(): boolean {
    return this.state !== 'started';
  }

  start(): void {
    if (this.state !== 'idle') throw new IllegalStateError(`receiver '${this.receiver.name}' was already started`);
    this.receiver.attach(this);
    this.blockGenerator.start();
    this.launch();
  }

  async store(records: readonly T[]): Promise<void> {
    if (this.state === 'stopped') {
      throw new ReceiverError(this.receiver.name, `store() after the receiver stopped; ${records.length} records not taken`, {
        retriable: false,
      });
    }
    if (this.gate) await this.gate.acquire(records.length);
    this.blockGenerator.add(records);
    this.failures = 0;
  }

  restart(reason: string, error?: unknown): void {
    if (this.state === 'stopped' || this.state === 'restarting') return;
    this.state = 'restarting';
    this.failures++;
    const delay = backoffDelay(this.failures, this.env.restartBackoff);
    this.emitError(`restarting: ${reason}${error === undefined ? '' : ` (${describe(error)})`}`, error, delay);
    this.restarting = (async () => {
      await this.callOnStop();
      await this.env.clock.sleep(delay);
      if (this.state === 'restarting') this.launch();
    })();
  }

  reportError(message: string, error?: unknown): void {
    this.emitError(message, error);
  }

  stop(reason: string, error?: unknown): void {
    void this.shutdown(reason, error);
  }

  /** Stops the receiver for good and cuts its last block; resolves when `onStop` has returned. */
  async shutdown(reason: string, error?: unknown): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'started';
    this.state = 'stopped';
    if (error !== undefined) this.emitError(`stopping: ${reason}`, error);
    if (wasRunning) await this.callOnStop();
    await this.restarting;
    this.blockGenerator.stop();
    this.env.events.next({ type: 'receiverStopped', receiver: this.receiver.name, streamId: this.streamId, reason });
  }

  private launch(): void {
    this.state = 'started';
    this.env.events.next({ type: 'receiverStarted', receiver: this.receiver.name, streamId: this.streamId });
    try {
      this.receiver.onStart();
    } catch (error) {
      this.restart('onStart() threw', error);
    }
  }

  private async callOnStop(): Promise<void> {
    try {
      await this.receiver.onStop();
    } catch (error) {
      this.emitError('onStop() threw', error);
    }
  }

  private emitError(message: string, error: unknown, restartIn?: number): void {
    this.env.events.next({
      type: 'receiverError',
      receiver: this.receiver.name,
      streamId: this.streamId,
      message,
      ...(error === undefined ? {} : { error }),
      ...(restartIn === undefined ? {} : { restartIn }),
    });
  }
}
