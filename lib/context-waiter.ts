/**
 * What `awaitTermination()` waits for (Spark's ContextWaiter): the context's stop and, with
 * `onBatchError: 'continue'`, the first failed batch, whose error it rejects with as soon as it
 * is reported, while the context runs on (Spark's `JobScheduler.reportError`). Once a batch has
 * failed, every wait rejects with the first error, before and after the stop.
 */
import type { KindlingError } from './errors.js';

/** Wakes the callers of `awaitTermination()`; see the file summary. */
export class ContextWaiter {
  private readonly stopped: Promise<void>;
  private notifyStopped!: () => void;
  private readonly failed: Promise<void>;
  private notifyFailed!: () => void;
  private first: KindlingError | undefined;
  private stoppedBy: KindlingError | undefined;

  /** @param wakeOnError wake the waiters at the first batch error (Spark's), not only at the stop. */
  constructor(private readonly wakeOnError: boolean) {
    this.stopped = new Promise<void>((resolve) => (this.notifyStopped = resolve));
    this.failed = new Promise<void>((resolve) => (this.notifyFailed = resolve));
  }

  /** The first batch error reported, if any: what the waits reject with. */
  get error(): KindlingError | undefined {
    return this.first;
  }

  /** The error that stopped the context, if a failed batch did. */
  get stopError(): KindlingError | undefined {
    return this.stoppedBy;
  }

  /** Reports a failed batch's error; `stops` when it stops the context. The first error counts. */
  notifyError(error: KindlingError, stops: boolean): void {
    this.first ??= error;
    if (stops) this.stoppedBy ??= error;
    this.notifyFailed();
  }

  /** The context has stopped: wakes every waiter. */
  notifyStop(): void {
    this.notifyStopped();
  }

  /**
   * Resolves when the context stops; rejects with the first batch error, once the context has
   * stopped or, with `wakeOnError`, as soon as the error is reported.
   */
  async waitForStopOrError(): Promise<void> {
    await (this.wakeOnError ? Promise.race([this.stopped, this.failed]) : this.stopped);
    if (this.first) throw this.first;
  }

  /**
   * Like {@link waitForStopOrError}, but gives up after `timeout` ms of real time: `true` if
   * the context stopped, `false` on timeout.
   */
  async waitOrTimeout(timeout: number): Promise<boolean> {
    let handle: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (handle = setTimeout(() => resolve(false), timeout)));
    try {
      return await Promise.race([this.waitForStopOrError().then(() => true as const), timedOut]);
    } finally {
      clearTimeout(handle);
    }
  }
}
