/**
 * socketTextStream's receiver: connects to a TCP server and stores each line it sends. When the
 * connection fails or closes, it restarts (and so reconnects) with back-off.
 */
import { once } from 'node:events';
import { Socket } from 'node:net';
import { ConfigurationError } from '../errors.js';
import type { RejectedRecord, RejectingReceiver } from '../dstream/dead-letters/dead-letter-log.js';
import { LineDecoder, checkLineDecoding, type LineDecodingOptions } from './line-decoder.js';
import { Receiver } from './receiver.js';

/**
 * Options of `ssc.socketTextStream`: `decode` (`'text'` or `'json'`) and `maxRecordBytes`
 * (see {@link LineDecodingOptions}), and the text encoding.
 */
export interface SocketTextStreamOptions extends LineDecodingOptions {
  /**
   * Text encoding of the stream: `utf8` (default; a line that is not UTF-8 goes to the dead
   * letters) or `latin1` (every byte is a character; nothing is invalid).
   */
  readonly encoding?: 'utf8' | 'latin1';
}

/**
 * Reads lines of text from `host:port`. Lines end with `\n` or `\r\n`; a character or a line
 * split across TCP packets is put back together; the last line before the server closes the
 * connection counts even without a line end. A failed or closed connection restarts the receiver
 * (reported on `ssc.events` as `receiverError` with `restartIn`), which connects again. Lines are
 * cut and checked as bytes: one that is not UTF-8, not JSON (`decode: 'json'`) or longer than
 * `maxRecordBytes` becomes a dead letter of the stream (origin `socket host:port`), never a record.
 *
 * @example
 * ssc.receiverStream(new SocketReceiver('127.0.0.1', 9999)).print();
 * // the same as ssc.socketTextStream('127.0.0.1', 9999)
 *
 * Gotchas: its records are typed `T | RejectedRecord`, but the input stream takes the rejected ones
 * out of every batch (they are dead letters), so `ssc.socketTextStream` types its stream `T`.
 * While `store` waits (under `maxRate`) the socket is paused, so TCP pushes back on the
 * server instead of lines piling up in memory.
 */
export class SocketReceiver<T = string> extends Receiver<T | RejectedRecord> implements RejectingReceiver {
  /** Lines that cannot be decoded are stored as {@link RejectedRecord}s, for the dead letters. */
  readonly storesRejectedRecords = true;
  private connection: { readonly socket: Socket; closed: boolean } | undefined;

  /**
   * @param host the server's host name or address.
   * @param port the server's TCP port.
   * @param options `decode`, `maxRecordBytes` and the text encoding. With `decode: 'json'`, give
   *   the records' type as `T` (default `string`, right for `'text'` only).
   */
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly options: SocketTextStreamOptions = {},
  ) {
    super(`socket ${host}:${port}`);
    checkLineDecoding('socketTextStream', options);
    if (options.encoding !== undefined && options.encoding !== 'utf8' && options.encoding !== 'latin1') {
      throw new ConfigurationError(
        `socketTextStream: encoding must be 'utf8' or 'latin1', got '${String(options.encoding)}'`,
      );
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ConfigurationError(
        `socketTextStream: port must be a whole number from 1 to 65535, got ${port}`,
      );
    }
  }

  onStart(): void {
    const socket = new Socket();
    const connection = { socket, closed: false };
    const lines = new LineDecoder(this.options);
    const where = `${this.host}:${this.port}`;
    this.connection = connection;

    socket.on('data', (chunk: Buffer) => {
      const parts = lines.write(chunk) as (T | RejectedRecord)[];
      if (parts.length === 0) return;
      socket.pause();
      this.store(parts).then(
        () => socket.resume(),
        (error: unknown) => this.fail(connection, 'could not store received lines', error),
      );
    });
    socket.on('error', (error) => this.fail(connection, `connection to ${where} failed`, error));
    socket.on('close', () => {
      if (connection.closed) return;
      connection.closed = true;
      const last = lines.end() as (T | RejectedRecord)[];
      const flushed = last.length === 0 ? Promise.resolve() : this.store(last);
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
