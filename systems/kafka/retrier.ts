/**
 * Retries calls to Kafka with back-off, reporting each failure on `ssc.events` (as
 * `connectorError`, with credentials masked). Shared by the direct stream and the output.
 */
import { KindlingError, retry, type BackoffPolicy, type StreamingContext } from '../../lib/index.js';
import { describeKafkaError, isRetriableKafkaError } from './client.js';

/** Runs calls to Kafka until they succeed; see the file summary. */
export class Retrier {
  /** Set to stop retrying (the connector is stopping): the next failure is thrown. */
  stopped = false;

  constructor(
    private readonly ssc: StreamingContext,
    /** The connector's name in events and errors. */
    readonly name: string,
    private readonly secrets: readonly string[],
    private readonly policy: BackoffPolicy,
  ) {}

  /**
   * Runs `call` until it succeeds, waiting `backoffDelay` on the context's clock between tries.
   * Throws a KindlingError naming `what` on an error kafkajs marks as final, or when `maxAttempts`
   * (of the policy, or of `limits`) are used up.
   */
  run<T>(what: string, call: () => Promise<T>, limits: BackoffPolicy = {}): Promise<T> {
    return retry(() => call(), this.ssc.clock, {
      ...this.policy,
      ...limits,
      shouldRetry: (error) => !this.stopped && isRetriableKafkaError(error),
      onRetry: (error, _attempt, delay) =>
        this.report(`${what} failed: ${this.describe(error)}; trying again in ${delay} ms`, error, delay),
      giveUp: (error, attempts) => {
        if (error instanceof KindlingError) return error;
        const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
        return new KindlingError(`${this.name}: ${what} failed${tries}: ${this.describe(error)}`, {
          cause: error,
          retriable: isRetriableKafkaError(error),
        });
      },
    });
  }

  /** Reports `message` on `ssc.events` and in the log, credentials masked. */
  report(message: string, error?: unknown, retryIn?: number): void {
    const safe = this.secrets.reduce((m, s) => m.split(s).join('***'), message);
    this.ssc.reportError(this.name, safe, error, retryIn);
  }

  /** The error's message, credentials masked. */
  describe(error: unknown): string {
    return describeKafkaError(error, this.secrets);
  }
}
