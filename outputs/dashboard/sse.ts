/**
 * Server-Sent Events to every open browser: each client gets a snapshot first, then every
 * update as it happens. A client that stops reading is dropped once too much waits for it (its
 * browser reconnects and gets a fresh snapshot).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One SSE message in the wire format: `event: <name>` and the JSON data on one `data:` line.
 *
 * @example
 * sseMessage('batch', { batchTime: 1000 }); // 'event: batch\ndata: {"batchTime":1000}\n\n'
 */
export function sseMessage(event: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so one data line carries the whole message.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The open event streams.
 *
 * @example
 * const hub = new EventHub(1 << 20);
 * hub.open(req, res, sseMessage('snapshot', snapshot));
 * hub.broadcast(sseMessage('batch', row));
 */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();

  /** @param maxBufferedBytes - bytes that may wait for one client before it is dropped. */
  constructor(private readonly maxBufferedBytes: number) {}

  /** How many browsers are connected. */
  get size(): number {
    return this.clients.size;
  }

  /** Answers `req` with an event stream that starts with `first`, and keeps it for broadcasts. */
  open(req: IncomingMessage, res: ServerResponse, first: string): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
      // Tells a reverse proxy (nginx) not to hold messages back.
      'X-Accel-Buffering': 'no',
    });
    // How long a browser waits before it reconnects after the stream broke.
    res.write(`retry: 2000\n\n${first}`);
    this.clients.add(res);
    const forget = (): void => {
      this.clients.delete(res);
    };
    req.once('close', forget);
    res.once('close', forget);
  }

  /** Sends `message` to every client; drops those too far behind. */
  broadcast(message: string): void {
    for (const res of this.clients) {
      if (res.writableLength > this.maxBufferedBytes) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(message);
    }
  }

  /** Ends every stream (after `last`, when given). */
  closeAll(last?: string): void {
    for (const res of this.clients) {
      if (last !== undefined) res.end(last);
      else res.end();
    }
    this.clients.clear();
  }
}
