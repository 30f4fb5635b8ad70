/**
 * Retries calls to Kafka with back-off, reporting each failure on `ssc.events` (as
 * `connectorError`, with credentials masked). Shared by the direct stream and the output.
 */
import { KindlingError, backoffDelay, type BackoffPolicy, type StreamingContext } from '../../lib/index.js';
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
  async run<T>(what: string, call: () => Promise<T>, limits: BackoffPolicy = {}): Promise<T> {
    const policy = { ...this.policy, ...limits };
    const maxAttempts = policy.maxAttempts ?? Infinity;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const retriable = isRetriableKafkaError(error);
        if (this.stopped || !retriable || attempt >= maxAttempts) {
          if (error instanceof KindlingError) throw error;
          const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
          throw new KindlingError(`${this.name}: ${what} failed${tries}: ${this.describe(error)}`, {
            cause: error,
            retriable,
          });
        }
        const delay = backoffDelay(attempt, policy);
        this.report(`${what} failed: ${this.describe(error)}; trying again in ${delay} ms`, error, delay);
        await this.ssc.clock.sleep(delay);
      }
    }
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
