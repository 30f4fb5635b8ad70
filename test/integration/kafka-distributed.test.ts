/**
 * A distributed job (`applicationId`) as real processes against the real broker: several copies
 * of `test/fixtures/kafka-distributed-job.ts` share a 6-partition topic through the consumer
 * group, one is killed (SIGKILL) or paused past its session (SIGSTOP) and others join, and the
 * output topic, read with `read_committed`, holds exactly one output per input record. Also: the
 * per-task transactional ids fence a process that lost its task, and unequal partition counts
 * of a co-partitioned job fail at start.
 *
 * Waits are bounded (each test has a time limit) and nothing asserts a duration.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ConfigurationError, StreamingContext } from '../../lib/index.js';
import { kafkaOutput } from '../../outputs/index.js';
import { TaskTransactionalWriter } from '../../outputs/kafka/task-transactions.js';
import { kafkaDirectStream } from '../../receivers/index.js';
import { Retrier } from '../../systems/kafka/retrier.js';
import type { KafkaOffsetSource, OffsetRange, TaskHooks } from '../../systems/kafka/offsets.js';
import { createTopic, kafkaBrokers, produce, readAll, withAdmin } from '../helpers/kafka.js';
import { logServerOnFailure, uniqueName } from '../helpers/servers.js';

const brokers = kafkaBrokers();

/** One process of the distributed job, with its output lines. */
interface JobProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly errors: string[];
  /**
   * Resolves with the first line that matches `pattern` among those from the `from`-th on (seen
   * or to come); rejects if the process ends first.
   */
  line(pattern: RegExp, from?: number): Promise<string>;
  exited: Promise<number | null>;
}

function startJob(input: string, output: string, app: string, sessionTimeout = 6000): JobProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/fixtures/kafka-distributed-job.ts',
      brokers[0] as string,
      input,
      output,
      app,
      String(sessionTimeout),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const errors: string[] = [];
  const waiting: [RegExp, (line: string) => void][] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiting]) {
      if (!w[0].test(line)) continue;
      waiting.splice(waiting.indexOf(w), 1);
      w[1](line);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => errors.push(line));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    errors,
    exited,
    line: (pattern, from = 0) =>
      new Promise((resolve, reject) => {
        const seen = lines.slice(from).find((l) => pattern.test(l));
        if (seen !== undefined) return resolve(seen);
        waiting.push([pattern, resolve]);
        void exited.then((code) =>
          reject(new Error(`the job exited (${code}) before a line matching ${pattern}`)),
        );
      }),
  };
}

