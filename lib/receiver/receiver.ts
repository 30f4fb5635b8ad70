/**
 * The receiver contract (Spark's): a receiver reads from a source that cannot be replayed and
 * hands what it reads to the engine with `store`.
 */
import { IllegalStateError } from '../errors.js';
import type { ReceiverHost } from '../types.js';

/**
 * Base class of every receiver. Implement `onStart` (return at once, start reading in the
 * background, call `store` with what arrives) and `onStop` (release everything `onStart` took).
 * Call `restart` when the source breaks; the engine's supervisor stops the receiver, waits a
 * back-off delay and starts it again, and reports it on `ssc.events`.
 *
 * @example
 * class TickReceiver extends Receiver<number> {
 *   private timer?: NodeJS.Timeout;
 *   onStart() {
 *     let n = 0;
 *     this.timer = setInterval(() => this.store([n++]).catch((e) => this.reportError('tick lost', e)), 10);
 *   }
 *   onStop() { clearInterval(this.timer); }
 * }
 * ssc.receiverStream(new TickReceiver('ticks')).print();
 */
export abstract class Receiver<T> {
  #host: ReceiverHost<T> | undefined;

  /** @param name how the receiver is named in events and errors. */
  constructor(readonly name: string) {}

  /** Starts reading. Must return at once; the reading goes on in the background. */
  abstract onStart(): void;

  /** Stops reading and releases every resource. Also called before each restart. */
  abstract onStop(): void | Promise<void>;

  /**
   * Hands records to the engine, in order. Resolves once they are buffered (after `maxRate` let
   * them pass), or, with the context's write-ahead log on, once they are in the log: a reliable
   * receiver acknowledges its source only then. Rejects with a `ReceiverError` when the receiver
   * has stopped; the records were not taken.
   * @param position where the source stands after these records (an offset, a sequence number),
   *   kept with them in the log so a restarted job resumes there (see {@link lastPosition}).
   */
  store(records: readonly T[], position?: unknown): Promise<void> {
    return this.attached('store').store(records, position);
  }

  /**
   * Where the source stood after the last stored records (the `position` given to `store`). After
   * a crash, with the write-ahead log on, it is the last position logged: `onStart` resumes there.
   */
  get lastPosition(): unknown {
    return this.#host?.position;
  }

  /**
   * Stops the receiver (`onStop`) and starts it again (`onStart`) after a back-off delay that
   * grows while restarts follow each other without a successful `store`. Reported on
   * `ssc.events` as `receiverError` with `restartIn`.
   */
  restart(reason: string, error?: unknown): void {
    this.attached('restart').restart(reason, error);
  }

  /** Reports an error on the event stream without stopping. */
  reportError(message: string, error?: unknown): void {
    this.attached('reportError').reportError(message, error);
  }

  /** Stops the receiver for good (`onStop`, then `receiverStopped` on `ssc.events`); the context runs on. */
  stop(reason: string, error?: unknown): void {
    this.attached('stop').stop(reason, error);
  }

  /** True once the receiver has been told to stop (or while it waits to restart). */
  isStopped(): boolean {
    return this.#host?.isStopped ?? true;
  }

  /** @internal Binds the receiver to the engine; called by the supervisor. */
  attach(host: ReceiverHost<T>): void {
    if (this.#host && this.#host !== host) {
      throw new IllegalStateError(
        `receiver '${this.name}' is already used by another stream; create one per stream`,
      );
    }
    this.#host = host;
  }

  private attached(call: string): ReceiverHost<T> {
    if (!this.#host) {
      throw new IllegalStateError(
        `receiver '${this.name}' called ${call}() before it was started; pass it to ssc.receiverStream() and start the context`,
      );
    }
    return this.#host;
  }
}
