/**
 * socketTextStream's receiver: connects to a TCP server and stores each line it sends. When the
 * connection fails or closes, it restarts (and so reconnects) with back-off.
 */
import { once } from 'node:events';
import { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { ConfigurationError } from '../errors.js';
import { Receiver } from './receiver.js';

/** Options of `ssc.socketTextStream`. */
export interface SocketTextStreamOptions {
  /** Text encoding of the stream. Default `utf8`. */
  readonly encoding?: BufferEncoding;
}

/**
 * Reads lines of text from `host:port`. Lines end with `\n` or `\r\n`; a character or a line
 * split across TCP packets is put back together; the last line before the server closes the
 * connection counts even without a line end. A failed or closed connection restarts the receiver
 * (reported on `ssc.events` as `receiverError` with `restartIn`), which connects again.
 *
 * @example
 * ssc.receiverStream(new SocketReceiver('127.0.0.1', 9999)).print();
 * // the same as ssc.socketTextStream('127.0.0.1', 9999)
 *
 * Gotcha: while `store` waits (under `maxRate`) the socket is paused, so TCP pushes back on the
 * server instead of lines piling up in memory.
 */
export class SocketReceiver extends Receiver<string> {
  private connection: { readonly socket: Socket; closed: boolean } | undefined;

  /**
   * @param host the server's host name or address.
   * @param port the server's TCP port.
   * @param options the text encoding.
   */
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly options: SocketTextStreamOptions = {},
  ) {
    super(`socket ${host}:${port}`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ConfigurationError(
        `socketTextStream: port must be a whole number from 1 to 65535, got ${port}`,
      );
    }
  }

  onStart(): void {
    const socket = new Socket();
    const connection = { socket, closed: false };
    const decoder = new StringDecoder(this.options.encoding ?? 'utf8');
    const where = `${this.host}:${this.port}`;
    let pending = '';
    this.connection = connection;

    socket.on('data', (chunk: Buffer) => {
      const parts = (pending + decoder.write(chunk)).split('\n');
      pending = parts.pop() ?? '';
      if (parts.length === 0) return;
      socket.pause();
      this.store(parts.map(stripCr)).then(
        () => socket.resume(),
        (error: unknown) => this.fail(connection, 'could not store received lines', error),
      );
    });
    socket.on('error', (error) => this.fail(connection, `connection to ${where} failed`, error));
    socket.on('close', () => {
      if (connection.closed) return;
      connection.closed = true;
      const last = pending + decoder.end();
      pending = '';
      const flushed = last === '' ? Promise.resolve() : this.store([stripCr(last)]);
      flushed.then(
        () => this.restart(`connection to ${where} closed by the server`),
        (error: unknown) =>
          this.restart(`connection to ${where} closed; its last line was not stored`, error),
      );
    });
    socket.connect(this.port, this.host);
  }

  /** Closes the connection; resolves once the socket is closed, so no handle outlives the stop. */
  async onStop(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    connection.closed = true;
    const socket = connection.socket;
    if (socket.closed) return;
    const closed = once(socket, 'close');
    socket.destroy();
    await closed;
  }

  /** Ends `connection` (once) and asks for a restart. */
  private fail(
    connection: { readonly socket: Socket; closed: boolean },
    reason: string,
    error: unknown,
  ): void {
    if (connection.closed) {
      // The connection already ended (or the receiver stopped); the error still must not go unseen.
      this.reportError(reason, error);
      return;
    }
    connection.closed = true;
    connection.socket.destroy();
    this.restart(reason, error);
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
