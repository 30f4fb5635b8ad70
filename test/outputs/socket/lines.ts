/** Test helpers: a real TCP server that collects lines, and a client that reads lines. */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** A line server for the client output to write to: collects every line, per connection. */
export class LineCollector {
  readonly lines: string[] = [];
  readonly connections: Socket[] = [];
  /** Lines the cut first connection delivered before it was cut (not in `lines`). */
  cutLines = 0;
  private readonly server: Server;
  private cutFirst = false;
  private waiters: { n: number; resolve: () => void }[] = [];

  private constructor(server: Server) {
    this.server = server;
  }

  /** @param options.cutFirstConnection - destroy the first connection when its first data arrives. */
  static async listen(port = 0, options: { cutFirstConnection?: boolean } = {}): Promise<LineCollector> {
    const server = createServer();
    const collector = new LineCollector(server);
    collector.cutFirst = options.cutFirstConnection ?? false;
    server.on('connection', (socket) => collector.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return collector;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Resolves once `n` lines in all arrived. */
  received(n: number): Promise<void> {
    if (this.lines.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** Stops listening and cuts every connection, as a crashed server would. */
  async kill(): Promise<void> {
    for (const s of this.connections) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.connections.push(socket);
    let rest = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    if (this.cutFirst && this.connections.length === 1) {
      socket.once('data', (text: string) => {
        this.cutLines = text.split('\n').length - 1;
        socket.destroy();
      });
      return;
    }
    socket.on('data', (text: string) => {
      const parts = (rest + text).split('\n');
      rest = parts.pop() ?? '';
      this.lines.push(...parts);
      const ready = this.waiters.filter((w) => this.lines.length >= w.n);
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    });
  }
}

/** A TCP client that collects the lines a server sends. */
export class LineReader {
  readonly lines: string[] = [];
  readonly socket: Socket;
  private rest = '';
  private waiters: { n: number; resolve: () => void }[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (text: string) => {
      const parts = (this.rest + text).split('\n');
      this.rest = parts.pop() ?? '';
      this.lines.push(...parts);
      const ready = this.waiters.filter((w) => this.lines.length >= w.n);
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    });
  }

  static async connect(port: number): Promise<LineReader> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => resolve());
    });
    return new LineReader(socket);
  }

  received(n: number): Promise<void> {
    if (this.lines.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}
