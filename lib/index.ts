/**
 * Kindling's core: the streaming context, DStreams and their operators, clocks, receivers,
 * errors and events. See README.md for a first job.
 */
export { StreamingContext } from './context.js';
export type { StreamingContextOptions, ReceiverOptions } from './context.js';
export { DStream } from './dstream/dstream.js';
export type { TimedBatch } from './dstream/dstream.js';
export type { QueueStreamOptions } from './dstream/queue-stream.js';
export type { TextFileStreamOptions } from './dstream/file-input.js';
export type { BatchFunction } from './dstream/output.js';
export type { Key, Pair } from './dstream/pairs.js';
export { SystemClock } from './clock/system-clock.js';
export { ManualClock } from './clock/manual-clock.js';
export { Receiver } from './receiver/receiver.js';
export type { SocketTextStreamOptions } from './receiver/socket-receiver.js';
export { milliseconds, seconds, minutes } from './duration.js';
export {
  KindlingError,
  ConfigurationError,
  IllegalStateError,
  BatchError,
  ReceiverError,
  StoppedError,
  isRetriable,
  isBatchError,
} from './errors.js';
export { retry, backoffDelay } from './retry.js';
export type { BackoffPolicy } from './retry.js';
export type {
  Clock,
  ReceiverHost,
  StreamingEvent,
  StreamingEventType,
  EventOf,
  BatchTimings,
} from './types.js';
export { StateSpec } from './dstream/state-spec.js';
export type { MappingFunction, TimedMappingFunction } from './dstream/state-spec.js';
export type { State } from './dstream/state.js';
export type { MapWithStateDStream } from './dstream/map-with-state.js';
export type { UpdateFunction, UpdateStateOptions } from './dstream/update-state.js';
export type { ReduceByKeyAndWindowOptions } from './dstream/reduced-window.js';
export { RejectedRecord } from './dstream/dead-letter-log.js';
export type {
  DeadLetter,
  DeadLetterOrigin,
  DeadLetterReason,
  OnRecordError,
  RecordErrorOptions,
  RejectingReceiver,
} from './dstream/dead-letter-log.js';
export type { LineDecodingOptions } from './receiver/line-decoder.js';
export type { BackpressureOptions } from './rate/rate-controller.js';
export type { PidGains } from './rate/pid-estimator.js';
