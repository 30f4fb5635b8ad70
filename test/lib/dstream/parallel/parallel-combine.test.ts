/**
 * A parallel stage fused with the by-key operator after it: `parallel(...).countByValue()` and
 * `parallel(...).reduceByKey(workerTask(...))` merge each slice by key on its thread and the
 * slices on the main thread. They give the same pairs, in the same order (keys as they first
 * come in the batch), as the operators on the main thread, on every pool; errors and dead letters
 * behave as in the stage alone.
 */
import test from 'ava';
import { BatchError, ConfigurationError, StreamingContext, type DStream } from '../../../../lib/index.js';
import { POOLS, range, run, task } from './parallel-harness.js';
import * as tasks from './parallel-tasks.js';

/** Lines whose words repeat within and across slices, some longer than the table's short keys. */
function lines(count: number, seed: number): string[] {
  const long = (n: number): string => `${'x'.repeat(70)}${n % 3}`;
  return range(1, count).map((n) => {
    const a = (n * seed) % 37;
    const b = (n * 7 + seed) % 1500;
    return n % 10 === 0 ? `w${a} ${long(n)} w${b}` : `w${a} w${b} w${a} ${n % 2 ? 'odd' : 'even'}`;
  });
}

const LINES = [lines(3000, 11), [], lines(5, 3), ['', 'solo']];

/** The pairs of `countByValue` / `reduceByKey(+)` on the main thread: keys as they first come. */
function counted<K>(keys: readonly K[]): [K, number][] {
  const counts = new Map<K, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts];
}

const CASES: readonly {
  readonly name: string;
  readonly input: unknown[][];
  readonly stage: (s: DStream<unknown>) => DStream<unknown>;
  readonly expected: unknown[][];
}[] = [
  {
    name: 'parallel(flatMap).countByValue(), string keys',
    input: LINES,
    stage: (s) => (s as DStream<string>).parallel(task<string, string>('words', 'flatMap')).countByValue(),
    expected: LINES.map((b) => counted(b.flatMap(tasks.words))),
  },
  {
    name: 'parallel(flatMap).reduceByKey(workerTask), string keys',
    input: LINES,
    stage: (s) =>
      (s as DStream<string>)
        .parallel(task<string, [string, number]>('wordPairs', 'flatMap'))
        .reduceByKey(task<[number, number], number>('add')),
    expected: LINES.map((b) => counted(b.flatMap(tasks.words))),
  },
  {
    name: 'parallel(map).countByValue() with number keys and 5 even slices',
    input: [range(1, 1000), [7, 14, 0]],
    stage: (s) => (s as DStream<number>).parallel(task<number, number>('mod7'), { slices: 5 }).countByValue(),
    expected: [counted(range(1, 1000).map(tasks.mod7)), [[0, 3]]],
  },
  {
    name: 'parallel(filter).countByValue() counts the records kept',
    input: [range(1, 500).map((n) => n % 20)],
    stage: (s) => (s as DStream<number>).parallel(task<number, boolean>('isEven', 'filter')).countByValue(),
    expected: [
      counted(
        range(1, 500)
          .map((n) => n % 20)
          .filter(tasks.isEven),
      ),
    ],
  },
];

for (const c of CASES) {
  for (const pool of POOLS) {
    test.serial(`${c.name}: the pairs of the main-thread operator, in order, ${pool.label}`, async (t) => {
      const result = await run(c.input, pool.workers, c.stage);
      t.is(result.failure, undefined);
      t.deepEqual(result.out, c.expected);
    });
  }
}

test.serial('the fused node is named after the stage; a throwing record becomes a dead letter', async (t) => {
  const input = [range(1, 2000).map((n) => (n % 400 === 0 ? 13 : n % 5))];
  for (const workers of [undefined, 1, 2] as const) {
    const result = await run(
      input,
      workers,
      (s) =>
        (s as DStream<number>)
          .parallel(task<number, number>('unlucky'), { onRecordError: 'deadLetter' })
          .countByValue(),
      { deadLetters: true },
    );
    t.is(result.failure, undefined);
    t.deepEqual(result.out, [counted((input[0] ?? []).filter((n) => n !== 13).map(tasks.square))]);
    t.deepEqual(
      result.dead.map((l) => [l.record, l.operator, l.error.message]),
      [13, 13, 13, 13, 13].map((n) => [n, 'queueStream/parallelMap/parallelCountByValue', 'unlucky 13']),
      `workers ${String(workers)}`,
    );
  }
});

