/**
 * Runs one receiver for the engine: starts it, takes what it stores into a block generator,
 * restarts it with back-off when it asks or fails, and reports all of it on the event stream.
 */
import { take, type Subject, type Subscription } from 'rxjs';
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
  /** Byte bound of the receiver's buffer (`receiverBufferBytes`); default 64 MiB. */
  readonly receiverBufferBytes?: number;
}

/** Limits how fast a receiver may store; see `lib/receiver/rate-limiter.ts`. */
export interface StoreGate {
  /** Waits until records may pass; resolves with how many of `max` (at least one) may pass now. */
  acquire(max: number): Promise<number>;
  /** Rejects every waiting `acquire`; called when the receiver stops for good. */
  close?(): void;
}

type State = 'idle' | 'started' | 'restarting' | 'stopped';

/**
 * The engine's side of the receiver contract ({@link ReceiverHost}). Events, in order:
 * `receiverStarted` before each `onStart`; `receiverError` with `restartIn` when a restart is
 * asked for (or `onStart` throws), then `onStop`, the back-off on the clock, and `receiverStarted`
 * again; `receiverError` without `restartIn` for `reportError` and for errors that change
 * nothing (a restart asked for while one is under way); `receiverStopped` once, at the end.
 */
export class ReceiverSupervisor<T> implements ReceiverHost<T> {
  readonly blockGenerator: BlockGenerator<T>;
  private state: State = 'idle';
  /** Restarts since the receiver last stored something; sets the back-off. */
  private failures = 0;
  /** The back-off timer of a pending restart. */
  private backoff: Subscription | undefined;
  /** The `onStop` of a restart, while it runs. */
  private restarting: Promise<void> = Promise.resolve();
  /** Rate-limited stores, one after the other so records keep their order. */
  private storing: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(
    readonly receiver: Receiver<T>,
    readonly streamId: number,
    private readonly env: ReceiverEnvironment,
    private readonly gate?: StoreGate,
    /** With a write-ahead log: cuts what was stored into a block and resolves once it is logged. */
    private readonly durability?: () => Promise<void>,
    private lastPosition?: unknown,
  ) {
    this.blockGenerator = new BlockGenerator<T>(
      streamId,
      env.clock,
      env.blockInterval,
      env.receiverBufferBytes,
    );
  }

  get isStopped(): boolean {
    return this.state !== 'started';
  }

  /** Binds the receiver, starts the block generator and calls `onStart`. */
  start(): void {
    if (this.state !== 'idle') {
      throw new IllegalStateError(`receiver '${this.receiver.name}' was already started`);
    }
    this.receiver.attach(this);
    this.blockGenerator.start();
    this.launch();
  }

  /**
   * Takes records until the block generator stops, which is after `onStop` has returned. With a
   * write-ahead log, resolves only once the records are in the log (a reliable receiver acks its
   * source then); `position` says where the source stands after them, for a restart to resume.
   */
  store(records: readonly T[], position?: unknown): Promise<void> {
    const taken = this.take(records, position);
    const durability = this.durability;
    if (!durability && position === undefined) return taken;
    return taken.then(async () => {
      if (durability) await durability();
      if (position !== undefined) this.lastPosition = position;
    });
  }

  /** Where the source stood after the last stored records (restored from the log after a crash). */
  get position(): unknown {
    return this.lastPosition;
  }

  private take(records: readonly T[], position: unknown): Promise<void> {
    if (!this.gate) {
      try {
        this.blockGenerator.add(records, position);
      } catch (error) {
        return Promise.reject(this.notTaken(records.length, 'the receiver has stopped', error));
      }
      this.failures = 0;
      // Past the byte bound, the store resolves only once a batch has taken blocks (backpressure).
      return this.blockGenerator.whenRoom();
    }
    const turn = this.storing.then(() => this.storeGated(records, this.gate as StoreGate, position));
    this.storing = turn.catch(() => undefined);
    return turn;
  }

