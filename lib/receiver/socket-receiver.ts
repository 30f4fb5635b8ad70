/**
 * socketTextStream's receiver: connects to a TCP server and stores each line it sends. When the
 * connection fails or closes, it restarts (and so reconnects) with back-off.
 */
import { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { Receiver } from './receiver.js';

/** Options of `ssc.socketTextStream`. */
export interface SocketTextStreamOptions {
  /** Text encoding of the stream. Default `utf8`. */
  readonly encoding?: BufferEncoding;
}

export class SocketReceiver extends Receiver<string> {
  private socket: Socket | undefined;
  private pending = '';

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly options: SocketTextStreamOptions = {},
  ) {
    super(`socket ${host}:${port}`);
  }

  onStart(): void {
    const socket = new Socket();
    const decoder = new StringDecoder(this.options.encoding ?? 'utf8');
    this.socket = socket;
    this.pending = '';
    socket.on('data', (chunk: Buffer) => {
      const lines = this.splitLines(decoder.write(chunk));
      if (lines.length === 0) return;
      socket.pause();
      this.store(lines).then(
        () => socket.resume(),
        (error: unknown) => this.restart('could not store received lines', error),
      );
    });
    socket.on('error', (error) => this.restart(`connection to ${this.host}:${this.port} failed`, error));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      const rest = this.pending + decoder.end();
      this.pending = '';
      const flush = rest ? this.store([rest]) : Promise.resolve();
      void flush.finally(() => this.restart(`connection to ${this.host}:${this.port} closed`));
    });
    socket.connect(this.port, this.host);
  }

  onStop(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  private splitLines(text: string): string[] {
    const parts = (this.pending + text).split('\n');
    this.pending = parts.pop() ?? '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }
}
