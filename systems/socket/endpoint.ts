/** What the socket line client and server share: option checks and the report callback. */
import { ConfigurationError } from '../../lib/index.js';

/**
 * Where a socket output reports what it handles itself, a lost connection or a resend
 * (`ssc.reportError` without the name): the message, the error, and the ms before it retries.
 */
export type Report = (message: string, error?: unknown, retryIn?: number) => void;

/**
 * Checks a host and port; throws a ConfigurationError that names what is wrong.
 *
 * @param allowAnyPort - true for a server, whose port may be 0 (any free port).
 * @example
 * checkEndpoint('socket line output', '127.0.0.1', 9999, false);
 */
export function checkEndpoint(what: string, host: unknown, port: unknown, allowAnyPort: boolean): void {
  if (typeof host !== 'string' || host === '') {
    throw new ConfigurationError(`${what}: host must be a host name or address, got ${JSON.stringify(host)}`);
  }
  const min = allowAnyPort ? 0 : 1;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < min || port > 65_535) {
    throw new ConfigurationError(
      `${what}: port must be a whole number from ${min} to 65535, got ${JSON.stringify(port)}`,
    );
  }
}