  restart(reason: string, error?: unknown): void {
    if (this.state === 'stopped' || this.state === 'restarting') {
      // Nothing changes, but an error is never dropped.
      if (error !== undefined) this.emitError(`${reason} (the receiver is already ${this.state})`, error);
      return;
    }
    this.state = 'restarting';
    this.failures++;
    const delay = backoffDelay(this.failures, this.env.restartBackoff);
    this.emitError(
      `restarting: ${reason}${error === undefined ? '' : ` (${describe(error)})`}`,
      error,
      delay,
    );
    const stopped = this.callOnStop();
    this.restarting = stopped;
    // The back-off runs from now on the clock, alongside onStop; the receiver starts again once
    // both are over. The clock tracks that start, so `ManualClock.advance` returns after it.
    const clock = this.env.clock;
    this.backoff = clock
      .timer(clock.now() + delay, Math.max(1, delay))
      .pipe(take(1))
      .subscribe(() => {
        this.backoff = undefined;
        clock.track(
          stopped.then(() => {
            if (this.state === 'restarting') this.launch();
          }),
        );
      });
  }

  reportError(message: string, error?: unknown): void {
    this.emitError(message, error);
  }

  stop(reason: string, error?: unknown): void {
    void this.shutdown(reason, error);
  }

  /**
   * Stops the receiver for good: cancels a pending restart, calls `onStop` (which may still
   * store), rejects stores still waiting for `maxRate`, cuts the last block and reports
   * `receiverStopped`. Resolves when all of that is done; later calls share it.
   *
   * Gotcha: an `onStop` that awaits its own rate-limited `store` waits on the clock; on a
   * ManualClock, advance it.
   */
  shutdown(reason: string, error?: unknown): Promise<void> {
    this.stopping ??= this.stopForGood(reason, error);
    return this.stopping;
  }

  private async stopForGood(reason: string, error: unknown): Promise<void> {
    const wasRunning = this.state === 'started';
    this.state = 'stopped';
    this.backoff?.unsubscribe();
    this.backoff = undefined;
    if (error !== undefined) this.emitError(`stopping: ${reason} (${describe(error)})`, error);
    // onStop may still store what it holds (a graceful flush); after it, nothing more is taken.
    if (wasRunning) await this.callOnStop();
    await this.restarting;
    this.gate?.close?.();
    this.blockGenerator.stop();
    this.env.events.next({
      type: 'receiverStopped',
      receiver: this.receiver.name,
      streamId: this.streamId,
      reason,
    });
  }

  private async storeGated(records: readonly T[], gate: StoreGate, position: unknown): Promise<void> {
    let from = 0;
    while (from < records.length) {
      let granted: number;
      try {
        granted = await gate.acquire(records.length - from);
      } catch (error) {
        throw this.notTaken(
          records.length - from,
          'the receiver stopped while they waited for maxRate',
          error,
        );
      }
      const chunk = from === 0 && granted >= records.length ? records : records.slice(from, from + granted);
      try {
        // The position holds after the last record only: it goes with the last chunk.
        this.blockGenerator.add(chunk, from + chunk.length >= records.length ? position : undefined);
      } catch (error) {
        throw this.notTaken(records.length - from, 'the receiver has stopped', error);
      }
      from += chunk.length;
      // Past the byte bound, wait for a batch to take blocks (backpressure).
      await this.blockGenerator.whenRoom();
    }
    this.failures = 0;
  }

  private launch(): void {
    this.state = 'started';
    this.env.events.next({ type: 'receiverStarted', receiver: this.receiver.name, streamId: this.streamId });
    try {
      // onStart is typed void, but an async one must not fail unseen.
      const result: unknown = this.receiver.onStart();
      if (result instanceof Promise)
        result.catch((error: unknown) => this.restart('onStart() failed', error));
    } catch (error) {
      this.restart('onStart() threw', error);
    }
  }

  private async callOnStop(): Promise<void> {
    // Never inside the caller's stack: a receiver may ask to restart from within onStart.
    await Promise.resolve();
    try {
      await this.receiver.onStop();
    } catch (error) {
      this.emitError(`onStop() threw (${describe(error)})`, error);
    }
  }

  private notTaken(count: number, why: string, cause?: unknown): ReceiverError {
    return new ReceiverError(this.receiver.name, `store() refused ${count} records: ${why}`, {
      retriable: false,
      ...(cause === undefined ? {} : { cause }),
    });
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
