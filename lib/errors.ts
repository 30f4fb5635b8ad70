/**
 * Kindling's errors. Every error the engine raises is a {@link KindlingError}: it says what went
 * wrong and how to fix it, whether retrying can help (`retriable`), and what caused it (`cause`).
 */

/**
 * Base class of every error Kindling raises.
 *
 * @example
 * try {
 *   await ssc.awaitTermination();
 * } catch (error) {
 *   if (error instanceof KindlingError && error.retriable) scheduleRestart();
 *   else throw error;
 * }
 */
export class KindlingError extends Error {
  /** True when the same call may succeed if tried again (a lost connection, a timeout). */
  readonly retriable: boolean;

  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/**
 * A job was set up wrongly: bad options, a graph that cannot run. Raised at build or start time.
 *
 * @example
 * await ssc.start(); // ConfigurationError: window 1500 ms is not a multiple of the batch interval 1000 ms; ...
 */
export class ConfigurationError extends KindlingError {}

/**
 * The context was used in a state that does not allow the call (started twice, built after start).
 *
 * @example
 * await ssc.start();
 * await ssc.start(); // IllegalStateError: context 'job' has already been started; start() may be called once
 */
export class IllegalStateError extends KindlingError {}

/**
 * A user function (or an output operation) threw while a batch was processed. Names the operator
 * and the batch time; the original error is the `cause`.
 *
 * @example
 * const error = await ssc.awaitTermination().catch((e: unknown) => e);
 * if (isBatchError(error)) console.error(error.operator, error.batchTime, error.cause);
 */
export class BatchError extends KindlingError {
  /** The name of the operator whose function or output failed (unique in the graph). */
  readonly operator: string;
  /** The batch time of the batch that failed, ms. */
  readonly batchTime: number;

  constructor(operator: string, batchTime: number, cause: unknown) {
    super(`operator '${operator}' failed in the batch of time ${batchTime}: ${describe(cause)}`, { cause });
    this.operator = operator;
    this.batchTime = batchTime;
  }
}

/**
 * A receiver failed: it could not connect, or its source broke. Usually retriable.
 *
 * @example
 * this.restart('connection lost', new ReceiverError(this.name, 'socket closed by the server'));
 */
export class ReceiverError extends KindlingError {
  /** The failing receiver's `name`. */
  readonly receiver: string;

  constructor(receiver: string, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(`receiver '${receiver}': ${message}`, { retriable: true, ...options });
    this.receiver = receiver;
  }
}

/**
 * The context stopped before the awaited work could finish.
 *
 * @example
 * const finished = await work.then(
 *   () => true,
 *   (e: unknown) => {
 *     if (e instanceof StoppedError) return false; // the context stopped first
 *     throw e;
 *   },
 * );
 */
export class StoppedError extends KindlingError {}

/**
 * A call took longer than its time limit (a try of `retry` with `tryTimeout`); its signal was
 * aborted. Always retriable: the next try may be quicker.
 *
 * @example
 * await retry((_, signal) => fetch(url, { signal }), clock, { tryTimeout: 10_000 }); // TimeoutError: timed out after 10000 ms
 */
export class TimeoutError extends KindlingError {
  constructor(message: string) {
    super(message, { retriable: true });
  }
}

/**
 * True when `error` is a Kindling error that may succeed if tried again.
 *
 * @example
 * const values = await retry(() => lookup.getAll(keys), clock, { shouldRetry: isRetriable });
 */
export function isRetriable(error: unknown): boolean {
  return error instanceof KindlingError && error.retriable;
}

/**
 * True when `error` is a {@link BatchError}.
 *
 * @example
 * ssc.events.subscribe((e) => {
 *   if (e.type === 'batchCompleted' && isBatchError(e.error)) alert(e.error.operator, e.batchTime);
 * });
 */
export function isBatchError(error: unknown): error is BatchError {
  return error instanceof BatchError;
}

/**
 * The message of anything thrown, for error messages: an `Error`'s message, or the thrown
 * value as a string. Exported as `describeError`.
 */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
