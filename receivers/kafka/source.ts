/**
 * The batch source behind a Kafka direct stream: for each batch it reads the latest offsets,
 * chooses an offset range per partition (capped by the rate limits) and returns exactly the
 * records of those ranges, fetched by a {@link PartitionFetcher}. Its position (the next offset
 * per partition, and the ranges of recent batches) is checkpointed; with `commit: 'kafka'` the
 * ranges of each batch are committed to the group once the batch's outputs completed.
 */
import type { Admin, Kafka } from 'kafkajs';
import {
  ConfigurationError,
  IllegalStateError,
  KindlingError,
  type BatchLimit,
  type BatchSource,
  type DistributedSettings,
  type RejectedRecord,
  type StreamingContext,
  type TaskSlice,
} from '../../lib/index.js';
import { createKafka, secretsOf } from '../../systems/kafka/client.js';
import {
  partitionKey,
  type KafkaOffsetSource,
  type OffsetRange,
  type PartitionOffset,
  type TaskHooks,
} from '../../systems/kafka/offsets.js';
import { Retrier } from '../../systems/kafka/retrier.js';
import { PartitionFetcher } from './fetcher.js';
import { planRanges } from './offsets.js';
import type { KafkaDirectStreamOptions } from './options.js';
import { deserializeMessages, type AnyKafkaRecord } from './records.js';
import { taskAssigner, taskCount } from './task-assignor.js';
import { sliceByTask, TaskOwnership } from './tasks.js';

/** What the source's checkpointed position holds. */
interface SavedPosition {
  readonly offsets: PartitionOffset[];
  readonly ranges: [number, OffsetRange[]][];
}

/** Ranges of batches already committed that are kept anyway, for `offsetRangesAt`. */
const KEEP_COMMITTED = 16;

/** The BatchSource of a Kafka direct stream; see the file summary. Made by `kafkaDirectStream`. */
export class KafkaDirectSource implements BatchSource<AnyKafkaRecord | RejectedRecord>, KafkaOffsetSource {
  readonly name: string;
  /** Whether records may be rejected (dead letters): not with the `buffer` deserializer. */
  readonly storesRejectedRecords: boolean;
  readonly groupId: string;
  private readonly kafka: Kafka;
  private readonly retrier: Retrier;
  /** The next offset to read per partition, in a stable partition order. */
  private readonly positions = new Map<string, PartitionOffset>();
  private readonly ranges = new Map<number, OffsetRange[]>();
  private readonly committed = new Map<string, number>();
  private readonly beforeStart: (() => Promise<void>)[] = [];
  private admin: Admin | undefined;
  private fetcher: PartitionFetcher<AnyKafkaRecord | RejectedRecord> | undefined;
  private committing: Promise<void> = Promise.resolve();
  /** Set at start in a distributed job (a context with an `applicationId`). */
  private distributed: DistributedSettings | undefined;
  private readonly ownership = new TaskOwnership();
  private readonly taskHooks: TaskHooks[] = [];
  private readonly slices = new Map<number, TaskSlice[]>();

  constructor(
    ssc: StreamingContext,
    private readonly options: KafkaDirectStreamOptions,
  ) {
    this.name = options.name ?? `kafka ${options.topics.join(',')}`;
    this.storesRejectedRecords = (options.deserializer ?? 'string') !== 'buffer';
    this.groupId = options.groupId ?? ssc.applicationId ?? '';
    this.kafka = createKafka(
      {
        ...options,
        clientConfig: { retry: { initialRetryTime: 200, retries: 3 }, ...options.clientConfig },
      },
      'the Kafka direct stream',
    );
    this.retrier = new Retrier(ssc, this.name, secretsOf(options), {
      initialDelay: 200,
      maxDelay: 5000,
      ...options.retry,
    });
  }

  /** @internal Runs `hook` at start, before the group's offsets are read (a transactional output fences zombies there). */
  runBeforeStart(hook: () => Promise<void>): void {
    this.beforeStart.push(hook);
  }

  /** The application id of a distributed job (set at start), else undefined. */
  get applicationId(): string | undefined {
    return this.distributed?.applicationId;
  }

  /** @internal Called by a context with an `applicationId` at start: the stream reads only the tasks the group gives it. */
  distribute(settings: DistributedSettings): void {
    this.distributed = settings;
  }

  /** @internal In a distributed job: `hooks` run when tasks are taken (before their offsets are read) or given up. */
  onTasks(hooks: TaskHooks): void {
    this.taskHooks.push(hooks);
  }

  /** @internal In a distributed job: the tasks (with incarnations) the batch at `time` read. */
  tasksAt(time: number): ReadonlyMap<number, number> | undefined {
    return this.ownership.tasksAt(time);
  }

