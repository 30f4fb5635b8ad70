/**
 * The TCP line client output: connects to a line server, writes one line per record, and
 * reconnects with back-off when the connection is lost.
 */
import type { Socket } from 'node:net';
import {
  KindlingError,
  SystemClock,
  addOutput,
  retry,
  type BackoffPolicy,
  type Clock,
  type Delivery,
  type DStream,
  type Output,
} from '../../lib/index.js';
import { connectSocket, type SocketEndpoint } from '../../systems/socket/connect.js';
import { checkEndpoint, type Report } from '../../systems/socket/endpoint.js';
import { encodeLines, lineEncoder, type LineEncoder, type LineFormatOptions } from '../lines/encode.js';
import { writeFlushed } from '../lines/write.js';

/** Options of {@link SocketLineOutput}. */
export interface SocketLineOutputOptions<T> extends LineFormatOptions<T>, SocketEndpoint {
  /** How reconnects back off within one batch; default 10 attempts from 200 ms up to 5 s. */
  readonly retry?: BackoffPolicy;
  /** The clock of the back-off; default the system clock. */
  readonly clock?: Clock;
}

/**
 * Writes each batch as lines to a TCP server (default format `'text'`: strings as they are,
 * anything else as JSON): an {@link Output}. Use {@link socketLineOutput}, which `ssc.stop()`
 * closes; one used as a `foreachBatch` function (`write`) is yours to `close()`.
 *
 * Delivery: at-least-once for the batch being written, at-most-once for batches already
 * completed. A batch completes once all its lines are flushed to the socket (written to the
 * kernel; a line protocol has no acknowledgements). When the connection fails during a batch,
 * the whole batch is sent again on a new connection after a back-off, so the server may see some
 * of its lines twice; lines of a completed batch still in flight when the server went away are
 * lost. Both are reported on `ssc.events` (`connectorError`).
 *
 * @example
 * const out = new SocketLineOutput<Alert>({ host: '127.0.0.1', port: 9999, format: 'jsonl' });
 * alerts.foreachBatch(out.write);
 */
export class SocketLineOutput<T> implements Output<T> {
  /** The output as messages name it: `socket line output to host:port`. */
  readonly what: string;
  readonly delivery: Delivery = {
    guarantee: 'at-least-once',
    when: 'for the batch being written (sent again whole on a new connection); lines of a completed batch still in flight when the server goes away are lost',
  };
  private readonly encoder: LineEncoder<T>;
  private readonly clock: Clock;
  private readonly policy: BackoffPolicy;
  private socket: Socket | undefined;
  private closed = false;

  /**
   * @param report - where lost connections and resends are reported (`ssc.reportError`).
   * @throws ConfigurationError when an option is wrong (before anything connects).
   */
  constructor(
    private readonly options: SocketLineOutputOptions<T>,
    private readonly report: Report = () => undefined,
  ) {
    checkEndpoint('socket line output', options.host, options.port, false);
    this.what = `socket line output to ${options.host}:${options.port}`;
    this.encoder = lineEncoder(this.what, options, 'text');
    this.clock = options.clock ?? new SystemClock();
    this.policy = { initialDelay: 200, maxDelay: 5000, maxAttempts: 10, ...options.retry };
  }

  /** Writes `records` as lines; resolves once they are flushed to the socket. A `foreachBatch` function (bound). */
  readonly write = async (records: readonly T[], time: number): Promise<void> => {
    let chunks: string[];
    try {
      chunks = [...encodeLines(records, this.encoder)];
    } catch (error) {
      throw new KindlingError(`${this.what}: batch ${time}: ${(error as Error).message}`, { cause: error });
    }
    if (chunks.length === 0) return;
    let resending = false;
    let writing = false;
    await retry(
      async () => {
        writing = false;
        try {
          if (this.closed) throw new KindlingError(`${this.what}: the output is closed`);
          const socket = await this.connectedSocket();
          writing = true;
          await writeFlushed(socket, chunks);
        } catch (error) {
          this.drop();
          throw error;
        }
        if (resending)
          this.report(`batch ${time}: sent all ${records.length} lines again on a new connection`);
      },
      this.clock,
      {
        ...this.policy,
        shouldRetry: () => !this.closed,
        onRetry: (error, _attempt, delay) => {
          const message = (error as Error).message;
          resending ||= writing;
          this.report(
            writing
              ? `batch ${time}: the connection failed while writing its ${records.length} lines (${message}); ` +
                  `sending them all again in ${delay} ms (lines the server already received arrive twice)`
              : `batch ${time}: ${message}; trying again in ${delay} ms`,
            error,
            delay,
          );
        },
        giveUp: (error, attempts) =>
          new KindlingError(
            `${this.what}: batch ${time}: ${records.length} lines not delivered after ${attempts} attempts: ${(error as Error).message}`,
            { cause: error, retriable: true },
          ),
      },
    );
  };

  /** The output's name in events: `socket line output to host:port`. */
  get name(): string {
    return this.what;
  }

  /** Closes the connection; later batches fail. A second call does nothing. */
  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
    });
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** The open connection, connecting first when there is none. */
  private async connectedSocket(): Promise<Socket> {
    const current = this.socket;
    if (current && !current.destroyed && !current.readableEnded) return current;
    this.drop();
    const socket = await connectSocket(this.options);
    socket.on('error', () => undefined); // surfaces through writes and 'close'
    socket.resume(); // the server's data is ignored; reading sees its FIN
    socket.once('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (!this.closed) this.report('the server closed the connection; reconnecting for the next batch');
    });
    this.socket = socket;
    return socket;
  }
}

/**
 * Writes every batch of `stream` as lines to a TCP server (see {@link SocketLineOutput}); lost
 * connections and resends are reported on `ssc.events`.
 *
 * @returns the output; `ssc.stop()` closes it once the last batch is written.
 * @example
 * const out = socketLineOutput(words, { host: '127.0.0.1', port: 9999 });
 *
 * Gotcha: at-least-once for a batch that fails mid-write, at-most-once for completed ones.
 */
export function socketLineOutput<T>(
  stream: DStream<T>,
  options: SocketLineOutputOptions<T>,
): SocketLineOutput<T> {
  let what = 'socket line output';
  const output = new SocketLineOutput<T>(options, (message, error, retryIn) =>
    stream.context.reportError(what, message, error, retryIn),
  );
  what = output.what;
  addOutput(stream, output);
  return output;
}
