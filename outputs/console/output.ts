/** Console outputs: each batch as lines on stdout or stderr, waiting for the stream to drain. */
import type { Writable } from 'node:stream';
import { KindlingError, addOutput, type DStream, type OutputLifecycle } from '../../lib/index.js';
import { encodeLines, lineEncoder, type LineFormatOptions } from '../lines/encode.js';
import { writeFlushed } from '../lines/write.js';

/** Options of {@link stdoutOutput} and {@link stderrOutput}. */
export type ConsoleOutputOptions<T> = LineFormatOptions<T>;

/**
 * Writes every batch of `stream` to a Node.js Writable as lines (default format `'text'`); the
 * batch completes once its last line is flushed, and waits for 'drain' when the stream is full.
 *
 * Delivery: at-most-once (a crash loses what the stream had not written); a write error fails the batch.
 *
 * @example
 * linesOutput(counts, process.stdout, { format: 'jsonl' });
 */
export function linesOutput<T>(
  stream: DStream<T>,
  out: Writable,
  options: ConsoleOutputOptions<T> = {},
): OutputLifecycle {
  const what = 'console output';
  const encoder = lineEncoder(what, options, 'text');
  return addOutput(stream, {
    name: what,
    delivery: { guarantee: 'at-most-once', when: 'always: a crash loses what the stream had not written' },
    write: async (records, time) => {
      let chunks: string[];
      try {
        chunks = [...encodeLines(records, encoder)];
      } catch (error) {
        throw new KindlingError(`${what}: batch ${time}: ${(error as Error).message}`, { cause: error });
      }
      if (chunks.length > 0) await writeFlushed(out, chunks);
    },
    // The Writable is the caller's (stdout, stderr): it stays open; each batch was flushed.
    close: () => Promise.resolve(),
  });
}

/**
 * Writes every batch of `stream` to stdout, one line per record, respecting backpressure (the
 * next batch waits while a piped reader is behind). Unlike `print()`, no header and no limit.
 *
 * Delivery: at-most-once.
 *
 * @example
 * stdoutOutput(alerts, { format: 'jsonl' });   // node job.js | jq .
 */
export function stdoutOutput<T>(stream: DStream<T>, options: ConsoleOutputOptions<T> = {}): OutputLifecycle {
  return linesOutput(stream, process.stdout, options);
}

/**
 * Writes every batch of `stream` to stderr, one line per record, respecting backpressure.
 *
 * Delivery: at-most-once.
 *
 * @example
 * stderrOutput(ssc.deadLetters().map((l) => l.error.message));
 */
export function stderrOutput<T>(stream: DStream<T>, options: ConsoleOutputOptions<T> = {}): OutputLifecycle {
  return linesOutput(stream, process.stderr, options);
}
