/**
 * The line server output: listens for TCP clients and sends every batch's lines to each
 * connected client; a client that falls too far behind is dropped.
 */
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import {
  ConfigurationError,
  KindlingError,
  addOutput,
  type Delivery,
  type DStream,
  type Output,
} from '../../lib/index.js';
import { checkEndpoint, type Report } from '../../systems/socket/endpoint.js';
import { encodeLines, lineEncoder, type LineEncoder, type LineFormatOptions } from '../lines/encode.js';

/** Options of {@link SocketLineServer}. */
export interface SocketLineServerOptions<T> extends LineFormatOptions<T> {
  /** The port to listen on; 0 picks a free one (see `listening`). */
  readonly port: number;
  /** The address to bind; default `127.0.0.1` (give `0.0.0.0` to accept other machines). */
  readonly host?: string;
  /**
   * Bytes a client may have waiting to be sent when the next batch comes; past that it is
   * dropped and the drop is reported. Default 4 MiB.
   */
  readonly maxBufferedBytes?: number;
  /** TLS options (key, cert, ca, requestCert, ...); the server speaks TLS when given. */
  readonly tls?: TlsOptions;
}

/**
 * A TCP server that sends each batch, as lines, to every client connected at that time (default
 * format `'text'`). It listens from construction; `listening` resolves with the bound address.
 * An {@link Output}: use {@link socketLineServer}, which `ssc.stop()` closes; one used as a
 * `foreachBatch` function (`write`) is yours to `close()`.
 *
 * Delivery: at-most-once per client. A batch completes once its lines are queued on each client
 * (it does not wait for slow clients); a client that connects later does not get earlier batches;
 * a client whose unsent backlog exceeds `maxBufferedBytes` when a batch comes is disconnected and
 * reported on `ssc.events` (`connectorError`), and misses that batch and the rest.
 *
 * @example
 * const server = new SocketLineServer<string>({ port: 9999 });
 * words.foreachBatch(server.write);   // then: nc 127.0.0.1 9999
 */
export class SocketLineServer<T> implements Output<T> {
  readonly delivery: Delivery = {
    guarantee: 'at-most-once',
    when: 'per client: a client gets the batches that come while it is connected and keeps up',
  };
  private label: string;
  /** The bound address, once the server listens; rejects when it cannot (port in use). */
  readonly listening: Promise<AddressInfo>;
  private readonly encoder: LineEncoder<T>;
  private readonly maxBufferedBytes: number;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private waiters: { count: number; resolve: () => void }[] = [];

  /**
   * @param report - where dropped clients are reported (`ssc.reportError`).
   * @throws ConfigurationError when an option is wrong.
   */
  constructor(
    options: SocketLineServerOptions<T>,
    private readonly report: Report = () => undefined,
  ) {
    const host = options.host ?? '127.0.0.1';
    checkEndpoint('socket line server', host, options.port, true);
    this.label = `socket line server on ${host}:${options.port}`;
    this.encoder = lineEncoder(this.what, options, 'text');
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    if (!(Number.isInteger(this.maxBufferedBytes) && this.maxBufferedBytes > 0)) {
      throw new ConfigurationError(`${this.what}: maxBufferedBytes must be a positive whole number of bytes`);
    }
    const accept = (socket: Socket): void => this.accept(socket);
    this.server = options.tls ? createTlsServer(options.tls, accept) : createTcpServer(accept);
    this.listening = new Promise<AddressInfo>((resolve, reject) => {
      this.server.once('error', (error) =>
        reject(new KindlingError(`${this.what}: cannot listen: ${error.message}`, { cause: error })),
      );
      this.server.listen(options.port, host, () => {
        const address = this.server.address() as AddressInfo;
        this.label = `socket line server on ${host}:${address.port}`;
        resolve(address);
      });
    });
    this.listening.catch(() => undefined); // a batch awaits it and fails with its error
  }

  /** Names the server in messages: `socket line server on 127.0.0.1:9999` (the bound port once listening). */
  get what(): string {
    return this.label;
  }

  /** The output's name in events (see {@link what}). */
  get name(): string {
    return this.label;
  }

  /** How many clients are connected now. */
  get clients(): number {
    return this.sockets.size;
  }

  /**
   * Resolves once at least `count` clients are connected (say, before starting the context so
   * that a consumer gets the first batch).
   *
   * @example
   * await server.whenClients(1);
   */
  whenClients(count: number): Promise<void> {
    if (this.sockets.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Queues the lines of `records` on every connected client. A `foreachBatch` function (bound). */
  readonly write = async (records: readonly T[], time: number): Promise<void> => {
    await this.listening;
    let text: string;
    try {
      text = [...encodeLines(records, this.encoder)].join('');
    } catch (error) {
      throw new KindlingError(`${this.what}: batch ${time}: ${(error as Error).message}`, { cause: error });
    }
    if (text === '') return;
    const bytes = Buffer.from(text);
    for (const socket of this.sockets) {
      const backlog = socket.writableLength;
      if (backlog > this.maxBufferedBytes) {
        this.sockets.delete(socket);
        const who = peer(socket);
        socket.destroy();
        this.report(
          `dropped client ${who}: ${backlog} bytes still unsent, over ` +
            `maxBufferedBytes ${this.maxBufferedBytes}; it misses the batch at ${time} and later ones`,
        );
        continue;
      }
      socket.write(bytes);
    }
  };

  /** Stops listening and disconnects every client. A second call does nothing. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await this.listening.catch(() => undefined); // closed right after construction: let the listen finish
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined); // a client that went away is removed on 'close'
    socket.on('close', () => this.sockets.delete(socket));
    socket.resume(); // what clients send is ignored
    const ready = this.waiters.filter((w) => this.sockets.size >= w.count);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

function peer(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

/**
 * Serves every batch of `stream` as lines to the TCP clients connected at that time (see
 * {@link SocketLineServer}); binds 127.0.0.1 unless `host` says otherwise.
 *
 * @returns the server, for `listening`; `ssc.stop()` closes it.
 * @example
 * const server = socketLineServer(counts, { port: 9999, format: 'jsonl' });
 * await server.listening;
 *
 * Gotcha: at-most-once; slow clients are dropped, not waited for.
 */
export function socketLineServer<T>(
  stream: DStream<T>,
  options: SocketLineServerOptions<T>,
): SocketLineServer<T> {
  const server: SocketLineServer<T> = new SocketLineServer<T>(options, (message, error, retryIn) =>
    stream.context.reportError(server.what, message, error, retryIn),
  );
  addOutput(stream, server);
  return server;
}
