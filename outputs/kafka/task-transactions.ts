/**
 * The transactional Kafka output of a distributed job (a context with an `applicationId`): one
 * transaction per task and batch, holding the task's output records and its input offsets, with
 * a transactional id per task (`<id>-task-<i>`), in the manner of Kafka Streams' first
 * exactly-once mode. kafkajs cannot send the consumer group's generation with the offsets
 * (its TxnOffsetCommit stops at version 1, before KIP-447), so the broker cannot fence a
 * process that lost its partitions by generation, as Kafka Streams' `exactly_once_v2` does;
 * a transactional id per task fences it instead.
 *
 * Why nothing is lost or written twice: a process that takes a task first starts the task's
 * producer, which fences every older producer of that id (a process that lost the task, paused
 * or not) and makes the broker finish or abort its open transaction; only then does the stream
 * read the task's committed offsets and start there. A fenced producer can commit nothing more,
 * so the task's offsets and outputs move only under its newest owner, batch after batch from
 * where the last commit left them. A batch planned before the process (re)took the task, under
 * an older incarnation, is never committed; a task whose transaction fails is dropped, and read
 * again from its committed offsets when it is taken again.
 */
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { KindlingError, type TaskSlice } from '../../lib/index.js';
import { createKafka, transactionalProducer } from '../../systems/kafka/client.js';
import type { KafkaConnectionOptions } from '../../systems/kafka/options.js';
import type { KafkaOffsetSource, OffsetRange } from '../../systems/kafka/offsets.js';
import type { Retrier } from '../../systems/kafka/retrier.js';
import { chunkMessages, type OutgoingKafkaMessage } from './messages.js';

/** The producer of one task, and the incarnation of the task it was started for. */
interface TaskProducer {
  readonly producer: Producer;
  readonly incarnation: number;
  /** Set once the group's offsets were found where the task's first batch starts. */
  checked: boolean;
}

/** Writes each task's records and offsets in a transaction of its own; see the file summary. */
export class TaskTransactionalWriter {
  private readonly kafka: Kafka;
  private readonly producers = new Map<number, TaskProducer>();
  private admin: Admin | undefined;

  constructor(
    private readonly options: KafkaConnectionOptions & { readonly topic: string },
    private readonly source: KafkaOffsetSource,
    /** The transactional ids are `<base>-task-<task>`. */
    private readonly base: string,
    private readonly retrier: Retrier,
    private readonly maxRequestBytes: number,
  ) {
    this.kafka = createKafka(options, 'the transactional Kafka output');
    if (!source.onTasks) {
      throw new KindlingError(`${retrier.name}: the source '${source.name}' cannot be split into tasks`);
    }
    source.onTasks({
      gained: (tasks) => this.gain(tasks),
      lost: (tasks) => this.lose(tasks),
    });
  }

  /** The transactional id of `task`. */
  transactionalId(task: number): string {
    return `${this.base}-task-${task}`;
  }

  /**
   * Writes the batch at `time`: for each task it read, the task's messages (`slices` of
   * `messages`) and offsets in one transaction, the tasks side by side.
   */
  async write(
    messages: readonly OutgoingKafkaMessage[],
    slices: readonly TaskSlice[] | undefined,
    time: number,
  ): Promise<void> {
    const ranges = this.source.offsetRangesAt(time);
    const tasks = this.source.tasksAt?.(time);
    if (!ranges || !tasks || !slices) {
      throw new KindlingError(
        `${this.retrier.name}: the batch of time ${time} cannot be told apart by task; with applicationId the ` +
          'transactional Kafka output writes a stream made by map, filter and flatMap from the kafkaDirectStream',
      );
    }
    const bySlice = new Map(slices.map((s) => [s.task, s]));
    await Promise.all(
      [...tasks].map(async ([task, incarnation]) => {
        const read = ranges.filter((r) => r.partition === task && r.untilOffset > r.fromOffset);
        const slice = bySlice.get(task);
        const own = slice ? messages.slice(slice.start, slice.end) : [];
        if (read.length === 0 && own.length === 0) return;
        if (!slice) return; // not read whole (the group took it away): its next owner reads it
        const held = this.producers.get(task);
        if (!held || held.incarnation !== incarnation) return; // planned under an older incarnation
        await this.commitTask(task, held, own, read, time);
      }),
    );
  }

