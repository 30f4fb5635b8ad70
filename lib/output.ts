/**
 * The output contract: what every sink of `kindling/outputs` is, and what a user's own sink can
 * be. An output is opened when the context starts, written once per batch time, and closed when
 * the context stops, after the last batch's writes; it states its delivery guarantee and when it
 * holds. The context keeps its outputs in an {@link OutputSet} and closes them in `ssc.stop()`.
 */
import type { StreamingContext } from './context.js';
import type { DStream } from './dstream/dstream.js';
import { ConfigurationError, KindlingError, describe } from './errors.js';

/**
 * What a reader of an output can count on: every record once (`exactly-once`, by idempotent
 * writes keyed by batch time or record, or a transaction), at least once (a batch that runs
 * again is written again), or at most once (what nobody was there to receive is gone).
 */
export type DeliveryGuarantee = 'exactly-once' | 'at-least-once' | 'at-most-once';

/** An output's guarantee, and when it holds. */
export interface Delivery {
  /** What a reader of the output can count on: exactly, at least or at most once per record. */
  readonly guarantee: DeliveryGuarantee;
  /**
   * When the guarantee holds, in a sentence, e.g. `'with a replayable source and checkpoints: a
   * batch run again replaces its folder'`.
   */
  readonly when: string;
}

/** What the context opens at start and closes at stop: every {@link Output}, and the dashboard. */
export interface OutputLifecycle {
  /** The output's name, in events and logs (e.g. `kafka output orders`). */
  readonly name: string;
  /** The output's delivery guarantee, and when it holds. */
  readonly delivery: Delivery;
  /**
   * Called by `ssc.start()` before the first batch; a rejection fails the start. Leave it out
   * when the output connects on its first write.
   */
  open?(): Promise<void>;
  /**
   * Called by `ssc.stop()` once the last batch's writes have finished; `stop()` resolves after it
   * has. Releases connections and flushes what is buffered. A rejection is reported on
   * `ssc.events` (`connectorError`) and in the log; the stop finishes anyway. It may also be
   * called by the user, so a second call must do nothing.
   */
  close(): Promise<void>;
}

/**
 * An output: opened at start, written once per batch time, closed at stop (see
 * {@link OutputLifecycle}); `addOutput(stream, output)` puts it in a context.
 *
 * @example
 * const audit: Output<Order> = {
 *   name: 'audit log',
 *   delivery: { guarantee: 'at-least-once', when: 'always: a batch run again is appended again' },
 *   write: async (orders, time) => { await log.append(time, orders); },
 *   close: () => log.close(),
 * };
 * addOutput(orders, audit);
 */
export interface Output<T> extends OutputLifecycle {
  /**
   * Writes the batch of `time`; the batch completes when the promise resolves, and fails (the
   * error tagged with the batch time) when it rejects. A batch may be written again (after a
   * failure, or after a crash from a checkpoint): what happens then is the delivery guarantee.
   */
  write(records: readonly T[], time: number): Promise<void>;
}

/**
 * Writes every batch of `stream` to `output`, an output operation (declare it before
 * `ssc.start()`): the context opens the output at start and closes it at stop.
 *
 * @returns `output`.
 * @example
 * addOutput(orders, audit); // ssc.stop() awaits audit.close()
 *
 * Gotcha: one output object per call; an output added twice would be closed once but written twice.
 */
export function addOutput<T>(stream: DStream<T>, output: Output<T>): Output<T> {
  if (typeof output?.write !== 'function') {
    throw new ConfigurationError(
      `addOutput: the output must have write(records, time), open?() and close(), got ${String(output)}`,
    );
  }
  stream.foreachBatch((records, time) => output.write(records, time));
  stream.context.outputs.add(output);
  return output;
}

/**
 * Puts an output that no single stream feeds (the dashboard, fed by `ssc.events`) in `ssc`: the
 * context opens it at start (when added before) and closes it at stop, after the event
 * `contextStopped` (so it sees that event) and before `stop()` resolves.
 *
 * @example
 * addContextOutput(ssc, board); // ssc.stop() awaits board.close()
 */
export function addContextOutput(ssc: StreamingContext, output: OutputLifecycle): void {
  ssc.outputs.add(output, 'events');
}

/** How a close that failed is reported: on `ssc.events` and in the log. */
export type CloseFailure = (output: OutputLifecycle, error: KindlingError) => void;

/** What feeds an output: a stream's batches, or the context's events (closed after `contextStopped`). */
export type OutputFeed = 'stream' | 'events';

/** The outputs of one context, in the order they were added; opened at start, closed at stop. */
export class OutputSet {
  private readonly outputs: { readonly output: OutputLifecycle; readonly fedBy: OutputFeed }[] = [];

  /** Adds an output (once; adding the same object again does nothing). */
  add(output: OutputLifecycle, fedBy: OutputFeed = 'stream'): void {
    if (typeof output?.close !== 'function') {
      throw new ConfigurationError(`an output must have close(), got ${String(output)}`);
    }
    if (!this.outputs.some((o) => o.output === output)) this.outputs.push({ output, fedBy });
  }

  /** Opens every output, in order; the first that fails fails the whole (close them all then). */
  async open(): Promise<void> {
    for (const { output } of this.outputs) {
      try {
        await output.open?.();
      } catch (error) {
        throw new KindlingError(`output '${output.name}' could not open: ${describe(error)}`, {
          cause: error,
        });
      }
    }
  }

  /**
   * Closes every output fed by `fedBy` (those added after the start too, and any not opened: a
   * close of an output that holds nothing does nothing), all at once, and waits for them all. A
   * close that fails is given to `failed`; it never rejects.
   */
  async close(fedBy: OutputFeed, failed: CloseFailure): Promise<void> {
    const closing = this.outputs.filter((o) => o.fedBy === fedBy).map((o) => o.output);
    await Promise.all(
      closing.map(async (output) => {
        try {
          await output.close();
        } catch (error) {
          const reported = new KindlingError(`output '${output.name}' failed to close: ${describe(error)}`, {
            cause: error,
          });
          failed(output, reported);
        }
      }),
    );
  }
}
