/**
 * The socket client factory: a TCP (or TLS) connection to a line server, with a time limit on
 * the connect, whose failure is a retriable KindlingError.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { KindlingError } from '../../lib/index.js';

/** Where to connect, and how. */
export interface SocketEndpoint {
  /** The server's host name or IP address. */
  readonly host: string;
  /** The server's TCP port. */
  readonly port: number;
  /** TLS options (ca, cert, key, servername, ...); the connection uses TLS when given. */
  readonly tls?: ConnectionOptions;
  /** How long a connection attempt may take, ms; default 10 000. */
  readonly connectTimeout?: number;
}

/**
 * Connects once; resolves with the open socket (TLS handshake done), or rejects with a retriable
 * KindlingError `cannot connect: ...` when the connect fails or takes longer than `connectTimeout`.
 * The socket's errors after that are the caller's to listen to.
 *
 * @example
 * const socket = await connectSocket({ host: '127.0.0.1', port: 9999 });
 */
export async function connectSocket(endpoint: SocketEndpoint): Promise<Socket> {
  const { host, port, tls } = endpoint;
  const socket = tls ? connectTls({ ...tls, host, port }) : connectTcp({ host, port });
  socket.setTimeout(endpoint.connectTimeout ?? 10_000);
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => {
      socket.destroy();
      reject(new KindlingError(`cannot connect: ${error.message}`, { cause: error, retriable: true }));
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(new Error('connection attempt timed out')));
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      socket.removeListener('error', fail);
      socket.setTimeout(0);
      resolve();
    });
  });
  return socket;
}
