/**
 * The basic (non-window, non-state) operators, with the vectors of Spark's BasicOperationsSuite
 * (apache/spark, streaming/src/test/scala/org/apache/spark/streaming/BasicOperationsSuite.scala).
 * Representation is translated (Scala tuples become arrays, `1 to 4` becomes [1, 2, 3, 4]); where
 * Spark compares batches as sets (`useSet`), these tests sort each batch. Joins and cogroup are in
 * join.test.ts.
 */
import test from 'ava';
import { BatchError, ManualClock, StreamingContext, type DStream } from '../../../../lib/index.js';
import { RepartitionNode } from '../../../../lib/dstream/operators/batch.js';
import { NarrowNode } from '../../../../lib/dstream/operators/narrow.js';
import { runBinaryOperation, runOperation, sortedBatches } from '../../../helpers/operations.js';

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const input = [range(1, 4), range(5, 8), range(9, 12)];
const words = [['a', 'a', 'b'], ['', ''], []];
const ones = (s: DStream<string>): DStream<[string, number]> => s.map((x) => [x, 1] as [string, number]);

test('map', async (t) => {
  const out = await runOperation(input, (s) => s.map((x) => String(x)));
  t.deepEqual(out, [
    ['1', '2', '3', '4'],
    ['5', '6', '7', '8'],
    ['9', '10', '11', '12'],
  ]);
});

test('flatMap', async (t) => {
  const out = await runOperation(input, (s) => s.flatMap((x) => [x, x * 2]));
  t.deepEqual(
    out,
    input.map((batch) => batch.flatMap((x) => [x, x * 2])),
  );
  t.deepEqual(out[0], [1, 2, 2, 4, 3, 6, 4, 8]);
});

test('flatMap takes any iterable', async (t) => {
  const out = await runOperation([['ab', 'c']], (s) => s.flatMap((x) => new Set(x)));
  t.deepEqual(out, [['a', 'b', 'c']]);
});

test('filter', async (t) => {
  const out = await runOperation(input, (s) => s.filter((x) => x % 2 === 0));
  t.deepEqual(out, [
    [2, 4],
    [6, 8],
    [10, 12],
  ]);
});

test('mapBatch (Spark mapPartitions): the function sees the whole batch and its time', async (t) => {
  // Spark's vector [[3, 7], [11, 15], [19, 23]] sums each of 2 input partitions; a Kindling batch
  // is one array, so the same sums come whole: 3 + 7, 11 + 15, 19 + 23.
  const times: number[] = [];
  const out = await runOperation(input, (s) =>
    s.mapBatch((records, time) => {
      times.push(time);
      return [records.reduce((a, b) => a + b, 0)];
    }),
  );
  t.deepEqual(out, [[10], [26], [42]]);
  t.deepEqual(times, [1000, 2000, 3000]);
});

for (const slices of [5, 2]) {
  test(`repartition(${slices}) keeps every record of each batch`, async (t) => {
    const batches = [range(1, 100), range(101, 200), range(201, 300)];
    let node: unknown;
    const out = await runOperation(batches, (s) => {
      const repartitioned = s.repartition(slices);
      node = repartitioned.node;
      return repartitioned;
    });
    t.deepEqual(
      out.map((batch) => [...batch].sort((a, b) => a - b)),
      batches,
    );
    t.true(node instanceof RepartitionNode);
    t.is((node as RepartitionNode<number>).slices, slices);
  });
}

test('union', async (t) => {
  const out = await runOperation([range(1, 4), range(101, 104), range(201, 204)], (s) =>
    s.union(s.map((x) => x + 4)),
  );
  t.deepEqual(out, [range(1, 8), range(101, 108), range(201, 208)]);
});

test('StreamingContext.union of three streams', async (t) => {
  const out = await runOperation([range(1, 4), range(101, 104), range(201, 204)], (s) =>
    s.context.union(
      s,
      s.map((x) => x + 4),
      s.map((x) => x + 8),
    ),
  );
  t.deepEqual(out, [range(1, 12), range(101, 112), range(201, 212)]);
});

