/**
 * One PutRecords call's worth of entries, put with retries: a call that fails as a whole is tried
 * again, and of a call that partly fails (`FailedRecordCount`, an `ErrorCode` per entry) only the
 * failed entries are sent again, with back-off, until none is left or the attempts run out.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { KindlingError, backoffDelay, type BackoffPolicy, type Clock } from '../../lib/index.js';
import { callSignal, describe, errorName, isPermanent } from '../../systems/kinesis/client.js';
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

/**
 * Puts `entries` (at most one call's worth); resolves once every one was accepted. Throws a
 * KindlingError naming the stream and the last error when attempts run out, or at once for an
 * error retrying cannot mend (no such stream, no access).
 */
export async function putWithRetries(entries: readonly KinesisEntry[], settings: PutSettings): Promise<void> {
  const { client, streamName, maxAttempts } = settings;
  let pending = entries;
  for (let attempt = 1; ; attempt++) {
    let failed: KinesisEntry[];
    let lastError: string;
    try {
      const answer = await client.send(
        new PutRecordsCommand({ StreamName: streamName, Records: pending.map((e) => e.entry) }),
        { abortSignal: callSignal(settings.requestTimeoutMs) },
      );
      const results = answer.Records ?? [];
      if (!answer.FailedRecordCount && results.length === pending.length) return;
      // An entry without a result counts as failed: it is sent again (at-least-once).
      failed = pending.filter((_, i) => results[i] === undefined || results[i]?.ErrorCode !== undefined);
      if (failed.length === 0) return;
      const first = results.find((r) => r.ErrorCode !== undefined);
      lastError = `${failed.length} of ${pending.length} records failed (${first?.ErrorCode ?? 'no result'}: ${
        first?.ErrorMessage ?? 'the answer had fewer entries than the request'
      })`;
    } catch (error) {
      const message = `PutRecords to stream '${streamName}' failed: ${errorName(error) ?? 'error'}: ${describe(error)}`;
      if (isPermanent(error) || attempt >= maxAttempts) {
        throw new KindlingError(`${message} (attempt ${attempt} of ${maxAttempts})`, { cause: error });
      }
      await settings.clock.sleep(backoffDelay(attempt, settings.backoff));
      continue;
    }
    if (attempt >= maxAttempts) {
      throw new KindlingError(
        `PutRecords to stream '${streamName}': ${lastError} after ${attempt} attempts; ` +
          "raise maxAttempts or the stream's shard count, or lower the rate",
        { retriable: true },
      );
    }
    pending = failed;
    await settings.clock.sleep(backoffDelay(attempt, settings.backoff));
  }
}
