/**
 * One PutRecords call's worth of entries, put with retries: a call that fails as a whole is tried
 * again, and of a call that partly fails (`FailedRecordCount`, an `ErrorCode` per entry) only the
 * failed entries are sent again, with back-off, until none is left or the attempts run out.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { KindlingError, describeError, retry, type BackoffPolicy, type Clock } from '../../lib/index.js';
import { errorName, isPermanent, kinesisSdk } from '../../systems/kinesis/client.js';
import type { KinesisEntry } from './entries.js';

/** How {@link putWithRetries} calls the service and retries. */
export interface PutSettings {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly clock: Pick<Clock, 'sleep'>;
  readonly backoff: BackoffPolicy;
  /** Attempts in all for one entry, the first included. */
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number;
}

/** Some entries of a PutRecords call were not taken (they alone are sent again). */
class PartlyFailed extends Error {}

/**
 * Puts `entries` (at most one call's worth); resolves once every one was accepted. Throws a
 * KindlingError naming the stream and the last error when attempts run out, or at once for an
 * error retrying cannot mend (no such stream, no access).
 */
export async function putWithRetries(entries: readonly KinesisEntry[], settings: PutSettings): Promise<void> {
  const { client, streamName, maxAttempts } = settings;
  const { PutRecordsCommand } = kinesisSdk('the Kinesis output');
  let pending = entries;
  await retry(
    async (_attempt, signal) => {
      const answer = await client.send(
        new PutRecordsCommand({ StreamName: streamName, Records: pending.map((e) => e.entry) }),
        { abortSignal: signal },
      );
      const results = answer.Records ?? [];
      if (!answer.FailedRecordCount && results.length === pending.length) return;
      // An entry without a result counts as failed: it is sent again (at-least-once).
      const failed = pending.filter(
        (_, i) => results[i] === undefined || results[i]?.ErrorCode !== undefined,
      );
      if (failed.length === 0) return;
      const first = results.find((r) => r.ErrorCode !== undefined);
      const message =
        `${failed.length} of ${pending.length} records failed (${first?.ErrorCode ?? 'no result'}: ` +
        `${first?.ErrorMessage ?? 'the answer had fewer entries than the request'})`;
      pending = failed;
      throw new PartlyFailed(message);
    },
    settings.clock,
    {
      ...settings.backoff,
      maxAttempts,
      tryTimeout: settings.requestTimeoutMs,
      shouldRetry: (error) => !isPermanent(error),
      giveUp: (error, attempts) => {
        if (error instanceof PartlyFailed) {
          return new KindlingError(
            `PutRecords to stream '${streamName}': ${error.message} after ${attempts} attempts; ` +
              "raise maxAttempts or the stream's shard count, or lower the rate",
            { retriable: true },
          );
        }
        const message = `PutRecords to stream '${streamName}' failed: ${errorName(error) ?? 'error'}: ${describeError(error)}`;
        return new KindlingError(`${message} (attempt ${attempts} of ${maxAttempts})`, { cause: error });
      },
    },
  );
}
