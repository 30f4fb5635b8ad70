/**
 * What `awaitTermination()` waits for (Spark's ContextWaiter): the context's stop, and the error
 * that stopped it, if one did.
 */
import type { KindlingError } from './errors.js';

/** Wakes the callers of `awaitTermination()`; see the file summary. */
export class ContextWaiter {
  private readonly stopped: Promise<void>;
  private notifyStopped!: () => void;
  /** The error that stopped the context, if one did. */
  private stoppedBy: KindlingError | undefined;

  constructor() {
    this.stopped = new Promise<void>((resolve) => (this.notifyStopped = resolve));
  }

  /** The error that stopped the context (the first one reported), if any. */
  get error(): KindlingError | undefined {
    return this.stoppedBy;
  }

  /** Notes the error that stops the context; the first one counts. */
  notifyError(error: KindlingError): void {
    this.stoppedBy ??= error;
  }

  /** The context has stopped: wakes every waiter. */
  notifyStop(): void {
    this.notifyStopped();
  }

  /** Resolves when the context stops; rejects with the error that stopped it, if one did. */
  async waitForStop(): Promise<void> {
    await this.stopped;
    if (this.stoppedBy) throw this.stoppedBy;
  }

  /**
   * Like {@link waitForStop}, but gives up after `timeout` ms of real time: `true` if the
   * context stopped, `false` on timeout.
   */
  async waitForStopOrTimeout(timeout: number): Promise<boolean> {
    let handle: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (handle = setTimeout(() => resolve(false), timeout)));
    try {
      return await Promise.race([this.waitForStop().then(() => true as const), timedOut]);
    } finally {
      clearTimeout(handle);
    }
  }
}
