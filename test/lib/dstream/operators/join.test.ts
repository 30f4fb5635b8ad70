/**
 * cogroup and the joins. Vectors from Spark's BasicOperationsSuite ("cogroup", "join",
 * "leftOuterJoin", "rightOuterJoin", "fullOuterJoin"): Scala tuples become arrays, `Some(x)`
 * becomes `x` and `None` becomes `undefined`; Spark compares as sets, so these sort each batch.
 */
import test from 'ava';
import { ConfigurationError, ManualClock, StreamingContext, type DStream } from '../../../../lib/index.js';
import { formatDuration } from '../../../../lib/duration.js';
import { runBinaryOperation, sortedBatches } from '../../../helpers/operations.js';

const left = [['a', 'b'], ['a', ''], [''], []];
const right = [['a', 'b'], ['b', ''], [], ['']];

const ones = (s: DStream<string>): DStream<[string, number]> => s.map((x) => [x, 1] as [string, number]);
const xs = (s: DStream<string>): DStream<[string, string]> => s.map((x) => [x, 'x'] as [string, string]);

test('cogroup (Spark vector)', async (t) => {
  const out = await runBinaryOperation(
    [['a', 'a', 'b'], ['a', ''], [''], []],
    [['a', 'a', 'b'], ['b', ''], [], []],
    (a, b) => ones(a).cogroup(xs(b)),
  );
  t.deepEqual(
    sortedBatches(out),
    sortedBatches([
      [
        [
          'a',
          [
            [1, 1],
            ['x', 'x'],
          ],
        ],
        ['b', [[1], ['x']]],
      ],
      [
        ['a', [[1], []]],
        ['b', [[], ['x']]],
        ['', [[1], ['x']]],
      ],
      [['', [[1], []]]],
      [],
    ]),
  );
});

test('join (Spark vector)', async (t) => {
  const out = await runBinaryOperation(left, right, (a, b) => ones(a).join(xs(b)));
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

test('leftOuterJoin (Spark vector)', async (t) => {
  const out = await runBinaryOperation(left, right, (a, b) => ones(a).leftOuterJoin(xs(b)));
  t.deepEqual(
    sortedBatches(out),
    sortedBatches([
      [
        ['a', [1, 'x']],
        ['b', [1, 'x']],
      ],
      [
        ['', [1, 'x']],
        ['a', [1, undefined]],
      ],
      [['', [1, undefined]]],
      [],
    ]),
  );
});

test('rightOuterJoin (Spark vector)', async (t) => {
  const out = await runBinaryOperation(left, right, (a, b) => ones(a).rightOuterJoin(xs(b)));
  t.deepEqual(
    sortedBatches(out),
    sortedBatches([
      [
        ['a', [1, 'x']],
        ['b', [1, 'x']],
      ],
      [
        ['', [1, 'x']],
        ['b', [undefined, 'x']],
      ],
      [],
      [['', [undefined, 'x']]],
    ]),
  );
});

test('fullOuterJoin (Spark vector)', async (t) => {
  const out = await runBinaryOperation(left, right, (a, b) => ones(a).fullOuterJoin(xs(b)));
  t.deepEqual(
    sortedBatches(out),
    sortedBatches([
      [
        ['a', [1, 'x']],
        ['b', [1, 'x']],
      ],
      [
        ['', [1, 'x']],
        ['a', [1, undefined]],
        ['b', [undefined, 'x']],
      ],
      [['', [1, undefined]]],
      [['', [undefined, 'x']]],
    ]),
  );
});

test('join pairs every value of a key with every value of the other side, in arrival order', async (t) => {
  const out = await runBinaryOperation(
    [
      [
        ['k', 1],
        ['j', 9],
        ['k', 2],
      ],
    ] as [string, number][][],
    [
      [
        ['k', 'p'],
        ['k', 'q'],
      ],
    ] as [string, string][][],
    (a, b) => a.join(b),
  );
  t.deepEqual(out, [
    [
      ['k', [1, 'p']],
      ['k', [1, 'q']],
      ['k', [2, 'p']],
      ['k', [2, 'q']],
    ],
  ]);
});

test('output order: keys in first appearance, the left stream first, then keys only on the right', async (t) => {
  const out = await runBinaryOperation([['c', 'a', 'c', 'b']], [['d', 'b', 'e', 'a']], (a, b) =>
    ones(a).fullOuterJoin(xs(b)),
  );
  t.deepEqual(out, [
    [
      ['c', [1, undefined]],
      ['c', [1, undefined]],
      ['a', [1, 'x']],
      ['b', [1, 'x']],
      ['d', [undefined, 'x']],
      ['e', [undefined, 'x']],
    ],
  ]);
  const grouped = await runBinaryOperation([['c', 'a', 'c']], [['d', 'a']], (a, b) => ones(a).cogroup(xs(b)));
  t.deepEqual(grouped, [
    [
      ['c', [[1, 1], []]],
      ['a', [[1], ['x']]],
      ['d', [[], ['x']]],
    ],
  ]);
});

test('output order does not depend on which side is computed first', async (t) => {
  const out = await runBinaryOperation([['b', 'a']], [['a', 'c']], (a, b) => {
    const slowLeft = ones(a).transform(async (records) => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      return records;
    });
    return slowLeft.cogroup(xs(b));
  });
  t.deepEqual(out, [
    [
      ['b', [[1], []]],
      ['a', [[1], ['x']]],
      ['c', [[], ['x']]],
    ],
  ]);
});

test('a stream joined with itself', async (t) => {
  const out = await runBinaryOperation([['a', 'b', 'a']], [[]], (a) => {
    const pairs = ones(a);
    return pairs.join(pairs.mapValues((v) => v * 10));
  });
  t.deepEqual(out, [
    [
      ['a', [1, 10]],
      ['a', [1, 10]],
      ['a', [1, 10]],
      ['a', [1, 10]],
      ['b', [1, 10]],
    ],
  ]);
});

test('joining streams of two contexts fails at build time with both names', (t) => {
  const one = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'one' });
  const two = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'two' });
  const a = one.queueStream<[string, number]>([]);
  const b = two.queueStream<[string, number]>([]);
  const error = t.throws(() => a.join(b), { instanceOf: ConfigurationError });
  t.regex(error.message, /^join: .*'two'.*'one'/);
});

test('joining streams that slide differently fails at start and says how to fix it', async (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock(), name: 'slides' });
  const a = ssc.queueStream<[string, number]>([]).name('every-second');
  const b = ssc.queueStream<[string, number]>([]).window(2000, 2000).name('every-two-seconds');
  a.leftOuterJoin(b)
    .name('lj')
    .foreachBatch(() => {});
  const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
  t.is(
    error.message,
    `leftOuterJoin 'lj': its streams slide at different intervals ('every-second' every ${formatDuration(1000)}, ` +
      `'every-two-seconds' every ${formatDuration(2000)}); window both streams with the same slide first`,
  );
});

test('joining two windows with the same slide: one joined batch per window', async (t) => {
  const out = await runBinaryOperation([['a'], ['b'], ['c'], ['a']], [['b'], [], ['a'], []], (a, b) =>
    ones(a.window(2000, 2000)).join(xs(b.window(2000, 2000))),
  );
  t.deepEqual(out, [[['b', [1, 'x']]], [['a', [1, 'x']]]]);
});
