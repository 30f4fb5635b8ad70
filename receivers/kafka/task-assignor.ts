/**
 * The co-partitioning assignor of a distributed job (one with an `applicationId`): a task is
 * partition *i* of every input topic, and the group gives each task whole to one member, so
 * partition *i* of every topic lands in the same process. Tasks are shared out evenly (member
 * counts differ by one at most) and stickily: a member keeps the tasks it had, up to its share,
 * so a rebalance moves as few tasks as it can. The pure {@link assignTasks} is tested without a
 * broker; {@link taskAssigner} wraps it in kafkajs's `partitionAssigners` protocol.
 */
import type { Cluster, PartitionAssigner } from 'kafkajs';
import { ConfigurationError } from '../../lib/index.js';
import { kafkajs } from '../../systems/kafka/client.js';

/** One member of the group as the assignor sees it: its id and the tasks it held before. */
export interface TaskMember {
  readonly id: string;
  /** The tasks the member says it owned (its user data); empty for a new member. */
  readonly previous: readonly number[];
}

/**
 * Gives each of `tasks` tasks (0 to `tasks` − 1) to one member: balanced (the counts differ by
 * one at most) and sticky (each member keeps what it had, up to its share). Deterministic: the
 * same members and history give the same answer.
 *
 * @example
 * assignTasks([{ id: 'a', previous: [0, 1, 2] }, { id: 'b', previous: [] }], 3);
 * // Map { 'a' => [0, 1], 'b' => [2] }
 */
export function assignTasks(members: readonly TaskMember[], tasks: number): Map<string, number[]> {
  const result = new Map<string, number[]>();
  if (members.length === 0) return result;
  const claims = (m: TaskMember): number[] =>
    [...new Set(m.previous)].filter((t) => Number.isInteger(t) && t >= 0 && t < tasks).sort((a, b) => a - b);
  // Members that held more keep the larger shares: fewer moves.
  const order = [...members].sort(
    (a, b) => claims(b).length - claims(a).length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const base = Math.floor(tasks / members.length);
  const larger = tasks % members.length;
  const cap = new Map(order.map((m, i) => [m.id, base + (i < larger ? 1 : 0)]));
  const taken = new Set<number>();
  for (const m of order) {
    const kept: number[] = [];
    for (const t of claims(m)) {
      if (kept.length >= (cap.get(m.id) ?? 0)) break;
      if (taken.has(t)) continue; // two members claim it (one was a zombie): the first keeps it
      taken.add(t);
      kept.push(t);
    }
    result.set(m.id, kept);
  }
  const free = Array.from({ length: tasks }, (_, t) => t).filter((t) => !taken.has(t));
  for (const m of order) {
    const own = result.get(m.id) as number[];
    while (own.length < (cap.get(m.id) ?? 0) && free.length > 0) own.push(free.shift() as number);
    own.sort((a, b) => a - b);
  }
  return result;
}

/**
 * The number of tasks of `topics` given their partition counts: the largest count (task *i* is
 * partition *i* of every topic that has one). With `coPartitioned` (the job joins or aggregates
 * by key across topics), unequal counts are a ConfigurationError that names each topic's count.
 */
export function taskCount(
  partitions: ReadonlyMap<string, number>,
  coPartitioned: boolean,
  what: string,
): number {
  const counts = [...partitions.values()];
  if (coPartitioned && new Set(counts).size > 1) {
    const list = [...partitions].map(([topic, n]) => `${topic} has ${n}`).join(', ');
    throw new ConfigurationError(
      `${what}: the job joins or aggregates by key across its input topics, which must then be ` +
        `co-partitioned (partition i of each topic is one task), but their partition counts differ ` +
        `(${list}); give every input topic the same number of partitions`,
    );
  }
  return Math.max(0, ...counts);
}

/** The user data a member sends: the tasks it owns, as a JSON array. */
function encodeTasks(tasks: readonly number[]): Buffer {
  return Buffer.from(JSON.stringify([...tasks]));
}

function decodeTasks(data: Buffer | null | undefined): number[] {
  if (!data || data.length === 0) return [];
  try {
    const parsed: unknown = JSON.parse(data.toString('utf8'));
    return Array.isArray(parsed) ? parsed.filter((t): t is number => typeof t === 'number') : [];
  } catch {
    return [];
  }
}

/** The assigner's protocol name: every member of a distributed job must use it. */
export const TASK_ASSIGNOR = 'KindlingCoPartitioned';

/**
 * The kafkajs `partitionAssigners` entry of a distributed job: members announce the tasks they
 * own (for stickiness); the leader gives partition *i* of every subscribed topic to the member
 * that gets task *i*. `owned()` is read at every join.
 */
export function taskAssigner(owned: () => readonly number[]): PartitionAssigner {
  return ({ cluster }: { cluster: Cluster }) => {
    const { AssignerProtocol } = kafkajs('the Kafka direct stream');
    return {
      name: TASK_ASSIGNOR,
      version: 0,
      protocol: ({ topics }: { topics: string[] }) => ({
        name: TASK_ASSIGNOR,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics,
          userData: encodeTasks(owned()),
        }),
      }),
      assign: async ({ members, topics }) => {
        const partitions = new Map<string, number>();
        for (const topic of topics) {
          partitions.set(topic, cluster.findTopicPartitionMetadata(topic).length);
        }
        const tasks = taskCount(partitions, false, 'the co-partitioning assignor');
        const decoded = members.map((m) => ({
          id: m.memberId,
          previous: decodeTasks(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData),
        }));
        const plan = assignTasks(decoded, tasks);
        return members.map(({ memberId }) => {
          const own = plan.get(memberId) ?? [];
          const assignment: Record<string, number[]> = {};
          for (const [topic, n] of partitions) assignment[topic] = own.filter((t) => t < n);
          return {
            memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({
              version: 0,
              assignment,
              userData: encodeTasks(own),
            }),
          };
        });
      },
    };
  };
}
