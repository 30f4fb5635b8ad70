/**
 * One run of the Twitter receiver, from `onStart` to `onStop`: connects, reads the stream line by
 * line, stores tweets, and reconnects by Twitter's rules when the connection ends, fails or
 * stalls, until the receiver stops (or an HTTP error that retrying cannot fix stops it).
 */
import type { IncomingMessage } from 'node:http';
import { ReceiverError, SystemClock, type Clock, type RejectedRecord } from '../../lib/index.js';
import { redact, safeError } from '../../systems/redact.js';
import { Watchdog, wait } from './clock-wait.js';
import { cutLine, decodeLine } from './decode-line.js';
import { bodyExcerpt, openStream } from './http-stream.js';
import { LineSplitter } from './line-splitter.js';
import type { ResolvedTwitterOptions } from './options.js';
import { ReconnectBackoff, kindOfStatus, type DisconnectKind } from './reconnect.js';
import type { Tweet } from './tweet.js';

/** What a run needs of its receiver. */
export interface ReadingHost {
  store(records: readonly (Tweet | RejectedRecord)[]): Promise<void>;
  reportError(message: string, error?: unknown): void;
  stop(reason: string, error?: unknown): void;
}

/** How one connection ended. */
interface Ending {
  readonly kind: DisconnectKind | 'stopped';
  readonly message: string;
  readonly error?: unknown;
  /** The start of an error response's body. */
  readonly serverSaid?: string;
}

/** Hints for the HTTP errors users can fix. */
const HINTS: Readonly<Record<number, string>> = {
  401: 'the bearer token was refused (or none was sent): set TWITTER_BEARER_TOKEN, or bearerToken, to a valid token',
  403: "the token may not use this endpoint (check the app's access level and project)",
  404: 'no stream at this URL: check the url option',
};

/**
 * A run of the receiver; see the file summary.
 *
 * @example
 * const reading = new StreamReading(host, resolveTwitterOptions(options), ssc.clock);
 * reading.start(); // in onStart
 * await reading.stop(); // in onStop
 */
export class StreamReading {
  private readonly stopping = new AbortController();
  private running: Promise<void> = Promise.resolve();
  private readonly clock: Clock;
  private readonly secrets: readonly string[];

  constructor(
    private readonly host: ReadingHost,
    private readonly options: ResolvedTwitterOptions,
    clock: Clock | undefined,
  ) {
    this.clock = clock ?? new SystemClock();
    this.secrets = options.token === undefined ? [] : [options.token];
  }

  /** Starts connecting in the background. */
  start(): void {
    this.running = this.run();
  }

  /** Aborts the request under way and any back-off; resolves once the run has ended. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const backoff = new ReconnectBackoff(this.options.reconnect);
    for (let connection = 1; !this.stopping.signal.aborted; connection++) {
      let ending: Ending;
      try {
        ending = await this.connect(connection);
      } catch (error) {
        // A bug here must not end the receiver unseen: report it and connect again.
        ending = { kind: 'network', message: `reading ${this.options.where} failed`, error };
      }
      if (ending.kind === 'stopped' || this.stopping.signal.aborted) return;
      const error = ending.error === undefined ? undefined : safeError(ending.error, this.secrets);
      const said = ending.serverSaid === undefined ? '' : ` (the server said: ${ending.serverSaid})`;
      if (ending.kind === 'fatal') {
        const why = `not retried: trying again cannot fix this${said}`;
        this.host.stop(ending.message, new ReceiverError(this.options.name, why, { retriable: false }));
        return;
      }
      const delay = backoff.delay(ending.kind);
      this.host.reportError(
        `${this.safe(ending.message)}${said}; reconnecting ${delay === 0 ? 'now' : `in ${delay} ms`}`,
        error,
      );
      await wait(this.clock, delay, this.stopping.signal);
    }
  }

  /** One connection, from the request to its end. */
  private async connect(connection: number): Promise<Ending> {
    const { url, where, token, stallTimeoutMs } = this.options;
    const abort = new AbortController();
    const onStop = (): void => abort.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    let stalled = false;
    const watchdog = new Watchdog(this.clock, stallTimeoutMs, () => {
      stalled = true;
      abort.abort();
    });
    let response: IncomingMessage | undefined;
    try {
      watchdog.arm();
      try {
        response = await openStream(url, token, abort.signal);
      } catch (error) {
        if (this.stopping.signal.aborted) return { kind: 'stopped', message: 'stopped' };
        if (stalled) return { kind: 'network', message: `${where} sent no response in ${stallTimeoutMs} ms` };
        return {
          kind: 'network',
          message: `could not connect to ${where}: ${this.safe(redact(error, []))}`,
          error,
        };
      }
      watchdog.disarm();
      const status = response.statusCode ?? 0;
      if (status !== 200) return await this.refused(response, status);
      return await this.read(response, connection, watchdog, () => stalled);
    } finally {
      watchdog.disarm();
      this.stopping.signal.removeEventListener('abort', onStop);
      response?.destroy();
    }
  }

