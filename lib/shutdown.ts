/**
 * How a context stops: the order in which its parts stop (inputs, then the batches still to run,
 * then the batch sources, the last checkpoint, the outputs, the receivers' blocks and logs, the
 * workers), the
 * graceful drain of what receivers hold, and the signal handling of `stopGracefullyOnShutdown`:
 * the first SIGTERM or SIGINT starts a graceful stop; a second one exits at once (code 130), for
 * a person who does not want to wait.
 */
import type { Logger } from './logger.js';
import type { Clock } from './types.js';

/** Anything that stops: an input, a batch source. */
interface Stoppable {
  stop(): void | Promise<void>;
}

/** The parts of a started context, in the shapes {@link stopInOrder} uses. */
export interface RunningParts {
  readonly clock: Clock;
  readonly inputs: {
    /** Every input but the batch sources. */
    readonly stoppedFirst: readonly Stoppable[];
    /** The batch sources: the batches still queued read from them and commit to them. */
    readonly sources: readonly { readonly input: Stoppable }[];
  };
  readonly receivers: { readonly hasUnallocatedBlocks: boolean; close(): Promise<void> };
  readonly generator: {
    readonly running: boolean;
    firstBatchTime(): number;
    generated(): Promise<void>;
    stop(): Promise<void>;
  };
  readonly scheduler: { dropQueued(): void; whenIdle(): Promise<void>; close(): void };
  readonly checkpoints: { commitsSettled(): Promise<void>; flush(last: boolean): Promise<void> };
  readonly workers: { close(): Promise<void> };
  /** The outputs: closed after the last batch's writes; a close that fails is reported, never thrown. */
  readonly outputs: { close(): Promise<void> };
  /** True once a failed batch stopped the context: no more draining, and no last checkpoint. */
  failed(): boolean;
}

/**
 * Stops a started context's parts in order. Graceful: stops the inputs (receivers keep their
 * last block), keeps generating batches until every received block is in one, waits for every
 * queued batch, every commit to a batch source, then stops the sources and writes a last
 * checkpoint. Otherwise: batches not yet started are dropped, and no last checkpoint is written.
 * Either way the outputs close next (after the last batch's writes and the last checkpoint, so
 * that what they buffer is flushed before the stop resolves), then the receivers and workers.
 *
 * @example
 * await stopInOrder(parts, true);
 */
export async function stopInOrder(parts: RunningParts, graceful: boolean): Promise<void> {
  const { clock, inputs, receivers, generator, scheduler, checkpoints } = parts;
  await Promise.all(inputs.stoppedFirst.map((input) => input.stop()));
  if (graceful) {
    while (!parts.failed() && generator.running && receivers.hasUnallocatedBlocks) {
      const now = clock.now();
      await clock.sleep(generator.firstBatchTime() - now);
      await generator.generated();
    }
  } else {
    scheduler.dropQueued();
  }
  await generator.stop();
  await scheduler.whenIdle();
  await checkpoints.commitsSettled();
  await Promise.all(inputs.sources.map(({ input }) => input.stop()));
  await checkpoints.flush(graceful && !parts.failed());
  await parts.outputs.close();
  await receivers.close();
  await parts.workers.close();
  scheduler.close();
}

// ---- signals --------------------------------------------------------------------------------

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** How long the process may take to end by itself after a signal's graceful stop, ms. */
const EXIT_GRACE_MS = 10_000;

/** What signal handling needs of the process; tests pass a stand-in. */
export interface ProcessHost {
  on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void;
  off(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void;
  /** Ends the process now. */
  exit(code: number): void;
  /** Lets the process end with `code` once nothing keeps it alive; ends it after `graceMs` anyway. */
  exitSoon(code: number, graceMs: number): void;
}

/** The Node.js process. */
const nodeProcess: ProcessHost = {
  on: (signal, handler) => process.on(signal, handler),
  off: (signal, handler) => process.off(signal, handler),
  exit: (code) => process.exit(code),
  exitSoon: (code, graceMs) => {
    process.exitCode = code;
    setTimeout(() => process.exit(), graceMs).unref();
  },
};

/** Calls `onSignal` on the first SIGTERM or SIGINT. Returns a function that removes the handlers. */
export function onShutdownSignal(
  onSignal: (signal: string) => void,
  host: ProcessHost = nodeProcess,
): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      host.exit(130);
      return;
    }
    received = true;
    onSignal(signal);
  };
  for (const signal of SIGNALS) host.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) host.off(signal, handler);
  };
}

/** A context, as signal handling sees it. */
export interface SignalledContext {
  readonly logger: Logger;
  /** Stops gracefully. */
  stopGracefully(): Promise<void>;
  /** True when a batch failed: the process then ends with code 1. */
  failed(): boolean;
}

/**
 * `stopGracefullyOnShutdown`: on the first SIGTERM or SIGINT, stops the context gracefully, then
 * lets the process end with code 0 (1 if a batch failed): code after `awaitTermination()` still
 * runs; whatever keeps the process alive is cut off after 10 s. Returns a function that removes
 * the handlers.
 *
 * @example
 * const release = stopGracefullyOnSignals(context); // at start; release() once stopped
 */
export function stopGracefullyOnSignals(
  context: SignalledContext,
  host: ProcessHost = nodeProcess,
): () => void {
  const stop = async (signal: string): Promise<void> => {
    context.logger.warn(`${signal} received: stopping gracefully (a second ${signal} exits at once)`);
    await context.stopGracefully();
    host.exitSoon(context.failed() ? 1 : 0, EXIT_GRACE_MS);
  };
  return onShutdownSignal((signal) => void stop(signal), host);
}
