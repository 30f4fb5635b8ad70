/**
 * The replay's sender: one pass (or, with `loop`, passes) over a {@link Feed}, paced on the
 * injected clock, written to every connected client as a live stream is: a client that connects
 * late gets the tweets from then on. The replay waits while no client is connected, so nothing is
 * skipped while a receiver reconnects, except what was in flight on the dropped connection.
 */
import type { ServerResponse } from 'node:http';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Clock } from '../../../lib/index.js';
import { wait } from '../clock-wait.js';
import type { TweetFormat } from '../tweet.js';
import type { Feed } from './feed.js';

/** One connected client. */
export interface ReplayClient {
  readonly format: TweetFormat;
  readonly response: ServerResponse;
}

/**
 * Writes a feed to the connected clients; see the file summary.
 *
 * @example
 * const broadcast = new Broadcast(feed, clock, false, 20_000);
 * broadcast.start();
 * broadcast.add({ format: 'v2', response }); // after writeHead(200)
 */
export class Broadcast {
  /** Lines of the file sent (each once, whatever the number of clients). */
  sent = 0;
  private readonly clients = new Set<ReplayClient>();
  private index = 0;
  private pass = 0;
  /** Clock time the first pass started, moved on by the time no client was connected. */
  private started: number | undefined;
  private pausedAt: number | undefined;
  private lastWrite = 0;
  private finished = false;
  private closed = false;
  private waker = new AbortController();
  /** Aborted by close(). */
  private readonly closingSignal = new AbortController();
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly feed: Feed,
    private readonly clock: Clock,
    private readonly loop: boolean,
    private readonly keepAliveMs: number,
  ) {}

  /** Starts sending (it waits for the first client). */
  start(): void {
    this.running = this.run();
  }

  /** True while the sender waits for a client that reads too slowly (its buffers are full). */
  heldUp = false;

  /** Connected clients. */
  get connected(): number {
    return this.clients.size;
  }

  /** Adds a client whose headers were sent; after the end of the file (without `loop`), ends it at once. */
  add(client: ReplayClient): void {
    if (this.finished || this.closed) {
      client.response.end();
      return;
    }
    this.clients.add(client);
    client.response.once('close', () => {
      this.clients.delete(client);
      this.wakeUp();
    });
    this.wakeUp();
  }

  /** Breaks every client's connection mid-stream, as a network failure or a server restart would. */
  dropAll(): void {
    for (const client of this.clients) client.response.socket?.destroy();
  }

  /** Stops sending and ends every client's response; resolves once the sender has returned. */
  async close(): Promise<void> {
    this.closed = true;
    this.closingSignal.abort();
    this.wakeUp();
    await this.running;
    for (const client of this.clients) client.response.end();
  }

  private wakeUp(): void {
    this.waker.abort();
    this.waker = new AbortController();
  }

  private async run(): Promise<void> {
    const { lines, offsets } = this.feed;
    let burst = 0;
    while (!this.closed) {
      const now = this.clock.now();
      if (this.clients.size === 0) {
        this.pausedAt ??= now;
        const woken = this.waker.signal;
        await new Promise((resolve) => woken.addEventListener('abort', resolve, { once: true }));
        continue;
      }
      if (this.pausedAt !== undefined) {
        if (this.started !== undefined) this.started += now - this.pausedAt;
        this.pausedAt = undefined;
        this.lastWrite = now;
      }
      if (this.started === undefined) {
        this.started = now;
        this.lastWrite = now;
      }
      if (this.index >= lines.length) {
        if (!this.loop) {
          this.finished = true;
          for (const client of this.clients) client.response.end();
          return;
        }
        this.index = 0;
        this.pass++;
      }
      const due = this.started + this.pass * this.feed.passLength + (offsets[this.index] as number);
      if (due <= now) {
        this.write(this.index);
        this.index++;
        this.sent++;
        this.lastWrite = now;
        if ([...this.clients].some((c) => c.response.writableNeedDrain)) await this.drain();
        else if (++burst % 256 === 0) await yieldToEvents();
        continue;
      }
      const keepAliveAt = this.lastWrite + this.keepAliveMs;
      if (keepAliveAt <= now) {
        for (const client of this.clients) client.response.write('\r\n');
        this.lastWrite = now;
        continue;
      }
      await wait(this.clock, Math.min(due, keepAliveAt) - now, this.waker.signal);
    }
  }

  private write(index: number): void {
    let v2: string | undefined;
    let v1: string | undefined;
    for (const client of this.clients) {
      const line =
        client.format === 'v2'
          ? (v2 ??= this.feed.line(index, 'v2'))
          : (v1 ??= this.feed.line(index, 'v1.1'));
      client.response.write(`${line}\r\n`);
    }
  }

  /** Waits until every client that asked to slow down has drained (or gone), or the server closes. */
  private async drain(): Promise<void> {
    const slow = [...this.clients].filter((c) => c.response.writableNeedDrain);
    const closing = this.closingSignal.signal;
    this.heldUp = true;
    await Promise.all(
      slow.map(
        ({ response }) =>
          new Promise<void>((resolve) => {
            const done = (): void => {
              response.off('drain', done);
              response.off('close', done);
              closing.removeEventListener('abort', done);
              resolve();
            };
            response.on('drain', done);
            response.on('close', done);
            // A client that reads nothing must not hold up close().
            closing.addEventListener('abort', done, { once: true });
          }),
      ),
    );
    this.heldUp = false;
  }
}
