/**
 * Where the engine writes what a person should read later: recoveries, skipped checkpoints,
 * failed checkpoint writes. Events carry the same facts for programs; the log is for people.
 * Pass a `pino` logger, or anything with these three methods.
 */
export interface Logger {
  /** A fact for the record (a checkpoint interval widened to fit a window); the default drops it. */
  info(message: string): void;
  /** What a person should know though the job goes on: a resume, a skipped checkpoint, a lost connection. */
  warn(message: string): void;
  /** Something failed: a checkpoint write, an output's close, a worker thread. */
  error(message: string): void;
}

/** A logger that drops everything: the context's `logger: false`. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The default logger: warnings and errors to stderr, prefixed with the job's name; info dropped. */
export function consoleLogger(name: string): Logger {
  return {
    info: () => undefined,
    warn: (message) => console.error(`[${name}] warning: ${message}`),
    error: (message) => console.error(`[${name}] error: ${message}`),
  };
}
