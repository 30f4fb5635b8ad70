/**
 * Reads exact offset ranges with a kafkajs consumer, which has no `assign()`: the consumer joins
 * the stream's group (alone, so it is given every partition), fetches ahead into a bounded buffer
 * per partition, and hands out the records of a range once they are all there. Where the
 * consumer reads is decided here, never by the group: every batch kafkajs hands over must start
 * exactly at the next offset this fetcher expects, and one that does not (a fetch from before a
 * seek, a restart of the consumer that went back to the committed offsets) is dropped and the
 * consumer is moved back with `seek`. A buffer over its limit pauses its partition.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, PartitionAssigner } from 'kafkajs';
import { StoppedError } from '../../lib/index.js';
import { partitionKey, type OffsetRange } from '../../systems/kafka/offsets.js';

/** What a fetcher needs besides the client; `R` is what it turns each message into. */
export interface FetcherOptions<R> {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Bytes buffered ahead per partition before it is paused. */
  readonly maxBufferBytes: number;
  /** The consumer's session timeout, ms: how soon a dead consumer's partitions are free again. */
  readonly sessionTimeout: number;
  /** How long a range may wait without any record arriving before it is reported, ms. */
  readonly stallTimeout: number;
  /** Reports a problem (on `ssc.events`); the fetcher carries on. */
  readonly report: (message: string, error?: unknown) => void;
  /** Turns the messages of a fetched batch (with their offsets as numbers) into records, one each. */
  readonly convert: (
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    offsets: Float64Array,
  ) => R[];
  /** kafkajs assigners for the group (a distributed job's co-partitioning assignor); default kafkajs's. */
  readonly partitionAssigners?: readonly PartitionAssigner[];
  /** Called with the partitions (`topic:partition` keys) the group gave this consumer, at each join. */
  readonly onAssignment?: (assigned: ReadonlySet<string>) => void;
  /**
   * A distributed job: a range of a partition the group no longer gives this consumer (or that
   * is no longer tracked) is given up rather than waited for; `take` returns undefined for it.
   */
  readonly dropUnassigned?: boolean;
}

/** Records of one fetched batch, with their offsets and their estimated size in memory. */
interface Chunk<R> {
  readonly records: R[];
  readonly offsets: Float64Array;
  readonly bytes: number;
}

interface PartitionBuffer<R> {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to fetch: the buffer holds the records before it, from the stream's position. */
  next: number;
  chunks: Chunk<R>[];
  bytes: number;
  paused: boolean;
}

