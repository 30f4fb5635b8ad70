/**
 * The interfaces the rest of Kindling depends on, in one place: clocks, the receiver contract
 * and the event stream.
 */
import type { Observable } from 'rxjs';
import type { KindlingError } from './errors.js';

/**
 * The source of time for a context. Injected, never global: {@link SystemClock} in production,
 * {@link ManualClock} in tests.
 */
export interface Clock {
  /** The current time, ms since the epoch (or since the manual clock's start). */
  now(): number;
  /** Emits `first`, `first + period`, `first + 2 * period`, … as each of those times is reached. */
  timer(first: number, period: number): Observable<number>;
  /** Resolves once `ms` have passed on this clock. */
  sleep(ms: number): Promise<void>;
  /**
   * Tells the clock that work started by one of its ticks is under way. `ManualClock.advance`
   * waits for such work before it moves on; `SystemClock` ignores it.
   */
  track(work: Promise<unknown>): void;
}

/** What the engine offers a running receiver (see `Receiver` in `lib/receiver/receiver.ts`). */
export interface ReceiverHost<T> {
  /** Hands records to the engine; resolves once they are buffered (a reliable receiver acks then). */
  store(records: readonly T[]): Promise<void>;
  /** Stops the receiver and starts it again after a back-off delay. */
  restart(reason: string, error?: unknown): void;
  /** Reports an error without stopping the receiver. */
  reportError(message: string, error?: unknown): void;
  /** Stops the receiver for good. */
  stop(reason: string, error?: unknown): void;
  /** True once the receiver has been told to stop (or is between restarts). */
  readonly isStopped: boolean;
}

/** Timings of one batch, as Spark's Streaming tab shows them. All in ms. */
export interface BatchTimings {
  /** How long the batch waited in the queue after its batch time. */
  readonly schedulingDelay: number;
  /** How long its output operations took. */
  readonly processingDelay: number;
  /** Scheduling delay plus processing delay. */
  readonly totalDelay: number;
}

/** One event on `StreamingContext.events`. */
export type StreamingEvent =
  | { readonly type: 'batchSubmitted'; readonly batchTime: number; readonly records: number }
  | { readonly type: 'batchStarted'; readonly batchTime: number; readonly schedulingDelay: number }
  | ({
      readonly type: 'batchCompleted';
      readonly batchTime: number;
      readonly records: number;
      readonly error?: KindlingError;
    } & BatchTimings)
  | {
      readonly type: 'outputOperationStarted';
      readonly batchTime: number;
      readonly outputOperation: number;
      readonly operator: string;
    }
  | {
      readonly type: 'outputOperationCompleted';
      readonly batchTime: number;
      readonly outputOperation: number;
      readonly operator: string;
      readonly duration: number;
      readonly error?: KindlingError;
    }
  | { readonly type: 'receiverStarted'; readonly receiver: string; readonly streamId: number }
  | {
      readonly type: 'receiverError';
      readonly receiver: string;
      readonly streamId: number;
      readonly message: string;
      readonly error?: unknown;
      /** Set when the supervisor will start the receiver again after this many ms. */
      readonly restartIn?: number;
    }
  | {
      readonly type: 'receiverStopped';
      readonly receiver: string;
      readonly streamId: number;
      readonly reason: string;
    }
  | { readonly type: 'contextStopped'; readonly error?: KindlingError };

/** The `type` of a {@link StreamingEvent}. */
export type StreamingEventType = StreamingEvent['type'];

/** The event of a given type. */
export type EventOf<K extends StreamingEventType> = Extract<StreamingEvent, { type: K }>;
