/**
 * The batch operators (transform, mapBatch, transformWith): a function that returns null or
 * undefined instead of an array fails its batch, naming the operator and the batch time, as
 * Spark's transform does; an empty batch is an empty array.
 */
import test from 'ava';
import { BatchError, ManualClock, StreamingContext, type DStream } from '../../../../lib/index.js';

const cases: [string, (s: DStream<number>, nothing: null | undefined) => DStream<number>][] = [
  ['transform', (s, nothing) => s.transform(() => nothing as unknown as number[])],
  ['transform', (s, nothing) => s.transform(async () => nothing as unknown as number[])],
  ['mapBatch', (s, nothing) => s.mapBatch(() => nothing as unknown as number[])],
  ['transformWith', (s, nothing) => s.transformWith(s, () => nothing as unknown as number[])],
];

for (const [index, [kind, build]] of cases.entries()) {
  for (const nothing of [null, undefined]) {
    test(`${kind} returning ${String(nothing)} fails its batch with the operator and time (case ${index})`, async (t) => {
      const clock = new ManualClock();
      const ssc = new StreamingContext({ batchInterval: 1000, clock });
      const seen: number[][] = [];
      build(ssc.queueStream([[1, 2], [3]]), nothing)
        .name('enrich')
        .foreachBatch((records) => {
          seen.push(records);
        });
      await ssc.start();
      await clock.advance(2000);
      const error = await t.throwsAsync(ssc.awaitTermination(), { instanceOf: BatchError });
      t.is(error.operator, 'enrich');
      t.is(error.batchTime, 1000);
      t.is(
        error.message,
        `operator 'enrich' failed in the batch of time 1000: ${kind} returned ${String(nothing)} instead of an array; ` +
          'return [] for an empty batch',
      );
      t.deepEqual(seen, []);
    });
  }
}

test('transform returning an empty array is an empty batch', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock });
  const seen: number[][] = [];
  ssc
    .queueStream([[1, 2], [3]])
    .transform(() => [] as number[])
    .foreachBatch((records) => {
      seen.push(records);
    });
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.deepEqual(seen, [[], []]);
});

test("transform returning null with onRecordError: 'deadLetter' is a dead letter of that batch", async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock });
  const stream = ssc
    .queueStream([[1, 2]])
    .transform(() => null as unknown as number[], { onRecordError: 'deadLetter' })
    .name('enrich');
  const seen: number[][] = [];
  stream.foreachBatch((records) => {
    seen.push(records);
  });
  const letters: string[] = [];
  stream.deadLetters().foreachBatch((batch) => {
    for (const l of batch) letters.push(`${l.operator}@${l.batchTime}: ${l.error.message}`);
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.deepEqual(seen, [[]]);
  t.deepEqual(letters, [
    'enrich@1000: transform returned null instead of an array; return [] for an empty batch',
  ]);
});
