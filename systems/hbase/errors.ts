/**
 * The HBase adapter's errors: the library's (strings, server exception objects) as
 * KindlingErrors that say whether a retry can help, and column names checked.
 */
import { KindlingError } from '../../lib/index.js';
import type { LibraryError } from './library.js';

/** The library's error (or a timeout) as a KindlingError; server exceptions keep their class name. */
export function toKindlingError(error: LibraryError | unknown, what: string): KindlingError {
  if (error instanceof KindlingError) return error;
  if (typeof error === 'string') {
    return new KindlingError(`${what}: ${error === 'timedout' ? 'the call timed out' : error}`, {
      retriable: true,
    });
  }
  if (error instanceof Error)
    return new KindlingError(`${what}: ${error.message}`, { cause: error, retriable: true });
  // A call's exception ({ exceptionClassName, stackTrace, doNotRetry }) or an action's
  // (a NameBytesPair: the class name, and the stack trace as bytes).
  const e = error as {
    exceptionClassName?: string;
    stackTrace?: string;
    doNotRetry?: boolean;
    name?: string;
  };
  const value = (error as { value?: { toBuffer?(): Buffer } }).value?.toBuffer?.().toString();
  const className = e.exceptionClassName ?? e.name ?? '';
  const firstLine = (e.stackTrace ?? value ?? '').split('\n')[0] ?? '';
  return new KindlingError(`${what}: ${firstLine || className || String(error)}`, {
    retriable: e.doNotRetry !== true && !doNotRetry(className),
  });
}

/** Server exceptions that no retry can help (HBase's DoNotRetryIOException family, the common ones). */
const DO_NOT_RETRY = [
  'NoSuchColumnFamilyException',
  'DoNotRetryIOException',
  'FailedSanityCheckException',
  'UnknownProtocolException',
  'TableNotFoundException',
  'TableNotEnabledException',
  'AccessDeniedException',
];

export function doNotRetry(className: string): boolean {
  return DO_NOT_RETRY.some((name) => className.endsWith(`.${name}`));
}

export function isServerException(value: unknown): value is { exceptionClassName?: string; name?: string } {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as { exceptionClassName?: unknown; name?: unknown };
  return typeof e.exceptionClassName === 'string' || typeof e.name === 'string';
}

/** `family:qualifier` as its two parts; the qualifier may contain ':'. */
export function splitColumn(column: string): [string, string] {
  const colon = column.indexOf(':');
  if (colon <= 0) {
    throw new KindlingError(`column ${JSON.stringify(column)} must be 'family:qualifier', e.g. 'p:name'`);
  }
  return [column.slice(0, colon), column.slice(colon + 1)];
}
