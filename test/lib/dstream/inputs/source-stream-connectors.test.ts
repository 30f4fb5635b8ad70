/**
 * What connector authors get from the core for batch sources: rejected records as dead letters,
 * `ssc.reportError` for errors a connector handles itself, and a stop that waits for the queued
 * batches' reads and commits before it stops the source.
 */
import test from 'ava';
import {
  KindlingError,
  ManualClock,
  RejectedRecord,
  StreamingContext,
  type BatchSource,
  type DeadLetter,
  type StreamingEvent,
} from '../../../../lib/index.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A source that returns each queued batch, rejected records included. */
class Decoding implements BatchSource<string | RejectedRecord, number> {
  readonly name = 'decoding';
  readonly storesRejectedRecords = true as const;
  private next = 0;
  constructor(private readonly batches: (string | RejectedRecord)[][]) {}
  plan(): number {
    return this.next++;
  }
  replan(_time: number, index: number): void {
    this.next = index + 1;
  }
  async read(_time: number, index: number): Promise<(string | RejectedRecord)[]> {
    return this.batches[index] ?? [];
  }
}

test('rejected records from a batch source become dead letters of their batch, with their origin', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock });
  const bad = new RejectedRecord('{x', 'malformedJson', new KindlingError('not JSON'), 'topic/0@7');
  const stream = ssc.sourceStream(new Decoding([['a', bad, 'b'], ['c']])).name('in');
  const batches: string[][] = [];
  const letters: DeadLetter[] = [];
  const counted: number[] = [];
  stream.foreachBatch((records) => void batches.push(records as string[]));
  stream.deadLetters().foreachBatch((l) => void letters.push(...l));
  ssc.events.subscribe((e) => e.type === 'batchCompleted' && counted.push(e.deadLetters));
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  t.deepEqual(batches, [['a', 'b'], ['c']]);
  t.deepEqual(
    letters.map((l) => [l.record, l.reason, l.operator, l.batchTime, l.origin]),
    [['{x', 'malformedJson', 'in', 1000, { input: 'in', detail: 'topic/0@7' }]],
  );
  t.deepEqual(counted, [1, 0]);
});

test('a source without storesRejectedRecords keeps every record as it is', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock });
  const odd = new RejectedRecord('x', 'oversized', new Error('big'));
  const source: BatchSource<unknown, number> = {
    name: 'plain',
    plan: () => 0,
    replan: () => undefined,
    read: async () => [odd],
  };
  const seen: unknown[] = [];
  ssc.sourceStream(source).foreachBatch((records) => void seen.push(...records));
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(seen, [odd]);
});

test('ssc.reportError puts a connectorError on the events and a line in the log', async (t) => {
  const lines: string[] = [];
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock: new ManualClock(),
    logger: { ...quiet, warn: (m) => lines.push(m) },
  });
  const events: StreamingEvent[] = [];
  ssc.events.subscribe((e) => events.push(e));
  const cause = new Error('ECONNREFUSED');
  ssc.reportError('kafka orders', 'fetching offsets failed; trying again in 400 ms', cause, 400);
  ssc.reportError('kafka orders', 'skipped a batch');
  t.deepEqual(events, [
    {
      type: 'connectorError',
      connector: 'kafka orders',
      message: 'fetching offsets failed; trying again in 400 ms',
      error: cause,
      retryIn: 400,
    },
    { type: 'connectorError', connector: 'kafka orders', message: 'skipped a batch' },
  ]);
  t.deepEqual(lines, [
    'kafka orders: fetching offsets failed; trying again in 400 ms',
    'kafka orders: skipped a batch',
  ]);
});

test('a stop waits for the running batch and its commit before it stops the source', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock });
  const order: string[] = [];
  const source: BatchSource<number, number> = {
    name: 'ordered',
    plan: (time) => time,
    replan: () => undefined,
    read: async (time) => {
      order.push(`read ${time}`);
      return [time];
    },
    commit: async (time) => void order.push(`commit ${time}`),
    stop: () => void order.push('stop'),
  };
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  ssc.sourceStream(source).foreachBatch(async (_, time) => {
    started();
    await released;
    order.push(`output ${time}`);
  });
  await ssc.start();
  const advanced = clock.advance(1000);
  await running;
  const stopped = ssc.stop({ graceful: true });
  release();
  await Promise.all([advanced, stopped]);
  t.deepEqual(order, ['read 1000', 'output 1000', 'commit 1000', 'stop']);
});

test("a record a user function rejects names its place in the source, when the source can tell (Kafka's topic/partition@offset)", async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock });
  type Message = { topic: string; partition: number; offset: number; value: string };
  const source: BatchSource<Message, number> = {
    name: 'messages',
    plan: () => 0,
    replan: () => undefined,
    read: async () => [
      { topic: 'orders', partition: 2, offset: 41, value: '1' },
      { topic: 'orders', partition: 2, offset: 42, value: 'x' },
    ],
    describeRecord: (r) => {
      const m = r as Partial<Message>;
      return m.offset === undefined ? undefined : `${m.topic}/${m.partition}@${m.offset}`;
    },
  };
  const parsed = ssc
    .sourceStream(source)
    .name('in')
    .map(
      (m) => {
        if (Number.isNaN(Number(m.value))) throw new Error(`not a number: ${m.value}`);
        return Number(m.value);
      },
      { onRecordError: 'deadLetter' },
    );
  const letters: DeadLetter[] = [];
  parsed.deadLetters().foreachBatch((l) => void letters.push(...l));
  parsed.foreachBatch(() => undefined);
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(
    letters.map((l) => l.origin),
    [{ input: 'in', detail: 'orders/2@42' }],
  );
});
