/**
 * Shared pieces of the receiver and input tests: a context on a ManualClock that records its
 * events, batch collection, waiting on events and on stored records (never on real time).
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import {
  ManualClock,
  StreamingContext,
  type DStream,
  type EventOf,
  type StreamingContextOptions,
  type StreamingEvent,
  type StreamingEventType,
} from '../../../lib/index.js';
import type { ReceiverInputNode } from '../../../lib/dstream/inputs/receiver-stream.js';

/** Restarts back off 500 ms, then 1000 ms, ... with no jitter. */
export const RESTART = { initialDelay: 500, jitter: 0 } as const;

/** A context with 1 s batches on a ManualClock at 0, recording every event. */
export function setup(options: Partial<StreamingContextOptions> = {}) {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, receiverRestart: RESTART, ...options });
  const events: StreamingEvent[] = [];
  ssc.events.subscribe((event) => events.push(event));
  return { clock, ssc, events };
}

/** Collects every batch of `stream` as `{ time, records }`. */
export function collect<T>(stream: DStream<T>): { time: number; records: T[] }[] {
  const batches: { time: number; records: T[] }[] = [];
  stream.foreachBatch((records, time) => {
    batches.push({ time, records: [...records] });
  });
  return batches;
}

/** The next event of `type` (that passes `test`). Call before doing what should cause it. */
export function nextEvent<K extends StreamingEventType>(
  ssc: StreamingContext,
  type: K,
  test: (event: EventOf<K>) => boolean = () => true,
): Promise<EventOf<K>> {
  return firstValueFrom(
    ssc.events.pipe(filter((event): event is EventOf<K> => event.type === type && test(event as EventOf<K>))),
  );
}

/** Receiver events in short form: `started`, `error:500` (restartIn), `error`, `stopped`. */
export function receiverLog(events: readonly StreamingEvent[]): string[] {
  const log: string[] = [];
  for (const e of events) {
    if (e.type === 'receiverStarted') log.push('started');
    if (e.type === 'receiverError') log.push(e.restartIn === undefined ? 'error' : `error:${e.restartIn}`);
    if (e.type === 'receiverStopped') log.push('stopped');
  }
  return log;
}

/** Resolves once the receiver behind `stream` has stored `total` records in all. */
export function stored(stream: DStream<unknown>, total: number): Promise<void> {
  return (stream.node as ReceiverInputNode<unknown>).whenStored(total);
}

/** A TCP server on 127.0.0.1 and a free port that hands each connection to the test. */
export class LineServer {
  private waiting: ((socket: Socket) => void)[] = [];
  private arrived: Socket[] = [];
  readonly sockets = new Set<Socket>();

  private constructor(readonly server: Server) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const waiter = this.waiting.shift();
      if (waiter) waiter(socket);
      else this.arrived.push(socket);
    });
  }

  /** Listens on `port` (0: any free port). */
  static async listen(port = 0): Promise<LineServer> {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new LineServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The next connection a client makes (or the oldest one not yet handed out). */
  nextConnection(): Promise<Socket> {
    const socket = this.arrived.shift();
    if (socket) return Promise.resolve(socket);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Closes the server; resolves only once every connection has closed. */
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

/** Writes `data` and resolves once it has been handed to the OS. */
export function write(socket: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
}
