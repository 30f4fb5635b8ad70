/**
 * An HTTP server on 127.0.0.1 that hands each request to the test, which answers it by hand: a
 * status, lines, keep-alives, half a line, a broken connection. For what the replay server does not
 * do on purpose (invalid UTF-8, stalls, 503).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request, and its response for the test to write. */
export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

/** See the file summary. */
export class RawStreamServer {
  /** Requests received so far. */
  requests = 0;
  private arrived: Exchange[] = [];
  private waiting: ((exchange: Exchange) => void)[] = [];

  /** The URL of a v2 stream on this server. */
  readonly url: string;

  private constructor(private readonly server: Server) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/2/tweets/search/stream`;
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.requests++;
      // A client that goes away aborts the request: expected here, the test looks at 'close'.
      request.on('error', () => undefined);
      const exchange = { request, response };
      const waiter = this.waiting.shift();
      if (waiter) waiter(exchange);
      else this.arrived.push(exchange);
    });
  }

  static async listen(): Promise<RawStreamServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new RawStreamServer(server);
  }

  /** The next request (or the oldest not yet handed out). */
  nextRequest(): Promise<Exchange> {
    const exchange = this.arrived.shift();
    if (exchange) return Promise.resolve(exchange);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Closes the server and every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

/** Resolves when the request's connection has closed (the client aborted it, or it ended). */
export function closedRequest(request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => request.once('close', () => resolve()));
}

/** Starts a 200 streaming response, headers sent at once. */
export function accept(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.flushHeaders();
}

/** Writes `data` and resolves once it has been handed to the OS. */
export function send(response: ServerResponse, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    response.write(data, (error) => (error ? reject(error) : resolve())),
  );
}

/** A v2 stream line of a tweet with id `id` (digits) and `text`, with its CRLF. */
export function v2Line(id: string, text = `tweet ${id}`): string {
  return `${JSON.stringify({
    data: { id, text, created_at: '2011-10-15T05:36:56.000Z', author_id: '7' },
    includes: { users: [{ id: '7', name: 'Seven', username: 'seven' }] },
    matching_rules: [{ id: '1', tag: 'test' }],
  })}\r\n`;
}
