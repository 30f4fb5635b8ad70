/**
 * A raw HTTP client of a streaming endpoint for the replay server's tests: collects the lines
 * (split at CRLF, the line end the API uses) and waits for them, or for the end, never on time.
 */
import { get, type IncomingMessage } from 'node:http';

/** One GET of a stream, its status and the lines received so far. */
export class StreamClient {
  readonly lines: string[] = [];
  private rest = '';
  private waiters: { n: number; resolve: () => void }[] = [];
  /** Resolves when the response has ended (or the connection closed). */
  readonly ended: Promise<void>;

  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      const parts = (this.rest + chunk).split('\r\n');
      this.rest = parts.pop() as string;
      this.lines.push(...parts);
      this.waiters = this.waiters.filter((w) => (this.lines.length >= w.n ? (w.resolve(), false) : true));
    });
    this.ended = new Promise((resolve) => response.on('close', resolve));
  }

  /** Connects; resolves once the headers arrived. */
  static open(url: string, headers: Record<string, string> = {}): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      get(url, { headers, agent: false }, (response) => resolve(new StreamClient(response))).on(
        'error',
        reject,
      );
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** Bytes after the last CRLF (a line without its line end). */
  get unterminated(): string {
    return this.rest;
  }

  /** Resolves once `n` lines in all have arrived. */
  waitLines(n: number): Promise<void> {
    if (this.lines.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** Closes the connection. */
  close(): void {
    this.response.destroy();
  }
}
