/**
 * A TCP server on 127.0.0.1 that sends the lines of a text, over and over, at a steady rate to
 * every client that connects: the demo's stand-in for `nc -lk 9999`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A running line server. */
export interface LineServer {
  /** The port it listens on (chosen by the system). */
  readonly port: number;
  /** Stops sending, closes every connection and the server. */
  close(): Promise<void>;
}

/** How often the server writes, ms; each write carries `linesPerSecond / (1000 / TICK)` lines. */
const TICK = 100;

/**
 * Starts a server on 127.0.0.1 (a free port) that writes `lines` round-robin at about
 * `linesPerSecond` lines per second to each connection, pausing while a client is not reading.
 *
 * @example
 * const server = await startLineServer(['to be or not to be'], 50);
 * ssc.socketTextStream('127.0.0.1', server.port);
 * // ... later
 * await server.close();
 */
export async function startLineServer(lines: readonly string[], linesPerSecond: number): Promise<LineServer> {
  if (lines.length === 0) throw new RangeError('startLineServer: the text has no lines to send');
  const sockets = new Set<Socket>();
  const perTick = Math.max(1, Math.round((linesPerSecond * TICK) / 1000));
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let next = 0;
    let writable = true;
    socket.on('drain', () => (writable = true));
    const timer = setInterval(() => {
      if (!writable) return;
      const chunk: string[] = [];
      for (let i = 0; i < perTick; i++) {
        chunk.push(lines[next] as string);
        next = (next + 1) % lines.length;
      }
      writable = socket.write(`${chunk.join('\n')}\n`);
    }, TICK);
    const forget = (): void => {
      clearInterval(timer);
      sockets.delete(socket);
    };
    socket.on('close', forget);
    socket.on('error', forget);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
