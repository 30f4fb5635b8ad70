/**
 * When to connect again after a disconnect, by Twitter's documented rules for its streams: at
 * once after an established connection drops; linear back-off (250 ms more each time, up to 16 s)
 * for network errors; exponential back-off for HTTP errors (from 5 s, doubling, up to 320 s) and
 * for rate limiting, HTTP 429 (and v1.1's 420), from 1 minute.
 */
import { ConfigurationError } from '../../lib/index.js';

/** Why a connection ended, as far as the reconnect rules care. */
export type DisconnectKind =
  /** An established connection (status 200, then data or keep-alives) closed, failed or stalled: reconnect at once. */
  | 'dropped'
  /** No connection (refused, reset, timed out), or one that ended before its first line. */
  | 'network'
  /** A server error (5xx) or a request timeout (408). */
  | 'http'
  /** HTTP 429 (too many requests or connections), or 420 (v1.1's "enhance your calm"). */
  | 'rateLimited'
  /** An HTTP error that trying again cannot fix (401, 403, 404, ...): the receiver stops. */
  | 'fatal';

/**
 * The back-off of each kind of failure, ms; defaults are Twitter's rules.
 *
 * @example
 * twitterStream(ssc, { url, format: 'v2', reconnect: { rateLimitMaxMs: 300_000 } });
 */
export interface ReconnectPolicy {
  /** Network errors: each retry waits this much more. Default 250. */
  readonly networkStepMs?: number;
  /** Network errors: longest wait. Default 16 000. */
  readonly networkMaxMs?: number;
  /** HTTP errors: first wait, doubled each retry. Default 5 000. */
  readonly httpInitialMs?: number;
  /** HTTP errors: longest wait. Default 320 000. */
  readonly httpMaxMs?: number;
  /** Rate limiting: first wait, doubled each retry. Default 60 000. */
  readonly rateLimitInitialMs?: number;
  /**
   * Rate limiting: longest wait. Default 960 000 (16 minutes: Twitter documents no limit; this is
   * the first doubling past its 15-minute rate-limit window).
   */
  readonly rateLimitMaxMs?: number;
}

/**
 * The kind of disconnect an HTTP status other than 200 means.
 *
 * @example
 * kindOfStatus(429) // 'rateLimited'
 * kindOfStatus(401) // 'fatal'
 */
export function kindOfStatus(status: number): Exclude<DisconnectKind, 'dropped' | 'network'> {
  if (status === 420 || status === 429) return 'rateLimited';
  if (status === 408 || status >= 500) return 'http';
  return 'fatal';
}

/**
 * Checks a {@link ReconnectPolicy}; throws a ConfigurationError naming `what`.
 *
 * @example
 * checkReconnectPolicy('twitterStream', { httpMaxMs: -1 }) // throws: reconnect.httpMaxMs must be a number of ms >= 0
 */
export function checkReconnectPolicy(what: string, policy: ReconnectPolicy): void {
  for (const [key, value] of Object.entries(policy)) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new ConfigurationError(
        `${what}: reconnect.${key} must be a number of ms >= 0, got ${String(value)}`,
      );
    }
  }
}

/**
 * Counts failures in a row and says how long to wait before the next connection.
 *
 * @example
 * const backoff = new ReconnectBackoff();
 * backoff.delay('network'); // 250
 * backoff.delay('network'); // 500
 * backoff.delay('http');    // 5000
 * backoff.delay('dropped'); // 0, and the counts start again
 */
export class ReconnectBackoff {
  private readonly failures = { network: 0, http: 0, rateLimited: 0 };

  constructor(private readonly policy: ReconnectPolicy = {}) {}

  /** The wait before connecting again after a disconnect of `kind` (not `fatal`), ms. */
  delay(kind: Exclude<DisconnectKind, 'fatal'>): number {
    const p = this.policy;
    if (kind === 'dropped') {
      this.reset();
      return 0;
    }
    const n = ++this.failures[kind];
    if (kind === 'network') return Math.min(p.networkMaxMs ?? 16_000, n * (p.networkStepMs ?? 250));
    if (kind === 'http') return Math.min(p.httpMaxMs ?? 320_000, (p.httpInitialMs ?? 5_000) * 2 ** (n - 1));
    return Math.min(p.rateLimitMaxMs ?? 960_000, (p.rateLimitInitialMs ?? 60_000) * 2 ** (n - 1));
  }

  /** Starts counting again (a connection is established). */
  reset(): void {
    this.failures.network = 0;
    this.failures.http = 0;
    this.failures.rateLimited = 0;
  }
}
