/**
 * `onRecordError` on the operators that run a user function: with `'deadLetter'` a record on
 * which the function throws is skipped and becomes a dead letter; with `'fail'` (the default) the
 * batch fails as before. Fused and unfused chains, on a ManualClock.
 */
import test from 'ava';
import { BatchError, ConfigurationError, type DStream } from '../../../../lib/index.js';
import { brief, runWithDeadLetters, strictNumber } from './dead-letters-harness.js';

const DL = { onRecordError: 'deadLetter' } as const;
const INPUT = [['1', 'x', '3'], ['4'], ['y', 'z']];

test('map: records that throw become dead letters with record, error, operator, batch time and origin', async (t) => {
  const run = await runWithDeadLetters(INPUT, (s) => s.map(strictNumber, DL));
  t.deepEqual(run.out, [[1, 3], [4], []]);
  t.deepEqual(
    run.dead.map((batch) => batch.map(brief)),
    [
      ['"x" @1000 by queueStream/map: not a number: x'],
      [],
      ['"y" @3000 by queueStream/map: not a number: y', '"z" @3000 by queueStream/map: not a number: z'],
    ],
  );
  const first = run.dead[0]?.[0];
  t.is(first?.reason, 'userFunction');
  t.true(first?.error instanceof Error);
  t.deepEqual(first?.origin, { input: 'queueStream' });
  t.deepEqual(run.counted, [1, 0, 2]);
  t.is(run.failure, undefined);
});

test('filter, flatMap, mapValues and flatMapValues send what throws to dead letters, fused in one loop', async (t) => {
  const run = await runWithDeadLetters(INPUT, (s) =>
    s
      .filter((w) => strictNumber(w) > 1, DL) // drops 1, rejects x, y, z
      .flatMap((w) => (w === '4' ? thrower() : [w, w]), DL) // rejects 4 while iterating
      .map((w) => [w, w] as [string, string])
      .mapValues(strictNumber, DL)
      .flatMapValues((n) => [n, n * 10], DL),
  );
  t.deepEqual(run.out, [
    [
      ['3', 3],
      ['3', 30],
      ['3', 3],
      ['3', 30],
    ],
    [],
    [],
  ]);
  t.deepEqual(
    run.dead.map((batch) => batch.map((l) => `${String(l.record)} by ${l.operator}`)),
    [
      ['x by queueStream/filter'],
      ['4 by queueStream/filter/flatMap'],
      ['y by queueStream/filter', 'z by queueStream/filter'],
    ],
  );
  t.deepEqual(run.counted, [1, 1, 2]);
});

/** A generator that fails after yielding one item: nothing of it reaches the next stage. */
function* thrower(): Generator<string> {
  yield 'half';
  throw new Error('fails while iterating');
}

test('mapValues and flatMapValues: the dead letter is the whole pair', async (t) => {
  const run = await runWithDeadLetters(
    [
      [
        ['a', '1'],
        ['b', 'no'],
      ] as [string, string][],
    ],
    (s) => s.mapValues(strictNumber, DL).flatMapValues((n) => (n > 0 ? [n] : []), DL),
  );
  t.deepEqual(run.out, [[['a', 1]]]);
  t.deepEqual(
    run.dead[0]?.map((l) => [l.record, l.operator]),
    [[['b', 'no'], 'queueStream/mapValues']],
  );
});

test('unfused chains: after cache() and after a shuffle, dead letters are the same', async (t) => {
  const fused = await runWithDeadLetters(INPUT, (s) => s.map(strictNumber, DL).map((n) => n * 2));
  const cached = await runWithDeadLetters(INPUT, (s) =>
    s
      .map((w) => w)
      .cache()
      .map(strictNumber, DL)
      .map((n) => n * 2),
  );
  t.deepEqual(cached.out, fused.out);
  t.deepEqual(
    cached.dead.map((b) => b.map((l) => l.record)),
    fused.dead.map((b) => b.map((l) => l.record)),
  );
  const shuffled = await runWithDeadLetters(INPUT, (s) =>
    s
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .map(([w]) => strictNumber(w), DL),
  );
  t.deepEqual(
    shuffled.out,
    fused.out.map((b) => b.map((n) => n / 2)),
  );
  t.deepEqual(
    shuffled.dead.map((b) => b.map((l) => l.record)),
    [
      [['x', 1]],
      [],
      [
        ['y', 1],
        ['z', 1],
      ],
    ],
  );
});