/** One consumer that fetches the partitions of a direct stream into buffers; see the file summary. */
export class PartitionFetcher<R> {
  private consumer: Consumer | undefined;
  private readonly buffers = new Map<string, PartitionBuffer<R>>();
  private wake: (() => void) | undefined;
  private crashed = false;
  private stopped = false;
  /** The partitions the group gave this consumer at its last join. */
  private assigned = new Set<string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: FetcherOptions<R>,
  ) {}

  /** Joins the group and starts fetching; `track` the partitions before or after. */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(this.options.sessionTimeout / 5)),
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      ...(this.options.partitionAssigners
        ? { partitionAssigners: [...this.options.partitionAssigners] }
        : {}),
    });
    this.consumer = consumer;
    this.crashed = false;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment;
      this.assigned = new Set(
        Object.entries(assignment).flatMap(([topic, ps]) => ps.map((p) => partitionKey(topic, p))),
      );
      for (const buffer of this.buffers.values()) this.seek(buffer);
      this.options.onAssignment?.(this.assigned);
      this.notify();
    });
    consumer.on(consumer.events.START_BATCH_PROCESS, (event) => {
      // A batch of only control records (transaction markers) or aborted records never reaches
      // eachBatch; kafkajs moves past it, and so does the buffer.
      const { topic, partition, batchSize, firstOffset, lastOffset } = event.payload;
      const buffer = this.buffers.get(partitionKey(topic, partition));
      if (batchSize === 0 && buffer && firstOffset !== null && Number(firstOffset) === buffer.next) {
        buffer.next = Number(lastOffset) + 1;
        this.notify();
      }
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.options.report(
        `the consumer of group '${this.options.groupId}' failed: ${error.message}; ` +
          (restart ? 'kafkajs restarts it' : 'it is started again'),
        error,
      );
      if (!restart) this.crashed = true;
      this.notify();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => this.onBatch(payload),
    });
    for (const buffer of this.buffers.values()) this.seek(buffer);
  }

  /** Reads `topic`/`partition` from `offset` on, dropping what was buffered for it. */
  track(topic: string, partition: number, offset: number): void {
    const buffer: PartitionBuffer<R> = {
      topic,
      partition,
      next: offset,
      chunks: [],
      bytes: 0,
      paused: false,
    };
    this.buffers.set(partitionKey(topic, partition), buffer);
    this.seek(buffer);
  }

  /** Stops reading `topic`/`partition`, dropping what was buffered for it (a distributed job lost it). */
  untrack(topic: string, partition: number): void {
    this.buffers.delete(partitionKey(topic, partition));
    this.notify();
  }

  /**
   * The records of each range, in the order of `ranges`, once every one has arrived. Waits as long
   * as it takes (a broker may be away), reporting every `stallTimeout` without progress and moving
   * the consumer back to where it should be. Each range's records come as the chunks kafkajs
   * fetched them in, in offset order (not flattened: the caller walks them once anyway). With
   * `dropUnassigned`, a range whose partition was taken away is undefined.
   */
  async take(ranges: readonly OffsetRange[]): Promise<(R[][] | undefined)[]> {
    const taken: (R[][] | undefined)[] = ranges.map((): R[][] => []);
    for (;;) {
      if (this.stopped) throw new StoppedError('the Kafka direct stream was stopped while it read a batch');
      const lagging: OffsetRange[] = [];
      ranges.forEach((range, i) => {
        if (taken[i] === undefined) return;
        const key = partitionKey(range.topic, range.partition);
        const buffer = this.buffers.get(key);
        if (!buffer && this.options.dropUnassigned) {
          taken[i] = undefined;
          return;
        }
        if (!buffer) throw new Error(`partition ${range.topic}/${range.partition} is not tracked`);
        drain(buffer, range.untilOffset, taken[i]);
        if (buffer.paused && buffer.bytes < this.options.maxBufferBytes / 2) this.resume(buffer);
        if (buffer.next >= range.untilOffset) return;
        if (this.options.dropUnassigned && !this.assigned.has(key)) taken[i] = undefined;
        else lagging.push(range);
      });
      if (lagging.length === 0) break;
      if (this.crashed) await this.restart();
      if (!(await this.progress(this.options.stallTimeout))) this.stalled(lagging);
    }
    return taken;
  }

  /** Commits `offsets` (the next offset to read per partition) to the group. */
  async commit(offsets: readonly { topic: string; partition: number; offset: number }[]): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) throw new StoppedError('the Kafka direct stream is not running; nothing was committed');
    await consumer.commitOffsets(offsets.map((o) => ({ ...o, offset: String(o.offset) })));
  }

  /** Leaves the group and disconnects; a pending `take` fails with StoppedError. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    const buffer = this.buffers.get(partitionKey(batch.topic, batch.partition));
    if (!buffer) return;
    const fetched = Number((batch as typeof batch & { fetchedOffset: string }).fetchedOffset);
    if (fetched !== buffer.next) {
      this.seek(buffer);
      return;
    }
    const messages = batch.messages;
    const n = messages.length;
    if (n > 0) {
      const offsets = offsetsOf(messages);
      let bytes = 64 * n;
      for (let i = 0; i < n; i++) {
        const m = messages[i] as KafkaMessage;
        bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
      }
      const records = this.options.convert(batch.topic, batch.partition, messages, offsets);
      buffer.chunks.push({ records, offsets, bytes });
      buffer.bytes += bytes;
    }
    buffer.next = Number(batch.lastOffset()) + 1;
    if (!buffer.paused && buffer.bytes > this.options.maxBufferBytes) this.pause(buffer);
    this.notify();
  }

  private seek(buffer: PartitionBuffer<R>): void {
    const { topic, partition } = buffer;
    try {
      this.consumer?.seek({ topic, partition, offset: String(buffer.next) });
      if (buffer.paused) this.consumer?.pause([{ topic, partitions: [partition] }]);
    } catch {
      // Not joined yet (or restarting): the next GROUP_JOIN seeks every partition.
    }
  }

  private pause(buffer: PartitionBuffer<R>): void {
    buffer.paused = true;
    try {
      this.consumer?.pause([{ topic: buffer.topic, partitions: [buffer.partition] }]);
    } catch {
      // Not joined: GROUP_JOIN pauses it again.
    }
  }

  private resume(buffer: PartitionBuffer<R>): void {
    buffer.paused = false;
    try {
      this.consumer?.resume([{ topic: buffer.topic, partitions: [buffer.partition] }]);
    } catch {
      // Not joined: a new consumer starts unpaused.
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** True when something happened within `ms` (records, a join, a crash, a stop). */
  private progress(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private stalled(lagging: readonly OffsetRange[]): void {
    const list = lagging
      .map(
        (r) =>
          `${r.topic}/${r.partition} (at ${this.buffers.get(partitionKey(r.topic, r.partition))?.next}, wants ${r.untilOffset})`,
      )
      .join(', ');
    const unassigned = lagging.filter((r) => !this.assigned.has(partitionKey(r.topic, r.partition)));
    const hint =
      unassigned.length > 0
        ? `; the group gave ${unassigned.map((r) => `${r.topic}/${r.partition}`).join(', ')} to another ` +
          `member: give each direct stream a groupId of its own (or wait for a dead member's session to end)`
        : '; still waiting (is the broker reachable?)';
    this.options.report(`no records for ${this.options.stallTimeout} ms from ${list}${hint}`);
    for (const r of lagging) {
      const buffer = this.buffers.get(partitionKey(r.topic, r.partition));
      if (buffer) this.seek(buffer);
    }
  }

  private async restart(): Promise<void> {
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect().catch(() => undefined);
    if (this.stopped) return;
    await this.start().catch((error: unknown) => {
      this.crashed = true;
      this.options.report(`could not start the consumer again: ${(error as Error).message}`, error);
    });
  }
}