/** Waits (bounded by the test's limit) until the group has committed every record of `topic`. */
async function allCommitted(topic: string, group: string): Promise<void> {
  for (;;) {
    const [ends, committed] = await withAdmin(
      async (admin) =>
        [
          await admin.fetchTopicOffsets(topic),
          await admin.fetchOffsets({ groupId: group, topics: [topic] }),
        ] as const,
    );
    const at = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    if (ends.every((e) => (at.get(e.partition) ?? 0) >= Number(e.high))) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The committed sum of the group's offsets on `topic`. */
async function committedCount(topic: string, group: string): Promise<number> {
  const committed = await withAdmin((admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
  return (committed[0]?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

async function untilCommitted(topic: string, group: string, atLeast: number): Promise<void> {
  while ((await committedCount(topic, group)) < atLeast) await new Promise((r) => setTimeout(r, 300));
}

function records(from: number, to: number): { key: string; value: string }[] {
  return Array.from({ length: to - from }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }));
}

/** Missing and doubled outputs: every input `v<i>` must be in the output as `out-v<i>` once. */
async function checkOutput(output: string, total: number): Promise<{ missing: number[]; doubled: string[] }> {
  const counts = new Map<string, number>();
  for (const m of await readAll(output)) {
    const v = m.value?.toString() ?? '';
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!counts.has(`out-v${i}`)) missing.push(i);
  const doubled = [...counts].filter(([, n]) => n > 1).map(([v]) => v);
  const strangers = [...counts.keys()].filter((v) => !/^out-v\d+$/.test(v));
  doubled.push(...strangers.map((v) => `unexpected ${v}`));
  return { missing, doubled };
}

/** On failure: each process's task changes and errors, and where the doubled outputs came from. */
function logJobs(t: { log(...values: unknown[]): void }, jobs: JobProcess[], doubled: string[]): void {
  jobs.forEach((job, i) => {
    t.log(`process ${i}: ${job.lines.filter((l) => l.startsWith('tasks')).join(' | ')}`);
    t.log(
      `process ${i} batches: ${job.lines
        .filter((l) => l.startsWith('batch'))
        .slice(-60)
        .join(' | ')}`,
    );
    for (const line of job.errors.slice(0, 20)) t.log(`process ${i} stderr: ${line}`);
  });
  t.log(`doubled (first 10): ${doubled.slice(0, 10).join(', ')}`);
}

async function stopAll(jobs: JobProcess[]): Promise<void> {
  for (const job of jobs)
    if (job.child.exitCode === null && job.child.signalCode === null) job.child.kill('SIGTERM');
  await Promise.all(jobs.map((j) => j.exited));
}

test.serial(
  '3 processes share 6 partitions; one killed, a fourth added: every record out exactly once',
  async (t) => {
    t.timeout(240_000);
    logServerOnFailure(t, 'kafka');
    const input = await createTopic('dist-in', 6);
    const output = await createTopic('dist-out', 3);
    const app = uniqueName('dist-app');
    await produce(input, records(0, 40_000));
    const jobs = [startJob(input, output, app), startJob(input, output, app), startJob(input, output, app)];
    t.teardown(() => jobs.forEach((j) => j.child.kill('SIGKILL')));
    try {
      await Promise.all(jobs.map((j) => j.line(/^batch /)));
      const [a, b, c] = jobs as [JobProcess, JobProcess, JobProcess];
      t.log(
        `tasks before the kill: ${[a, b, c].map((j) => j.lines.filter((l) => l.startsWith('tasks')).at(-1)).join(' | ')}`,
      );
      const [fromA, fromC] = [a.lines.length, c.lines.length];
      const killedAt = Date.now();
      b.child.kill('SIGKILL');
      await b.exited;
      // Once b's session ends, a or c takes its tasks (three tasks at once).
      const three = /^tasks \d+,\d+,\d+$/;
      await Promise.race([a.line(three, fromA), c.line(three, fromC)]);
      t.log(
        `b's tasks read again by a or c ${Date.now() - killedAt} ms after the kill (session timeout 6000 ms)`,
      );
      await produce(input, records(40_000, 60_000));
      await untilCommitted(input, app, 45_000);
      const d = startJob(input, output, app);
      jobs.push(d);
      const startedAt = Date.now();
      await d.line(/^tasks \d/); // d owns tasks (the others may have read everything so far)
      t.log(
        `d read its first tasks ${Date.now() - startedAt} ms after it was started (process start included)`,
      );
      await produce(input, records(60_000, 80_000));
      await allCommitted(input, app);
      t.log(
        `tasks at the end: ${[a, c, d].map((j) => j.lines.filter((l) => l.startsWith('tasks')).at(-1)).join(' | ')}`,
      );
    } finally {
      await stopAll(jobs);
    }
    const { missing, doubled } = await checkOutput(output, 80_000);
    if (missing.length > 0 || doubled.length > 0) logJobs(t, jobs, doubled);
    t.deepEqual(missing.slice(0, 20), [], `${missing.length} input records have no output`);
    t.deepEqual(doubled.slice(0, 20), [], `${doubled.length} outputs are there twice`);
  },
);

test.serial(
  'a process paused past its session (SIGSTOP) and resumed commits nothing for the tasks it lost',
  async (t) => {
    t.timeout(240_000);
    logServerOnFailure(t, 'kafka');
    const input = await createTopic('pause-in', 6);
    const output = await createTopic('pause-out', 3);
    const app = uniqueName('pause-app');
    await produce(input, records(0, 40_000));
    const a = startJob(input, output, app, 3000);
    const b = startJob(input, output, app, 3000);
    const jobs = [a, b];
    t.teardown(() => jobs.forEach((j) => j.child.kill('SIGKILL')));
    try {
      await Promise.all(jobs.map((j) => j.line(/^batch /)));
      // Pause a while it runs a batch: its last batch line names the tasks it is writing.
      const fromB = b.lines.length;
      const pausedAt = Date.now();
      a.child.kill('SIGSTOP');
      await produce(input, records(40_000, 50_000));
      await b.line(/^tasks 0,1,2,3,4,5$/, fromB); // b took a's tasks once a's session ended
      t.log(`a's tasks read by b ${Date.now() - pausedAt} ms after the pause (session timeout 3000 ms)`);
      await untilCommitted(input, app, 45_000);
      a.child.kill('SIGCONT');
      await produce(input, records(50_000, 60_000));
      await allCommitted(input, app);
      t.log(
        `a after resuming: ${a.lines
          .filter((l) => l.startsWith('tasks'))
          .slice(-3)
          .join(' | ')}`,
      );
      const refused = a.errors.filter((l) => /another process owns the task now|fenced/i.test(l));
      t.log(
        `a's transactions refused after resuming: ${refused.length}${refused[0] ? `, e.g. ${refused[0]}` : ''}`,
      );
    } finally {
      await stopAll(jobs);
    }
    const { missing, doubled } = await checkOutput(output, 60_000);
    t.deepEqual(missing.slice(0, 20), [], `${missing.length} input records have no output`);
    t.deepEqual(doubled.slice(0, 20), [], `${doubled.length} outputs are there twice`);
  },
);

/** A stand-in for a distributed direct stream that owns task 0, for two writers. */
function fakeSource(
  group: string,
  ranges: OffsetRange[],
): KafkaOffsetSource & { hooks: TaskHooks[]; drops: [number, boolean][] } {
  const hooks: TaskHooks[] = [];
  const drops: [number, boolean][] = [];
  return {
    name: 'fake',
    groupId: group,
    applicationId: group,
    hooks,
    drops,
    offsetRangesAt: () => ranges,
    runBeforeStart: () => undefined,
    onTasks: (h) => void hooks.push(h),
    tasksAt: () => new Map([[0, 1]]),
    dropTask: (task, fenced) => void drops.push([task, fenced]),
  };
}

test('per-task transactional ids: the process that took a task fences the one that had it', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kafka');
  const input = await createTopic('fence-in', 1);
  const output = await createTopic('fence-out', 1);
  await produce(input, records(0, 5));
  const group = uniqueName('fence-app');
  const ssc = new StreamingContext({ batchInterval: 1000, logger: false });
  const ranges = [{ topic: input, partition: 0, fromOffset: 0, untilOffset: 5 }];
  const retrier = new Retrier(ssc, 'fence test', [], { maxAttempts: 3, initialDelay: 100 });
  const oldSource = fakeSource(group, ranges);
  const newSource = fakeSource(group, ranges);
  const old = new TaskTransactionalWriter({ brokers, topic: output }, oldSource, group, retrier, 900_000);
  const taker = new TaskTransactionalWriter({ brokers, topic: output }, newSource, group, retrier, 900_000);
  try {
    await oldSource.hooks[0]?.gained([{ task: 0, incarnation: 1 }]);
    await newSource.hooks[0]?.gained([{ task: 0, incarnation: 1 }]); // fences the old producer
    const slices = [{ task: 0, start: 0, end: 1 }];
    await old.write([{ value: 'from the process that lost the task' }], slices, 1000);
    t.deepEqual(
      oldSource.drops,
      [[0, true]],
      'the fenced process gives the task up until the group assigns it again',
    );
    await taker.write([{ value: 'from the new owner' }], slices, 1000);
    t.deepEqual(newSource.drops, []);
  } finally {
    await Promise.allSettled([old.close(), taker.close()]);
  }
  const written = (await readAll(output)).map((m) => m.value?.toString());
  t.deepEqual(written, ['from the new owner']);
  const committed = await withAdmin((admin) => admin.fetchOffsets({ groupId: group, topics: [input] }));
  t.is(committed[0]?.partitions[0]?.offset, '5');
});

test('a co-partitioned job over topics of unequal partition counts fails at start, naming them', async (t) => {
  t.timeout(60_000);
  logServerOnFailure(t, 'kafka');
  const six = await createTopic('copart-six', 6);
  const four = await createTopic('copart-four', 4);
  const ssc = new StreamingContext({
    batchInterval: 1000,
    applicationId: uniqueName('copart'),
    logger: false,
  });
  const stream = kafkaDirectStream(ssc, { brokers, topics: [six, four], startingOffsets: 'earliest' });
  stream
    .map((r) => [r.key ?? '', r.topic] as [string, string])
    .groupByKey()
    .print();
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.regex(error.message, new RegExp(`${six} has 6, ${four} has 4`));
  t.regex(error.message, /co-partitioned/);
});

test('a transactional output of records aggregated across tasks is refused when the job is built', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, applicationId: 'agg-app', logger: false });
  const stream = kafkaDirectStream(ssc, { brokers, topics: ['t'] });
  const counts = stream.map((r) => [r.key ?? '', 1] as [string, number]).reduceByKey((a, b) => a + b);
  t.throws(
    () =>
      kafkaOutput(counts, {
        brokers,
        topic: 'out',
        transactional: { source: stream },
      }),
    { instanceOf: ConfigurationError, message: /each record written must come from one task/ },
  );
});
