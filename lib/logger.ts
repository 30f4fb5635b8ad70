/**
 * Where the engine writes what a person should read later: recoveries, skipped checkpoints,
 * failed checkpoint writes. Events carry the same facts for programs; the log is for people.
 * Pass a `pino` logger, or anything with these three methods.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The default logger: warnings and errors to stderr, prefixed with the job's name; info dropped. */
export function consoleLogger(name: string): Logger {
  return {
    info: () => undefined,
    warn: (message) => console.error(`[${name}] warning: ${message}`),
    error: (message) => console.error(`[${name}] error: ${message}`),
  };
}
