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
}
