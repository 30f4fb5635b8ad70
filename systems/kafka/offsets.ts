/**
 * Offset ranges: what each batch of a Kafka direct stream read from each partition. The direct
 * stream plans them (`receivers/kafka/offsets.ts`); a transactional output commits them with the
 * batch's records, through {@link KafkaOffsetSource}.
 */

/**
 * The records of one partition that one batch holds: offsets `fromOffset` (included) to
 * `untilOffset` (excluded), as Spark's `OffsetRange`. Empty when they are equal.
 */
export interface OffsetRange {
  /** The topic the records were read from. */
  readonly topic: string;
  /** The partition of the topic, as Kafka numbers it (from 0). */
  readonly partition: number;
  /** The offset of the range's first record (included). */
  readonly fromOffset: number;
  /** The offset after the range's last record (excluded): where the next batch starts. */
  readonly untilOffset: number;
}

/** A partition's place in a map: `topic:partition` (topic names cannot hold a `:`). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** A topic and partition and an offset in it. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * What a transactional Kafka output needs of the direct stream it writes: the offset ranges each
 * batch read, the group they are committed to, and a hook that runs before the stream reads that
 * group's offsets at start. `KafkaDirectSource` (`kafkaDirectStream(...).source`) is one.
 */
export interface KafkaOffsetSource {
  /** The stream's name, for messages. */
  readonly name: string;
  /** The consumer group whose committed offsets say where the stream stands. */
  readonly groupId: string;
  /** The offset ranges the batch at `time` read, while they are kept; undefined otherwise. */
  offsetRangesAt(time: number): readonly OffsetRange[] | undefined;
  /** Runs `hook` at start, before the group's offsets are read (a transactional output fences zombies there). */
  runBeforeStart(hook: () => Promise<void>): void;
  /** In a distributed job: the application id (set at start); undefined in a one-process job. */
  readonly applicationId?: string | undefined;
  /**
   * In a distributed job: `hooks.gained` runs when the stream takes tasks, before it reads their
   * committed offsets (a transactional output fences their previous owner there); `hooks.lost`
   * when it gives tasks up.
   */
  onTasks?(hooks: TaskHooks): void;
  /** In a distributed job: each task of the batch at `time` with its incarnation (see {@link TaskHooks}). */
  tasksAt?(time: number): ReadonlyMap<number, number> | undefined;
  /**
   * In a distributed job: forgets `task` (its writes failed); with `fenced`, takes it again only
   * once the group has assigned it anew, else at the next batch (reading its offsets again).
   */
  dropTask?(task: number, fenced: boolean): void;
}

/**
 * What a distributed direct stream tells an output about its tasks. An incarnation numbers each
 * time the stream took a task: a batch planned under one incarnation is never committed under
 * another.
 */
export interface TaskHooks {
  /** The stream takes `tasks` (task and incarnation); their offsets are read once this resolves. */
  gained(tasks: readonly { readonly task: number; readonly incarnation: number }[]): Promise<void>;
  /** The stream gave `tasks` up (another process has them, or their writes failed). */
  lost(tasks: readonly number[]): Promise<void>;
}