for (const workers of [undefined, 1] as const) {
  test.serial(`a reduce function that throws fails the batch, workers ${String(workers)}`, async (t) => {
    const result = await run([range(1, 10), range(1, 300).map(() => 1)], workers, (s) =>
      (s as DStream<number>)
        .parallel(task<number, [number, number]>('withTime', 'mapPartitions'))
        .reduceByKey(task<[number, number], number>('addUpTo100')),
    );
    const error = result.failure as BatchError;
    t.true(error instanceof BatchError, String(error));
    t.is(error.batchTime, 2000);
    t.is(error.operator, 'queueStream/parallelMapPartitions/parallelReduceByKey');
    t.regex(error.message, /passes 100/);
    t.is(result.out.length, 1, 'the first batch completed');
  });
}

test.serial('a stage fused with countByValue learns to give a slow worker less of each batch', async (t) => {
  const batches = Array.from({ length: 8 }, () => range(1, 20_000));
  const result = await run(batches, { threads: 1 }, (s) =>
    (s as DStream<number>).parallel(task<number, string>('threadKindSlowOnWorkers')).countByValue(),
  );
  t.is(result.failure, undefined);
  const shares = result.out.map((pairs) => new Map(pairs as [string, number][]));
  for (const share of shares) t.is((share.get('main') ?? 0) + (share.get('worker') ?? 0), 20_000);
  t.deepEqual(
    [...(shares[0] ?? [])].sort(),
    [
      ['main', 10_000],
      ['worker', 10_000],
    ],
    'the first batch is cut even',
  );
  // A worker record costs some hundred times a main-thread one: the cut goes to its limit, the
  // worker doing a quarter of what the main thread does.
  const last = shares[shares.length - 1] ?? new Map<string, number>();
  t.true((last.get('main') ?? 0) > 3 * (last.get('worker') ?? 0), JSON.stringify([...last]));
});

test('reduceByKey(workerTask) anywhere but right after a parallel stage is refused, saying where it goes', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000 });
  const pairs = ssc.queueStream<[string, number]>([]);
  const add = task<[number, number], number>('add');
  t.throws(() => pairs.reduceByKey(add), {
    instanceOf: ConfigurationError,
    message:
      /reduceByKey\(workerTask\(.*parallel-tasks\.ts, 'add'\)\): .*right after \.parallel\(\.\.\.\), not after queueStream 'queueStream'; or pass the function itself/,
  });
  const lines = ssc.queueStream<string>([]);
  const cached = lines.parallel(task<string, [string, number]>('wordPairs', 'flatMap')).cache();
  t.throws(() => cached.reduceByKey(add), { instanceOf: ConfigurationError, message: /\(cached\)/ });
  const stage = lines.parallel(task<string, [string, number]>('wordPairs', 'flatMap'));
  t.throws(() => stage.reduceByKey(task<[number, number], number>('add', 'flatMap')), {
    instanceOf: ConfigurationError,
    message: /task has kind 'flatMap'; name it with workerTask\(module, export\) and no kind/,
  });
  const reduced = stage.reduceByKey(add);
  t.throws(() => (reduced as DStream<[string, number]>).reduceByKey(add), {
    instanceOf: ConfigurationError,
    message: /not after parallelReduceByKey/,
  });
});

test.serial('a reduce function module without the export fails start()', async (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, workers: 1 });
  ssc
    .queueStream<string>([])
    .parallel(task<string, [string, number]>('wordPairs', 'flatMap'))
    .reduceByKey(task<[number, number], number>('notAFunction'))
    .foreachBatch(() => undefined);
  await t.throwsAsync(ssc.start(), {
    instanceOf: ConfigurationError,
    message: /no function export 'notAFunction'/,
  });
  t.false(ssc.workers.running);
});