test('count', async (t) => {
  const out = await runOperation([[], range(1, 1), range(1, 2), range(1, 3), range(1, 4)], (s) => s.count());
  t.deepEqual(out, [[0], [1], [2], [3], [4]]);
});

test('countByValue', async (t) => {
  const out = await runOperation([[1], [1, 1, 1], [1, 2], [1, 1, 2, 2]], (s) => s.countByValue());
  t.deepEqual(sortedBatches(out), [
    [[1, 1]],
    [[1, 3]],
    [
      [1, 1],
      [2, 1],
    ],
    [
      [1, 2],
      [2, 2],
    ],
  ]);
});

test('reduce', async (t) => {
  const out = await runOperation(input, (s) => s.reduce((a, b) => a + b));
  t.deepEqual(out, [[10], [26], [42]]);
});

test('reduce of an empty batch is an empty batch', async (t) => {
  const out = await runOperation([[], [1]], (s) => s.reduce((a, b) => a + b));
  t.deepEqual(out, [[], [1]]);
});

test('reduceByKey', async (t) => {
  const out = await runOperation(words, (s) => ones(s).reduceByKey((a, b) => a + b));
  t.deepEqual(sortedBatches(out), [
    [
      ['a', 2],
      ['b', 1],
    ],
    [['', 2]],
    [],
  ]);
});

test('reduceByKey with numPartitions keeps the contents', async (t) => {
  const out = await runOperation(words, (s) => ones(s).reduceByKey((a, b) => a + b, 3));
  t.deepEqual(sortedBatches(out), [
    [
      ['a', 2],
      ['b', 1],
    ],
    [['', 2]],
    [],
  ]);
});

test('groupByKey', async (t) => {
  const out = await runOperation(words, (s) => ones(s).groupByKey());
  t.deepEqual(sortedBatches(out), [
    [
      ['a', [1, 1]],
      ['b', [1]],
    ],
    [['', [1, 1]]],
    [],
  ]);
});

test('groupByKey keeps values in arrival order and keys in first appearance order', async (t) => {
  const batch: [string, number][] = [
    ['b', 1],
    ['a', 2],
    ['b', 3],
    ['a', 4],
    ['c', 5],
    ['b', 6],
  ];
  const out = await runOperation([batch], (s) => s.groupByKey(4));
  t.deepEqual(out, [
    [
      ['b', [1, 3, 6]],
      ['a', [2, 4]],
      ['c', [5]],
    ],
  ]);
});

test('combineByKey', async (t) => {
  // Spark's groupByKey vector, built with combineByKey: a combiner that collects the values.
  const out = await runOperation(words, (s) =>
    ones(s).combineByKey(
      (v) => [v],
      (c: number[], v) => [...c, v],
      (a, b) => [...a, ...b],
    ),
  );
  t.deepEqual(sortedBatches(out), [
    [
      ['a', [1, 1]],
      ['b', [1]],
    ],
    [['', [1, 1]]],
    [],
  ]);
});