test('renaming the operator names its dead letters', async (t) => {
  const run = await runWithDeadLetters([['x']], (s) =>
    s
      .map(strictNumber, DL)
      .name('parse')
      .map((n) => n + 1),
  );
  t.is(run.dead[0]?.[0]?.operator, 'parse');
});

test('a thrown value that is not an Error is wrapped, and kept as the cause', async (t) => {
  const run = await runWithDeadLetters([['x']], (s) =>
    s.map((w) => {
      throw `bad ${w}`;
    }, DL),
  );
  const error = run.dead[0]?.[0]?.error;
  t.true(error instanceof Error);
  t.is(error?.cause, 'bad x');
  t.regex(error?.message ?? '', /bad x/);
});

test("'fail' (the default) fails the batch with a BatchError naming the operator, as before", async (t) => {
  const builds: ((s: DStream<string>) => DStream<unknown>)[] = [
    (s) => s.map(strictNumber),
    (s) => s.map(strictNumber, { onRecordError: 'fail' }),
    (s) => s.map((w) => w, DL).filter((w) => strictNumber(w) > 0),
  ];
  for (const build of builds) {
    const run = await runWithDeadLetters(INPUT, build);
    t.true(run.failure instanceof BatchError);
    t.is((run.failure as BatchError).batchTime, 1000);
    t.regex(
      run.failure?.message ?? '',
      /operator 'queueStream\/(map|map\/filter)' failed .* not a number: x/,
    );
    t.deepEqual(run.out, []);
  }
});

test('transform and mapBatch: a failing function gives an empty batch and one dead letter holding the batch', async (t) => {
  const run = await runWithDeadLetters(
    [['1', '2'], ['x'], []],
    (s) =>
      s
        .transform(async (records, time) => {
          if (time === 3000) throw new Error('lookup unavailable');
          return records.map(strictNumber);
        }, DL)
        .mapBatch((records) => records.map((n) => n * 10)),
    { deadLettersFirst: true },
  );
  t.deepEqual(run.out, [[10, 20], [], []]);
  t.deepEqual(
    run.dead.map((b) => b.map(brief)),
    [
      [],
      ['["x"] @2000 by queueStream/transform: not a number: x'],
      ['[] @3000 by queueStream/transform: lookup unavailable'],
    ],
  );
  t.deepEqual(run.counted, [0, 1, 1]);

  const batch = await runWithDeadLetters([[1, 2]], (s) =>
    s.mapBatch(() => {
      throw new Error('nope');
    }, DL),
  );
  t.deepEqual(batch.out, [[]]);
  t.deepEqual(
    batch.dead[0]?.map((l) => [l.record, l.operator, l.reason]),
    [[[1, 2], 'queueStream/mapBatch', 'userFunction']],
  );
});

test('transform with the default fails the batch', async (t) => {
  const run = await runWithDeadLetters([[1]], (s) =>
    s.transform(() => {
      throw new Error('boom');
    }),
  );
  t.true(run.failure instanceof BatchError);
  t.regex(run.failure?.message ?? '', /queueStream\/transform.*boom/);
});

test('an unknown onRecordError fails when the operator is added, and says what is allowed', async (t) => {
  await runWithDeadLetters([[1]], (s) => {
    const wrong = { onRecordError: 'skip' } as unknown as { onRecordError: 'fail' };
    const error = t.throws(() => s.map((n) => n, wrong), { instanceOf: ConfigurationError });
    t.regex(error?.message ?? '', /map: onRecordError must be 'fail' or 'deadLetter', got 'skip'/);
    t.throws(() => s.transform((r) => r, wrong), { instanceOf: ConfigurationError });
    return s;
  });
});