  /** The ending of a response with a status other than 200. */
  private async refused(response: IncomingMessage, status: number): Promise<Ending> {
    const body = await bodyExcerpt(response, 500);
    const hint = HINTS[status];
    const message = `HTTP ${status} ${response.statusMessage ?? ''} from ${this.options.where}${hint === undefined ? '' : `: ${hint}`}`;
    return { kind: kindOfStatus(status), message, ...(body === '' ? {} : { serverSaid: this.safe(body) }) };
  }

  /** Reads the body of an accepted stream until it ends, fails, stalls or the run stops. */
  private async read(
    response: IncomingMessage,
    connection: number,
    watchdog: Watchdog,
    stalled: () => boolean,
  ): Promise<Ending> {
    const { where, format, stallTimeoutMs } = this.options;
    const lines = new LineSplitter(this.options.maxLineBytes);
    let lineNumber = 0;
    let established = false;
    const origin = (line = lineNumber): string => `${where}, connection ${connection}, line ${line}`;
    try {
      watchdog.arm();
      for await (const chunk of response as AsyncIterable<Buffer>) {
        watchdog.disarm();
        const records: (Tweet | RejectedRecord)[] = [];
        for (const line of lines.write(chunk)) {
          lineNumber++;
          established = true;
          const outcome = decodeLine(line, format, origin());
          if ('tweet' in outcome) records.push(outcome.tweet);
          else if ('rejected' in outcome) records.push(outcome.rejected);
          else if ('notice' in outcome) this.host.reportError(`${origin()}: ${this.safe(outcome.notice)}`);
        }
        if (records.length > 0 && !(await this.stored(records)))
          return { kind: 'stopped', message: 'stopped' };
        watchdog.arm();
      }
    } catch (error) {
      if (this.stopping.signal.aborted) return { kind: 'stopped', message: 'stopped' };
      await this.storeCut(lines.end(), origin, lineNumber);
      if (stalled()) {
        return {
          kind: 'dropped',
          message: `no data and no keep-alive from ${where} for ${stallTimeoutMs} ms (a stall): disconnected`,
        };
      }
      const kind = established ? 'dropped' : 'network';
      return { kind, message: `the connection to ${where} failed: ${this.safe(redact(error, []))}`, error };
    }
    await this.storeCut(lines.end(), origin, lineNumber);
    const kind = established ? 'dropped' : 'network';
    return { kind, message: `${where} ended the stream${established ? '' : ' before its first line'}` };
  }

  /** Stores the line a disconnect cut off, as a dead letter. */
  private async storeCut(
    partial: ReturnType<LineSplitter['end']>,
    origin: (line: number) => string,
    lineNumber: number,
  ): Promise<void> {
    if (partial !== undefined) await this.stored([cutLine(partial, origin(lineNumber + 1))]);
  }

  /** Stores `records`; false when they were not taken because the receiver stopped. */
  private async stored(records: readonly (Tweet | RejectedRecord)[]): Promise<boolean> {
    try {
      await this.host.store(records);
      return true;
    } catch (error) {
      if (!this.stopping.signal.aborted) {
        this.host.reportError(`${records.length} records from ${this.options.where} were not stored`, error);
      }
      return false;
    }
  }

  /** `text` with the token masked. */
  private safe(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('***'), text);
  }
}
