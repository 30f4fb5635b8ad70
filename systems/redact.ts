/**
 * Keeps secrets out of what connectors report: error messages with passwords (and the user info
 * of URLs) replaced by `***`, and copies of client errors that hold nothing else. Shared by the
 * RabbitMQ, MQTT, MongoDB and Twitter connectors.
 */
import { describeError } from '../lib/index.js';

/**
 * The error's message with every secret, and the user info of every URL, replaced by `***`.
 *
 * @example
 * redact(new Error('amqp://app:s3cret@mq refused'), ['s3cret']) // 'amqp://***@mq refused'
 */
export function redact(error: unknown, secrets: readonly string[]): string {
  let text = describeError(error);
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('***');
  return text.replace(/\b([a-z][a-z0-9+.-]*):\/\/[^/@\s]*@/gi, '$1://***@');
}

/**
 * A copy of `error` (name, redacted message, `code`) to keep as a cause: the client's own error
 * object may hold its options, password included, and is not kept.
 *
 * @example
 * throw new KindlingError(`could not connect: ${redact(e, secrets)}`, { cause: safeError(e, secrets) });
 */
export function safeError(error: unknown, secrets: readonly string[]): Error {
  const copy = new Error(redact(error, secrets));
  if (error instanceof Error) copy.name = error.name;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  return copy;
}
