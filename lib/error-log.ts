/**
 * The log lines of what receivers and connectors report (`receiverError`, `ssc.reportError`):
 * one line each, with what failed, the cause and, for the usual network errors, how to fix it.
 * A reconnect loop does not flood the log: a line like one logged less than
 * {@link REPEAT_INTERVAL} ago (same source, same text but for its numbers) is counted, and the
 * next one logged after the interval says how many were left out. The events carry every one.
 */
import type { Logger } from './logger.js';
import type { Clock } from './types.js';

/** How often a line of the same kind is logged again while it repeats, ms. */
export const REPEAT_INTERVAL = 30_000;

/** Kinds of line remembered at most; the oldest is forgotten past it. */
const MAX_KINDS = 1000;

/** How to fix the usual network errors, by their `code`. */
const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Nothing accepts connections there: start the server, or correct the host and port',
  ENOTFOUND: 'The host name does not resolve: correct the host, or check DNS',
  EAI_AGAIN: 'The host name could not be resolved now: check DNS and the network',
  ETIMEDOUT: 'The host did not answer: check the address, and any firewall on the way',
  EHOSTUNREACH: 'The host cannot be reached: check the address and the network',
  ENETUNREACH: 'The network cannot be reached: check the address and the network',
  ECONNRESET: 'The server dropped the connection: its log says why',
  EACCES: 'Permission denied: check the address and what this process may open',
};

interface Kind {
  /** When a line of this kind was last logged, on the clock. */
  loggedAt: number;
  /** Lines of this kind left out since. */
  left: number;
  /** The last line left out. */
  last: string;
}

/** Logs reported errors for people, rate-limited per kind; see the file summary. */
export class ErrorLog {
  private readonly kinds = new Map<string, Kind>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly interval = REPEAT_INTERVAL,
  ) {}

  /**
   * Logs what `source` reported (a warning), unless a line of its kind was logged less than the
   * interval ago: then it is counted, for the next line of the kind.
   *
   * @param retryIn ms until the source tries again, when the message does not say it.
   * @example
   * log.report("receiver 'socket 127.0.0.1:9999'", 'connection failed (connect ECONNREFUSED 127.0.0.1:9999)', error, 100);
   */
  report(source: string, message: string, error?: unknown, retryIn?: number): void {
    const hint = hintFor(error) ?? hintIn(message);
    const line = oneLine(
      `${source}: ${message}${retryIn === undefined ? '' : `; next try in ${retryIn} ms`}` +
        (hint === undefined ? '' : `. ${hint}`),
    );
    const key = `${source}\u0000${message.replace(/\d+/g, '#')}`;
    const now = this.clock.now();
    const kind = this.kinds.get(key);
    if (kind && now - kind.loggedAt < this.interval) {
      kind.left++;
      kind.last = line;
      return;
    }
    this.logger.warn(kind && kind.left > 0 ? `${line} ${this.repeats(kind, now)}` : line);
    this.kinds.delete(key);
    this.kinds.set(key, { loggedAt: now, left: 0, last: line });
    if (this.kinds.size > MAX_KINDS) this.kinds.delete(this.kinds.keys().next().value as string);
  }

  /** Logs the last line of every kind that has some left out, with their count (at the end). */
  flush(): void {
    const now = this.clock.now();
    for (const kind of this.kinds.values()) {
      if (kind.left > 0) this.logger.warn(`${kind.last} ${this.repeats(kind, now)}`);
    }
    this.kinds.clear();
  }

  private repeats(kind: Kind, now: number): string {
    const seconds = Math.max(0, Math.round((now - kind.loggedAt) / 1000));
    return `(${kind.left} more like it in the last ${seconds} s)`;
  }
}

/** The hint for the first network error `code` in `error` or its causes. */
function hintFor(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let next = error; typeof next === 'object' && next !== null && !seen.has(next);) {
    seen.add(next);
    const code = (next as { code?: unknown }).code;
    if (typeof code === 'string' && code in HINTS) return HINTS[code];
    next = (next as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The hint for the first network error code named in `message` (a cause kept as text only). */
function hintIn(message: string): string | undefined {
  const code = CODES.exec(message)?.[0];
  return code === undefined ? undefined : HINTS[code];
}

/** The codes of {@link HINTS}, as words in a text. */
const CODES = new RegExp(`\\b(?:${Object.keys(HINTS).join('|')})\\b`);

/** `text` on one line, and with the user info of any URL (`amqp://user:password@`) replaced. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\b([a-z][a-z0-9+.-]*):\/\/[^/@\s]*@/gi, '$1://***@');
}

/** A receiver's name as a log line's source. */
export function receiverSource(receiver: string): string {
  return `receiver '${receiver}'`;
}