  /** @internal In a distributed job: gives `task` up (its writes failed); see `TaskOwnership.drop`. */
  dropTask(task: number, fenced: boolean): void {
    this.ownership.drop(task, fenced);
  }

  /** The tasks this process owns now (a distributed job), in order. */
  ownedTasks(): number[] {
    return this.ownership.tasks();
  }

  /** @internal In a distributed job: which records of the batch at `time` are which task's. */
  taskSlices(time: number): readonly TaskSlice[] | undefined {
    return this.slices.get(time);
  }

  /** The offset ranges the batch at `time` read, while they are kept (see `offsetRangesAt`). */
  offsetRangesAt(time: number): readonly OffsetRange[] | undefined {
    return this.ranges.get(time);
  }

  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      await this.stop(); // a start that failed leaves no client connected
      throw error;
    }
  }

  private async connect(): Promise<void> {
    this.retrier.stopped = false;
    for (const hook of this.beforeStart) await hook();
    const admin = this.kafka.admin();
    this.admin = admin;
    const attempts = { maxAttempts: this.options.retry?.maxAttempts ?? 8 };
    await this.retrying('connecting to the brokers', () => admin.connect(), attempts);
    const existing = new Set(await this.retrying('listing topics', () => admin.listTopics(), attempts));
    const missing = this.options.topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      throw new ConfigurationError(
        `${this.name}: topic(s) ${missing.join(', ')} do not exist on ${this.options.brokers.join(', ')}; create them first`,
      );
    }
    if (this.distributed) {
      await this.startDistributed(admin, attempts);
      return;
    }
    const latest = await this.retrying(
      'reading the offsets of the topics',
      () => this.latestOffsets(),
      attempts,
    );
    // Read after the hooks: a transactional output has fenced a dead run, whose last transaction
    // (with its offsets) is then committed or aborted.
    const committed = await this.retrying(
      'reading the group offsets',
      () => this.committedOffsets(),
      attempts,
    );
    for (const [key, offset] of committed) this.committed.set(key, offset);
    for (const key of [...latest.keys()].filter((k) => !this.positions.has(k))) {
      const [topic, partition] = splitKey(key);
      const offset = this.startingOffset(topic, partition, committed.get(key), latest.get(key));
      this.positions.set(key, { topic, partition, offset });
    }
    await this.startFetcher(attempts);
  }

  /**
   * A distributed job's start: checks the partition counts (a job that joins or aggregates by
   * key across topics needs equal counts), then joins the group with the co-partitioning
   * assignor; which partitions it reads is decided at each batch (see `takeTaskChanges`).
   */
  private async startDistributed(admin: Admin, attempts: { maxAttempts: number }): Promise<void> {
    const metadata = await this.retrying(
      'reading the topics',
      () => admin.fetchTopicMetadata({ topics: [...this.options.topics] }),
      attempts,
    );
    const byName = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
    const counts = new Map(this.options.topics.map((t) => [t, byName.get(t) ?? 0]));
    taskCount(counts, this.distributed?.coPartitioned ?? false, this.name);
    await this.startFetcher(attempts);
  }

  private async startFetcher(attempts: { maxAttempts: number }): Promise<void> {
    const deserializer = this.options.deserializer ?? 'string';
    const distributed = this.distributed !== undefined;
    const fetcher = new PartitionFetcher<AnyKafkaRecord | RejectedRecord>(this.kafka, {
      ...(distributed
        ? {
            partitionAssigners: [taskAssigner(() => this.ownership.tasks())],
            onAssignment: (keys: ReadonlySet<string>) => this.ownership.joined(keys),
            dropUnassigned: true,
          }
        : {}),
      groupId: this.groupId,
      topics: this.options.topics,
      maxBufferBytes: this.options.maxBufferBytes ?? 4 * 1024 * 1024,
      sessionTimeout: this.options.sessionTimeout ?? 10_000,
      stallTimeout: this.options.stallTimeout ?? 10_000,
      report: (message, error) => this.report(message, error),
      convert: (topic, partition, messages, offsets) =>
        deserializeMessages(topic, partition, messages, offsets, deserializer),
    });
    this.fetcher = fetcher;
    for (const p of this.positions.values()) fetcher.track(p.topic, p.partition, p.offset);
    await this.retrying('joining the consumer group', () => fetcher.start(), attempts);
  }

  /** The offset range of every partition for the batch at `time`: from where the stream stands, capped. */
  async plan(time: number, limit: BatchLimit): Promise<OffsetRange[]> {
    const fetcher = this.fetcher;
    if (!fetcher) throw new IllegalStateError(`${this.name}: read before start`);
    if (this.distributed) await this.takeTaskChanges(fetcher);
    const latest = await this.retrying('reading the latest offsets', () => this.latestOffsets());
    for (const [key, { low }] of latest) {
      if (this.positions.has(key) || this.distributed) continue;
      const [topic, partition] = splitKey(key); // a partition added to a topic: read it all
      this.positions.set(key, { topic, partition, offset: low });
      fetcher.track(topic, partition, low);
    }
    for (const [key, p] of this.positions) {
      const low = latest.get(key)?.low ?? 0;
      if (p.offset < low) {
        throw new KindlingError(
          `${this.name}: offsets ${p.offset} to ${low - 1} of ${p.topic}/${p.partition} were deleted (retention) ` +
            'before they were read; those records are lost. Start again from a newer offset (a new groupId, ' +
            "startingOffsets: 'earliest', and no checkpoint), and keep records longer than a job may be down",
        );
      }
    }
    const highs = new Map([...latest].map(([k, v]) => [k, v.high]));
    // Task by task (partition, then topic): each task's records are one slice of the batch.
    const positions = [...this.positions.values()];
    if (this.distributed) {
      positions.sort((a, b) => a.partition - b.partition || (a.topic < b.topic ? -1 : 1));
      this.ownership.plannedAt(time);
    }
    const ranges = planRanges(positions, highs, {
      interval: limit.interval,
      rate: limit.rate,
      maxRatePerPartition: this.options.maxRatePerPartition,
    });
    this.replan(time, ranges);
    return ranges;
  }

  /**
   * Takes `ranges` as the batch at `time`'s (planned by a run that crashed): the stream moves to
   * their ends, and a partition whose range starts elsewhere than the stream stood is fetched
   * again from the range's start.
   */
  replan(time: number, ranges: OffsetRange[]): void {
    for (const r of ranges) {
      const key = partitionKey(r.topic, r.partition);
      if (this.positions.get(key)?.offset !== r.fromOffset)
        this.fetcher?.track(r.topic, r.partition, r.fromOffset);
      this.positions.set(key, { topic: r.topic, partition: r.partition, offset: r.untilOffset });
    }
    this.ranges.set(time, ranges);
  }

  /** The records of `ranges`, once every one has been fetched. */
  async read(time: number, ranges: OffsetRange[]): Promise<(AnyKafkaRecord | RejectedRecord)[]> {
    const fetcher = this.fetcher;
    if (!fetcher) throw new IllegalStateError(`${this.name}: read before start`);
    const taken = await fetcher.take(ranges);
    if (this.distributed) return this.readTasks(time, ranges, taken);
    // Every range's chunks end to end; concat copies arrays natively, without a loop here.
    const chunks = taken.flatMap((c) => c ?? []);
    return chunks.length === 1
      ? (chunks[0] ?? [])
      : ([] as (AnyKafkaRecord | RejectedRecord)[]).concat(...chunks);
  }

  /** A distributed job's batch: see {@link sliceByTask}; a task not read whole leaves the batch's ranges. */
  private readTasks(
    time: number,
    ranges: OffsetRange[],
    taken: ((AnyKafkaRecord | RejectedRecord)[][] | undefined)[],
  ): (AnyKafkaRecord | RejectedRecord)[] {
    const { records, slices, kept } = sliceByTask(ranges, taken);
    if (kept.length < ranges.length) this.ranges.set(time, kept);
    this.slices.set(time, slices);
    return records;
  }

  /**
   * Applies the group's joins since the last batch (see `tasks.ts`): the partitions of tasks
   * given up are no longer read; for tasks taken, the hooks run (a transactional output fences
   * the task's previous owner), then their committed offsets are read and reading starts there.
   */
  private async takeTaskChanges(fetcher: PartitionFetcher<AnyKafkaRecord | RejectedRecord>): Promise<void> {
    const { lost, gained } = this.ownership.changes();
    if (lost.length === 0 && gained.length === 0) return;
    for (const [key, p] of this.positions) {
      if (!lost.includes(p.partition)) continue;
      this.positions.delete(key);
      fetcher.untrack(p.topic, p.partition);
    }
    if (lost.length > 0) for (const hooks of this.taskHooks) await hooks.lost(lost);
    if (gained.length === 0) return;
    for (const hooks of this.taskHooks) await hooks.gained(gained);
    const committed = await this.retrying('reading the group offsets', () => this.committedOffsets());
    const latest = await this.retrying('reading the latest offsets', () => this.latestOffsets());
    for (const { task } of gained) {
      for (const topic of this.options.topics) {
        const key = partitionKey(topic, task);
        if (!latest.has(key)) continue; // a topic with fewer partitions
        const offset = this.startingOffset(topic, task, committed.get(key), latest.get(key));
        this.positions.set(key, { topic, partition: task, offset });
        fetcher.track(topic, task, offset);
      }
    }
  }

  /** A Kafka record's `topic/partition@offset` (for dead letters of user functions), else undefined. */
  describeRecord(record: unknown): string | undefined {
    const r = record as Partial<AnyKafkaRecord> | null;
    if (r === null || typeof r !== 'object') return undefined;
    if (typeof r.topic !== 'string' || typeof r.partition !== 'number' || typeof r.offset !== 'number')
      return undefined;
    return `${r.topic}/${r.partition}@${r.offset}`;
  }

  /** @internal The checkpointed position: the next offset per partition, and the ranges of recent batches. */
  position(): SavedPosition {
    return { offsets: [...this.positions.values()], ranges: [...this.ranges] };
  }

  restore(position: unknown): void {
    const saved = position as Partial<SavedPosition> | undefined;
    if (!saved || !Array.isArray(saved.offsets) || !Array.isArray(saved.ranges)) return;
    this.positions.clear();
    for (const p of saved.offsets) this.positions.set(partitionKey(p.topic, p.partition), p);
    for (const [time, ranges] of saved.ranges) this.ranges.set(time, ranges);
  }

  /**
   * Commits the ranges of the batch at `time` to the group (with `commit: 'kafka'`), forward only:
   * a batch that runs again after a crash never moves the group back to its offsets when the
   * group is past them (the dead run committed later batches).
   */
  commit(time: number): Promise<void> {
    const ranges = this.ranges.get(time);
    const older = [...this.ranges.keys()].filter((t) => t <= time);
    for (const t of older.slice(0, Math.max(0, older.length - KEEP_COMMITTED))) {
      this.ranges.delete(t);
      this.slices.delete(t);
      this.ownership.forget(t);
    }
    if ((this.options.commit ?? 'kafka') !== 'kafka' || !ranges) return this.committing;
    const offsets = ranges
      .filter((r) => !this.distributed || this.ownership.owns(r.partition))
      .filter((r) => r.untilOffset > (this.committed.get(partitionKey(r.topic, r.partition)) ?? -1))
      .map((r) => ({ topic: r.topic, partition: r.partition, offset: r.untilOffset }));
    if (offsets.length === 0) return this.committing;
    const fetcher = this.fetcher;
    this.committing = this.committing.then(async () => {
      if (!fetcher) return;
      const commit = this.retrying(
        `committing the offsets of the batch of time ${time}`,
        () => fetcher.commit(offsets),
        { maxAttempts: this.distributed ? 3 : 10 },
      );
      // In a distributed job a commit refused by a rebalance is left to the partition's next
      // owner, which reads from the last committed offsets (at-least-once).
      if (!this.distributed) await commit;
      else if (
        !(await commit.then(
          () => true,
          () => false,
        ))
      )
        return;
      for (const o of offsets) this.committed.set(partitionKey(o.topic, o.partition), o.offset);
    });
    return this.committing;
  }

  async stop(): Promise<void> {
    this.retrier.stopped = true;
    await this.committing.catch(() => undefined);
    await this.fetcher?.stop().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.fetcher = undefined;
    this.admin = undefined;
  }

  /** The low (earliest) and high (latest stable) offset of every partition of the topics. */
  private async latestOffsets(): Promise<Map<string, { low: number; high: number }>> {
    const admin = this.admin as Admin;
    const result = new Map<string, { low: number; high: number }>();
    for (const topic of this.options.topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      offsets.sort((a, b) => a.partition - b.partition);
      for (const o of offsets) {
        result.set(partitionKey(topic, o.partition), { low: Number(o.low), high: Number(o.high) });
      }
    }
    return result;
  }

  /** The group's committed offset per partition (those it has). */
  private async committedOffsets(): Promise<Map<string, number>> {
    const admin = this.admin as Admin;
    const topics = await admin.fetchOffsets({ groupId: this.groupId, topics: [...this.options.topics] });
    const result = new Map<string, number>();
    for (const { topic, partitions } of topics) {
      for (const { partition, offset } of partitions) {
        if (Number(offset) >= 0) result.set(partitionKey(topic, partition), Number(offset));
      }
    }
    return result;
  }

  private startingOffset(
    topic: string,
    partition: number,
    committed: number | undefined,
    bounds: { low: number; high: number } | undefined,
  ): number {
    const start = this.options.startingOffsets ?? 'latest';
    if (typeof start === 'object') {
      const explicit = start[topic]?.[partition];
      if (explicit !== undefined) return explicit;
    }
    if (committed !== undefined) return committed;
    if (start === 'latest') return bounds?.high ?? 0;
    return bounds?.low ?? 0;
  }

  private retrying<T>(
    what: string,
    call: () => Promise<T>,
    limits: { maxAttempts?: number } = {},
  ): Promise<T> {
    return this.retrier.run(what, call, limits);
  }

  private report(message: string, error?: unknown): void {
    this.retrier.report(message, error);
  }
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}
