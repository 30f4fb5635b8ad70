/**
 * How the demos end: gracefully on Ctrl-C (SIGINT), SIGTERM or after `--duration`, each of which
 * stops the receivers and finishes the batches already received.
 */
import type { StreamingContext } from 'kindling';

/**
 * Stops `ssc` gracefully on SIGINT, SIGTERM or after `durationMs` (if given), saying why.
 *
 * @returns a function that removes the signal handlers and the timer; call it once the context ended.
 * @example
 * const release = stopGracefullyOn(ssc, seconds(10));
 * try { await ssc.awaitTermination(); } finally { release(); }
 */
export function stopGracefullyOn(ssc: StreamingContext, durationMs: number | undefined): () => void {
  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`stopping (${why}): finishing the batches already received ...`);
    void ssc.stop({ graceful: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => stop(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = durationMs === undefined ? undefined : setTimeout(() => stop('--duration'), durationMs);
  return () => {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
