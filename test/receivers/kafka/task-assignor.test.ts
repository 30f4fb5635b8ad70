import test from 'ava';
import { ConfigurationError } from '../../../lib/index.js';
import { assignTasks, taskCount, type TaskMember } from '../../../receivers/kafka/task-assignor.js';
import { sliceByTask } from '../../../receivers/kafka/tasks.js';

const fresh = (...ids: string[]): TaskMember[] => ids.map((id) => ({ id, previous: [] }));
const plain = (plan: Map<string, number[]>): Record<string, number[]> => Object.fromEntries(plan);
const moved = (before: Map<string, number[]>, after: Map<string, number[]>): number => {
  const owner = new Map<number, string>();
  for (const [id, tasks] of before) for (const t of tasks) owner.set(t, id);
  let n = 0;
  // A task counts as moved when its owner is still a member and no longer has it.
  for (const [id, tasks] of after)
    for (const t of tasks) if (after.has(owner.get(t) ?? '') && owner.get(t) !== id) n++;
  return n;
};
const history = (plan: Map<string, number[]>, ...drop: string[]): TaskMember[] =>
  [...plan].filter(([id]) => !drop.includes(id)).map(([id, previous]) => ({ id, previous }));

test('new members share the tasks evenly, every task once', (t) => {
  t.deepEqual(plain(assignTasks(fresh('c', 'a', 'b'), 6)), { a: [0, 1], b: [2, 3], c: [4, 5] });
  const uneven = assignTasks(fresh('a', 'b', 'c', 'd'), 6);
  t.deepEqual(
    [...uneven.values()].flat().sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5],
  );
  t.deepEqual([...uneven.values()].map((ts) => ts.length).sort(), [1, 1, 2, 2]);
});

test('more members than tasks: some get none, and every member is in the plan', (t) => {
  const plan = assignTasks(fresh('a', 'b', 'c'), 2);
  t.deepEqual(plain(plan), { a: [0], b: [1], c: [] });
});

test('a member that leaves: its tasks go to the others, no other task moves', (t) => {
  const three = assignTasks(fresh('a', 'b', 'c'), 6);
  const two = assignTasks(history(three, 'b'), 6);
  t.is(moved(three, two), 0, 'only the departed member’s tasks changed hands');
  t.deepEqual(plain(two), { a: [0, 1, 2], c: [3, 4, 5] });
});

test('a member that joins takes tasks from the largest shares only, as few as balance needs', (t) => {
  const two = assignTasks(fresh('a', 'c'), 6);
  const three = assignTasks([...history(two), { id: 'd', previous: [] }], 6);
  t.is(moved(two, three), 2, 'd takes exactly its share, 2 tasks');
  t.deepEqual(
    [...three.values()].map((ts) => ts.length),
    [2, 2, 2],
  );
  t.deepEqual(
    three.get('a')?.every((x) => two.get('a')?.includes(x)),
    true,
  );
  t.deepEqual(
    three.get('c')?.every((x) => two.get('c')?.includes(x)),
    true,
  );
});

test('a task two members claim (a zombie came back) goes to one of them only', (t) => {
  const plan = assignTasks(
    [
      { id: 'a', previous: [0, 1, 2] },
      { id: 'b', previous: [2, 3, 4, 5] },
    ],
    6,
  );
  const all = [...plan.values()].flat().sort((x, y) => x - y);
  t.deepEqual(all, [0, 1, 2, 3, 4, 5]);
  t.deepEqual(
    [...plan.values()].map((ts) => ts.length),
    [3, 3],
  );
});

test('claims of tasks that no longer exist are ignored', (t) => {
  t.deepEqual(plain(assignTasks([{ id: 'a', previous: [7, 8] }, ...fresh('b')], 2)), { a: [0], b: [1] });
});

test('same members and history, same plan', (t) => {
  const members = [{ id: 'x', previous: [3] }, ...fresh('y', 'z')];
  t.deepEqual(plain(assignTasks(members, 5)), plain(assignTasks([...members].reverse(), 5)));
});

test('unequal partition counts: allowed for a stateless job, refused when co-partitioned, naming each', (t) => {
  const counts = new Map([
    ['clicks', 6],
    ['users', 4],
  ]);
  t.is(taskCount(counts, false, 'job'), 6);
  const error = t.throws(() => taskCount(counts, true, 'job'), { instanceOf: ConfigurationError });
  t.regex(error.message, /clicks has 6, users has 4/);
  t.regex(error.message, /same number of partitions/);
  t.is(
    taskCount(
      new Map([
        ['a', 3],
        ['b', 3],
      ]),
      true,
      'job',
    ),
    3,
  );
});

test('a batch is cut task by task; a task with a range not read whole leaves the batch and its ranges', (t) => {
  const range = (topic: string, partition: number) => ({ topic, partition, fromOffset: 0, untilOffset: 2 });
  const ranges = [range('a', 0), range('b', 0), range('a', 1), range('b', 1), range('a', 2)];
  const { records, slices, kept } = sliceByTask(ranges, [
    [['a0-1'], ['a0-2']],
    [['b0-1', 'b0-2']],
    [['a1-1', 'a1-2']],
    undefined, // b/1 was taken away while the batch read it: task 1 leaves the batch
    [[], ['a2-1']],
  ]);
  t.deepEqual(records, ['a0-1', 'a0-2', 'b0-1', 'b0-2', 'a2-1']);
  t.deepEqual(slices, [
    { task: 0, start: 0, end: 4 },
    { task: 2, start: 4, end: 5 },
  ]);
  t.deepEqual(
    kept.map((r) => `${r.topic}/${r.partition}`),
    ['a/0', 'b/0', 'a/2'],
  );
});