test('combineByKey builds one combiner per key (sum and count)', async (t) => {
  const out = await runOperation(
    [
      [
        ['x', 2],
        ['y', 5],
        ['x', 4],
      ] as [string, number][],
    ],
    (s) =>
      s.combineByKey(
        (v) => ({ sum: v, n: 1 }),
        (c, v) => ({ sum: c.sum + v, n: c.n + 1 }),
        (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
      ),
  );
  t.deepEqual(out, [
    [
      ['x', { sum: 6, n: 2 }],
      ['y', { sum: 5, n: 1 }],
    ],
  ]);
});

test('mapValues', async (t) => {
  const out = await runOperation(words, (s) =>
    ones(s)
      .reduceByKey((a, b) => a + b)
      .mapValues((v) => v + 10),
  );
  t.deepEqual(sortedBatches(out), [
    [
      ['a', 12],
      ['b', 11],
    ],
    [['', 12]],
    [],
  ]);
});

test('flatMapValues', async (t) => {
  const out = await runOperation(words, (s) =>
    ones(s)
      .reduceByKey((a, b) => a + b)
      .flatMapValues((v) => [v, v + 10]),
  );
  t.deepEqual(
    sortedBatches(out),
    sortedBatches([
      [
        ['a', 2],
        ['a', 12],
        ['b', 1],
        ['b', 11],
      ],
      [
        ['', 2],
        ['', 12],
      ],
      [],
    ]),
  );
});

test('transform', async (t) => {
  const out = await runOperation(input, (s) => s.transform((records) => records.map((x) => String(x))));
  t.deepEqual(
    out,
    input.map((batch) => batch.map((x) => String(x))),
  );
});

test('transform may return a promise and sees the batch time', async (t) => {
  const out = await runOperation([[1], [2]], (s) =>
    s.transform(async (records, time) => records.map((x) => [x, time] as [number, number])),
  );
  t.deepEqual(out, [[[1, 1000]], [[2, 2000]]]);
});

test('transformWith (a join written inside the function)', async (t) => {
  const out = await runBinaryOperation(
    [['a', 'b'], ['a', ''], [''], []],
    [['a', 'b'], ['b', ''], [], ['']],
    (s1: DStream<string>, s2: DStream<string>) =>
      ones(s1).transformWith(
        s2.map((x) => [x, 'x'] as [string, string]),
        (a, b) => a.flatMap(([k, v]) => b.filter(([k2]) => k2 === k).map(([, w]) => [k, [v, w]] as const)),
      ),
  );
  t.deepEqual(sortedBatches(out), [
    [
      ['a', [1, 'x']],
      ['b', [1, 'x']],
    ],
    [['', [1, 'x']]],
    [],
    [],
  ]);
});

test('cache gives the same results, and a cached batch is computed once for two readers', async (t) => {
  let calls = 0;
  const operation = (cache: boolean) => (s: DStream<number>) => {
    let doubled = s.map((x) => {
      calls++;
      return x * 2;
    });
    if (cache) doubled = doubled.cache();
    return doubled.filter((x) => x > 4).union(doubled.map((x) => -x));
  };
  const plain = await runOperation(input, operation(false));
  const plainCalls = calls;
  calls = 0;
  const cached = await runOperation(input, operation(true));
  t.deepEqual(cached, plain);
  t.deepEqual(cached[0], [6, 8, -2, -4, -6, -8]);
  t.is(plainCalls, 24);
  t.is(calls, 12);
});

test('narrow operators fuse: map -> filter -> flatMap -> map is one node over the source', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const source = ssc.queueStream<number>([]);
  const chain = source
    .map((x) => x + 1)
    .filter((x) => x % 2 === 0)
    .flatMap((x) => [x, x])
    .map((x) => String(x));
  t.true(chain.node instanceof NarrowNode);
  t.is(chain.node.dependencies.length, 1);
  t.is(chain.node.dependencies[0], source.node);
  t.deepEqual(
    (chain.node as NarrowNode<string>).stages.map((s) => s.kind),
    ['map', 'filter', 'flatMap', 'map'],
  );
});

test('cache() stops fusion: the next operator reads the cached node', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const source = ssc.queueStream<number>([]);
  const cached = source.map((x) => x + 1).cache();
  const next = cached.filter((x) => x > 1).map((x) => x * 2);
  t.is(cached.node.dependencies[0], source.node);
  t.is(next.node.dependencies[0], cached.node);
  t.deepEqual(
    (next.node as NarrowNode<number>).stages.map((s) => s.kind),
    ['filter', 'map'],
  );
});