  /** Disconnects every producer; fails if a disconnect did. */
  async close(): Promise<void> {
    const open = [...this.producers.values()];
    this.producers.clear();
    const admin = this.admin;
    this.admin = undefined;
    const results = await Promise.allSettled([
      ...open.map((p) => p.producer.disconnect()),
      admin?.disconnect(),
    ]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  }

  private async commitTask(
    task: number,
    held: TaskProducer,
    messages: readonly OutgoingKafkaMessage[],
    ranges: readonly OffsetRange[],
    time: number,
  ): Promise<void> {
    if (!held.checked && !(await this.startsWhereCommitted(task, held, ranges, time))) return;
    const transaction = await held.producer.transaction();
    try {
      for (const chunk of chunkMessages(messages, this.maxRequestBytes)) {
        await transaction.send({ topic: this.options.topic, messages: chunk as Message[], acks: -1 });
      }
      if (ranges.length > 0) {
        await transaction.sendOffsets({ consumerGroupId: this.source.groupId, topics: offsetsOf(ranges) });
      }
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      const fenced = isFenced(error);
      this.retrier.report(
        `task ${task}: the transaction of the batch of time ${time} failed (${this.retrier.describe(error)}); ` +
          (fenced
            ? 'another process owns the task now: this one gives it up until the group assigns it again'
            : 'the task is taken again at the next batch, from its committed offsets'),
        error,
      );
      if (this.producers.get(task) !== held) return; // taken again meanwhile
      await this.closeTask(task);
      this.source.dropTask?.(task, fenced);
    }
  }

  /**
   * Before the first transaction of a task taken: true when the group's committed offsets are
   * where the batch starts. kafkajs reads committed offsets without `require_stable` (KIP-447),
   * so the offsets of the previous owner's last transaction, committed just before the fence,
   * may not have been visible yet when the stream read them; read again now, they are, and a
   * batch that would write those records again is not committed: the task is dropped and taken
   * again at the next batch, from the offsets read then.
   */
  private async startsWhereCommitted(
    task: number,
    held: TaskProducer,
    ranges: readonly OffsetRange[],
    time: number,
  ): Promise<boolean> {
    if (ranges.length === 0) return true;
    try {
      this.admin ??= this.kafka.admin();
      await this.admin.connect();
      const topics = [...new Set(ranges.map((r) => r.topic))];
      const fetched = await this.admin.fetchOffsets({ groupId: this.source.groupId, topics });
      const ahead = ranges.filter((r) => {
        const at = fetched
          .find((f) => f.topic === r.topic)
          ?.partitions.find((p) => p.partition === r.partition);
        return Number(at?.offset ?? -1) > r.fromOffset;
      });
      if (ahead.length === 0) {
        held.checked = true;
        return true;
      }
      this.retrier.report(
        `task ${task}: its previous owner's last offsets became visible only after this process read them ` +
          `(the batch of time ${time} starts before them); the task is taken again at the next batch`,
      );
    } catch (error) {
      this.retrier.report(
        `task ${task}: reading the group's offsets failed: ${this.retrier.describe(error)}`,
        error,
      );
    }
    if (this.producers.get(task) === held) {
      await this.closeTask(task);
      this.source.dropTask?.(task, false);
    }
    return false;
  }

  /** Starts the producers of `tasks`, each fencing the task's previous owner. */
  private async gain(tasks: readonly { task: number; incarnation: number }[]): Promise<void> {
    await Promise.all(
      tasks.map(async ({ task, incarnation }) => {
        await this.closeTask(task);
        const producer = await this.retrier.run(`starting the producer of task ${task}`, () =>
          this.startProducer(task),
        );
        this.producers.set(task, { producer, incarnation, checked: false });
      }),
    );
  }

  private async lose(tasks: readonly number[]): Promise<void> {
    await Promise.all(tasks.map((task) => this.closeTask(task)));
  }

  private async closeTask(task: number): Promise<void> {
    const held = this.producers.get(task);
    this.producers.delete(task);
    await held?.producer.disconnect().catch(() => undefined);
  }

  private startProducer(task: number): Promise<Producer> {
    return transactionalProducer(this.kafka, this.transactionalId(task));
  }
}

/** True when `error` says a newer producer of the same transactional id fenced this one. */
export function isFenced(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FENCED.has(type)) return true;
    if (/fenced|INVALID_PRODUCER_EPOCH|producer.?epoch/i.test(e.message)) return true;
  }
  return false;
}

const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

function offsetsOf(
  ranges: readonly OffsetRange[],
): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const r of ranges) {
    const list = byTopic.get(r.topic) ?? [];
    list.push({ partition: r.partition, offset: String(r.untilOffset) });
    byTopic.set(r.topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
