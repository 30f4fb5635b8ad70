/** Writing text to a Node.js Writable the way its backpressure asks. */
import type { Writable } from 'node:stream';

/**
 * Writes `chunks` to `out`, waiting for 'drain' whenever `write` returns false, and resolves once
 * the last chunk is flushed (its write callback ran). Rejects when the stream errors or closes first.
 *
 * @example
 * await writeFlushed(process.stdout, encodeLines(records, encoder));
 */
export async function writeFlushed(out: Writable, chunks: Iterable<string | Uint8Array>): Promise<void> {
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onError = (error: Error): void => {
    failure ??= error;
    wake?.();
  };
  const onClose = (): void => onError(new Error('the stream closed before every line was written'));
  out.on('error', onError);
  out.on('close', onClose);
  try {
    let last: Promise<void> = Promise.resolve();
    for (const chunk of chunks) {
      if (failure) throw failure;
      if (out.destroyed || out.writableEnded) throw new Error('the stream is closed');
      let ok = true;
      last = new Promise<void>((resolve, reject) => {
        ok = out.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
      last.catch(() => undefined); // observed below; avoids an unhandled rejection meanwhile
      if (!ok) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          out.once('drain', resolve);
        });
        out.removeListener('drain', wake ?? (() => undefined));
        wake = undefined;
      }
    }
    if (failure) throw failure;
    await Promise.race([
      last,
      new Promise<void>((_, reject) => {
        wake = () => reject(failure);
      }),
    ]);
  } finally {
    out.removeListener('error', onError);
    out.removeListener('close', onClose);
  }
}