/** Moves the buffered records before `until` into `into` (whole chunks where possible). */
function drain<R>(buffer: PartitionBuffer<R>, until: number, into: R[][]): void {
  while (buffer.chunks.length > 0) {
    const chunk = buffer.chunks[0] as Chunk<R>;
    const n = chunk.offsets.length;
    if ((chunk.offsets[n - 1] as number) < until) {
      into.push(chunk.records);
      buffer.chunks.shift();
      buffer.bytes -= chunk.bytes;
      continue;
    }
    let cut = 0;
    while (cut < n && (chunk.offsets[cut] as number) < until) cut++;
    if (cut > 0) {
      const share = Math.round((chunk.bytes * cut) / n);
      into.push(chunk.records.slice(0, cut));
      buffer.chunks[0] = {
        records: chunk.records.slice(cut),
        offsets: chunk.offsets.subarray(cut),
        bytes: chunk.bytes - share,
      };
      buffer.bytes -= share;
    }
    break;
  }
}

/**
 * The offsets of `messages` as numbers. kafkajs gives each as a decimal string; when the first
 * and last are as far apart as the messages are many (no gap left by compaction or transaction
 * markers), the rest follow without parsing every one. Exported for tests.
 */
export function offsetsOf(messages: readonly KafkaMessage[]): Float64Array {
  const n = messages.length;
  const offsets = new Float64Array(n);
  const first = Number((messages[0] as KafkaMessage).offset);
  if (Number((messages[n - 1] as KafkaMessage).offset) - first === n - 1) {
    for (let i = 0; i < n; i++) offsets[i] = first + i;
  } else {
    for (let i = 0; i < n; i++) offsets[i] = Number((messages[i] as KafkaMessage).offset);
  }
  return offsets;
}
