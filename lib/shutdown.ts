/**
 * Signal handling for `stopGracefullyOnShutdown`: the first SIGTERM or SIGINT starts a graceful
 * stop; a second one exits at once (code 130), for a person who does not want to wait.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Calls `onSignal` on the first SIGTERM or SIGINT. Returns a function that removes the handlers. */
export function onShutdownSignal(onSignal: (signal: string) => void): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (received) process.exit(130);
    received = true;
    onSignal(signal);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