test('fused chains give the same batches as the operators one by one', async (t) => {
  const fused = await runOperation(input, (s) =>
    s
      .map((x) => x + 1)
      .filter((x) => x % 2 === 0)
      .flatMap((x) => [x, x * 10])
      .map((x) => x - 1),
  );
  const unfused = await runOperation(input, (s) =>
    s
      .map((x) => x + 1)
      .cache()
      .filter((x) => x % 2 === 0)
      .cache()
      .flatMap((x) => [x, x * 10])
      .cache()
      .map((x) => x - 1),
  );
  t.deepEqual(fused, unfused);
  t.deepEqual(fused[0], [1, 19, 3, 39]);
});

test('an error in a fused map names that operator and the batch time, from awaitTermination', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'parse-errors' });
  const seen: number[][] = [];
  const source = ssc.queueStream([['1', '2'], ['3', 'x'], ['4']]);
  const doubled = source
    .filter((line) => line.length > 0)
    .map((line) => {
      const n = Number(line);
      if (Number.isNaN(n)) throw new SyntaxError(`not a number: ${line}`);
      return n;
    })
    .name('parse')
    .map((n) => n * 2)
    .name('double');
  t.is(doubled.node.dependencies[0], source.node, 'filter, parse and double run fused in one loop');
  doubled.foreachBatch((records) => {
    seen.push(records);
  });
  await ssc.start();
  await clock.advance(3000);
  const error = await t.throwsAsync(ssc.awaitTermination(), { instanceOf: BatchError });
  t.is(error.operator, 'parse');
  t.is(error.batchTime, 2000);
  t.true(error.cause instanceof SyntaxError);
  t.regex(error.message, /'parse'.*2000.*not a number: x/);
  t.deepEqual(seen, [[2, 4]]);
});

test('slice returns the remembered batches in [from, to], floored to the slide (Spark vector)', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'slice' });
  const stream = ssc.queueStream([[1], [2], [3], [4]]);
  stream.foreachBatch(() => {});
  ssc.remember(10_000);
  await ssc.start();
  await clock.advance(4000);
  const slice = async (from: number, to: number): Promise<number[]> => (await stream.slice(from, to)).flat();
  t.deepEqual(await slice(0, 1000), [1]);
  t.deepEqual(await slice(0, 2000), [1, 2]);
  t.deepEqual(await slice(1000, 2000), [1, 2]);
  t.deepEqual(await slice(2000, 4000), [2, 3, 4]);
  t.deepEqual(await slice(1500, 3999), [1, 2, 3]);
  await ssc.stop();
  await ssc.awaitTermination();
});

test('slice of a derived stream, within the remember duration', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'slice-forgets' });
  const stream = ssc.queueStream([[1], [2], [3], [4]]);
  const doubled = stream.map((x) => x * 2);
  doubled.foreachBatch(() => {});
  ssc.remember(2000);
  await ssc.start();
  await clock.advance(4000);
  t.deepEqual((await stream.slice(3000, 4000)).flat(), [3, 4]);
  t.deepEqual((await doubled.slice(3000, 4000)).flat(), [6, 8]);
  await ssc.stop();
  await ssc.awaitTermination();
});

test('slice before start fails: the stream has not been initialised', async (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'slice-early' });
  const stream = ssc.queueStream([[1], [2]]);
  await t.throwsAsync(stream.slice(0, 1000), { message: /has not been initiali[sz]ed/ });
});

test('slice of an input batch that is no longer remembered fails and says how to keep it', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'slice-forgotten' });
  const queue = [[1], [2], [3], [4], [5]];
  const stream = ssc.queueStream(queue);
  stream.foreachBatch(() => {});
  await ssc.start();
  await clock.advance(4000);
  await t.throwsAsync(stream.slice(1000, 4000), {
    message: /no longer holds its batch of time 1000.*ssc\.remember\(ms\)/,
  });
  t.deepEqual(queue, [[5]], 'a forgotten time must not take another batch off the queue');
  await ssc.stop();
});
