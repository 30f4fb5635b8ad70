/**
 * Kindling's core: the streaming context, DStreams and their operators, clocks, receivers,
 * errors and events. See README.md for a first job.
 *
 * @module kindling
 */
export { StreamingContext } from './context.js';
export type { StreamingContextOptions, ReceiverOptions } from './context.js';
export type { ContextState } from './runtime.js';
export type { RecoveryOptions } from './checkpoint/recovery.js';
export type { WriteAheadLogOption } from './receiver/tracker.js';
export { DStream } from './dstream/dstream.js';
export type { TimedBatch } from './dstream/dstream.js';
export type { QueueStreamOptions } from './dstream/inputs/queue-stream.js';
export type { TextFileStreamOptions } from './dstream/inputs/file-input.js';
export type { BatchFunction } from './dstream/output-operations/output.js';
export { addOutput, addContextOutput } from './output.js';
export type { Delivery, DeliveryGuarantee, Output, OutputLifecycle } from './output.js';
export type { Key, Pair } from './dstream/operators/pairs.js';
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
  TimeoutError,
  isRetriable,
  isBatchError,
  describe as describeError,
} from './errors.js';
export { retry, backoffDelay } from './retry.js';
export type { BackoffPolicy, RetryPolicy } from './retry.js';
export type {
  Clock,
  ReceiverHost,
  StreamingEvent,
  StreamingEventType,
  EventOf,
  BatchTimings,
  BatchSource,
  BatchLimit,
  TaskSlice,
  DistributedSettings,
  Lookup,
  CheckpointStore,
  StoredCheckpoint,
  SkippedCheckpoint,
  WriteAheadLog,
  WalPointer,
  FsyncPolicy,
} from './types.js';
export { taskAligned, taskSlicesOf } from './distributed.js';
export { DirectoryCheckpointStore } from './checkpoint/directory-store.js';
export type { DirectoryCheckpointStoreOptions } from './checkpoint/directory-store.js';
export { FileWriteAheadLog } from './wal/file-wal.js';
export type { FileWalOptions, FileWalStats } from './wal/file-wal.js';
export type { Logger } from './logger.js';
export { StateSpec } from './dstream/state/state-spec.js';
export type { MappingFunction, TimedMappingFunction } from './dstream/state/state-spec.js';
export type { State } from './dstream/state/state.js';
export type { MapWithStateDStream } from './dstream/state/map-with-state.js';
export type { UpdateFunction, UpdateStateOptions } from './dstream/state/update-state.js';
export type { ReduceByKeyAndWindowOptions } from './dstream/operators/reduced-window.js';
export { RejectedRecord } from './dstream/dead-letters/dead-letter-log.js';
export type {
  DeadLetter,
  DeadLetterOrigin,
  DeadLetterReason,
  OnRecordError,
  RecordErrorOptions,
  RejectingReceiver,
} from './dstream/dead-letters/dead-letter-log.js';
export type { LineDecodingOptions } from './receiver/line-decoder.js';
export type { BackpressureOptions } from './rate/rate-controller.js';
export type { PidGains } from './rate/pid-estimator.js';
export type { LookupJoinOptions, MissingKeyPolicy } from './dstream/operators/lookup-join.js';
export { encodeCheckpointHeader, verifyCheckpoint } from './checkpoint/format.js';
export { storedName, parseStoredName, sortStored, retired } from './checkpoint/store-layout.js';
export type { StoredKind, StoredFile } from './checkpoint/store-layout.js';
export { workerTask } from './dstream/parallel/parallel-task.js';
export type { WorkerTask, WorkerTaskKind } from './dstream/parallel/parallel-task.js';
export type { ParallelOptions } from './dstream/parallel/parallel.js';
export type { WorkerPoolOptions, WorkersOption } from './dstream/parallel/worker-pool.js';
export type {
  SqlSchema,
  SqlTable,
  SqlFileTable,
  SqlLookupTable,
  SqlStreamOptions,
  SqlQueryOptions,
  SqlEngineOptions,
  SqlEngine,
  SqlEngineModule,
  SqlSession,
  SqlSessionSpec,
  SqlStreamTable,
  SqlMisfit,
  SqlBatchResult,
} from './sql/engine.js';
