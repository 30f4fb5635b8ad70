/**
 * Cuts the bytes of a streaming response into lines (`\r\n` or `\n`), keeping memory bounded: a
 * line longer than the limit is counted, not kept, as it streams by.
 */

/** A line too long to keep: its first bytes and its length. */
export interface OversizedLine {
  readonly oversized: true;
  /** Its first bytes, at most 1 KiB. */
  readonly prefix: Buffer;
  /** Its length in bytes, line end not counted. */
  readonly bytes: number;
}

const LF = 0x0a;
const CR = 0x0d;
const PREFIX_BYTES = 1024;

/**
 * Splits a byte stream at `\n`, drops a `\r` before it, and returns each finished line's bytes
 * (an empty line is a keep-alive) or, past `maxLineBytes`, an {@link OversizedLine}.
 *
 * @example
 * const lines = new LineSplitter(1 << 20);
 * response.on('data', (chunk) => lines.write(chunk).forEach(handle));
 */
export class LineSplitter {
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private oversized: { prefix: Buffer; bytes: number; lastByte: number } | undefined;

  /** @param maxLineBytes the longest line kept, in bytes. */
  constructor(private readonly maxLineBytes: number) {}

  /** The lines that `chunk` finishes, in order. */
  write(chunk: Uint8Array): (Buffer | OversizedLine)[] {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const out: (Buffer | OversizedLine)[] = [];
    let from = 0;
    for (let end = buffer.indexOf(LF, from); end !== -1; end = buffer.indexOf(LF, from)) {
      this.append(buffer.subarray(from, end));
      out.push(this.finish());
      from = end + 1;
    }
    if (from < buffer.length) this.append(buffer.subarray(from));
    return out;
  }

  /** The unfinished line when the stream ends (cut by a disconnect), or `undefined` if none. */
  end(): Buffer | OversizedLine | undefined {
    if (this.pieceBytes === 0 && this.oversized === undefined) return undefined;
    return this.finish();
  }

  private append(bytes: Buffer): void {
    const over = this.oversized;
    if (over) {
      over.bytes += bytes.length;
      if (bytes.length > 0) over.lastByte = bytes[bytes.length - 1] as number;
      if (over.prefix.length < PREFIX_BYTES) {
        over.prefix = Buffer.concat([over.prefix, bytes.subarray(0, PREFIX_BYTES - over.prefix.length)]);
      }
      return;
    }
    // One byte over the limit may be the `\r` of the line end.
    if (this.pieceBytes + bytes.length <= this.maxLineBytes + 1) {
      if (bytes.length > 0) this.pieces.push(Buffer.from(bytes));
      this.pieceBytes += bytes.length;
      return;
    }
    const total = this.pieceBytes + bytes.length;
    const prefix = Buffer.concat([...this.pieces, bytes], Math.min(PREFIX_BYTES, total));
    this.oversized = {
      prefix,
      bytes: total,
      lastByte: bytes.length > 0 ? (bytes[bytes.length - 1] as number) : 0,
    };
    this.pieces = [];
    this.pieceBytes = 0;
  }

  private finish(): Buffer | OversizedLine {
    const over = this.oversized;
    if (over) {
      this.oversized = undefined;
      const bytes = over.lastByte === CR ? over.bytes - 1 : over.bytes;
      return { oversized: true, prefix: over.prefix.subarray(0, Math.min(bytes, over.prefix.length)), bytes };
    }
    const line = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
    this.pieces = [];
    this.pieceBytes = 0;
    return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
  }
}
