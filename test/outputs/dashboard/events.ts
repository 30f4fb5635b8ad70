/**
 * A Server-Sent Events reader for tests: opens an event stream with node:http, parses its
 * messages, and waits for messages or the end of the stream with an explicit time limit.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

/** One parsed message: its event name and its JSON data. */
export interface SseMessage {
  readonly event: string;
  readonly data: unknown;
}

const limitMs = 10_000;

export class EventReader {
  readonly messages: SseMessage[] = [];
  private buffer = '';
  private consumed = 0;
  private endedFlag = false;
  private wake: (() => void) | undefined;

  private constructor(
    private readonly req: ClientRequest,
    res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) !== -1) {
        this.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 2);
      }
      this.wake?.();
    });
    res.on('close', () => {
      this.endedFlag = true;
      this.wake?.();
    });
  }

  /** Opens `path` on 127.0.0.1:`port`; rejects unless it answers 200 with an event stream. */
  static open(port: number, path: string, headers: Record<string, string> = {}): Promise<EventReader> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.resume();
          reject(new Error(`${path} answered ${res.statusCode} ${String(res.headers['content-type'])}`));
          return;
        }
        resolve(new EventReader(req, res));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** The next `count` messages not returned yet. */
  next(count: number): Promise<SseMessage[]> {
    return this.take(() =>
      this.messages.length - this.consumed >= count ? this.consumed + count : undefined,
    );
  }

  /** The messages not returned yet, up to and including the first for which `match` is true. */
  until(match: (message: SseMessage) => boolean): Promise<SseMessage[]> {
    return this.take(() => {
      const at = this.messages.findIndex((m, n) => n >= this.consumed && match(m));
      return at === -1 ? undefined : at + 1;
    });
  }

  /** The messages not returned yet, once the server has ended the stream. */
  ended(): Promise<SseMessage[]> {
    return this.take(() => (this.endedFlag ? this.messages.length : undefined));
  }

  close(): void {
    this.req.destroy();
  }

  private async take(upTo: () => number | undefined): Promise<SseMessage[]> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const end = upTo();
      if (end !== undefined) {
        const taken = this.messages.slice(this.consumed, end);
        this.consumed = end;
        return taken;
      }
      if (this.endedFlag) throw new Error(`the event stream ended; messages: ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such message within ${limitMs} ms; messages: ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) this.messages.push({ event, data: JSON.parse(data.join('\n')) as unknown });
  }

  private describe(): string {
    return this.messages.map((m) => m.event).join(', ') || '(none)';
  }
}
