/**
 * A distributed job (a context with an `applicationId`): what is refused at start because it is
 * not built yet, what the partitioned source is told, and how each task's records stay one slice
 * of a batch through map/filter/flatMap (for the output that commits per task).
 */
import test from 'ava';
import {
  ConfigurationError,
  ManualClock,
  RejectedRecord,
  StateSpec,
  StreamingContext,
  taskAligned,
  taskSlicesOf,
  type BatchSource,
  type DistributedSettings,
  type State,
  type TaskSlice,
} from '../../lib/index.js';

/** A source of two tasks: batch n holds task 0's records `a<n>-*` then task 1's `b<n>-*`. */
class TwoTasks implements BatchSource<string | RejectedRecord, number> {
  readonly name = 'two-tasks';
  readonly storesRejectedRecords = true;
  settings: DistributedSettings | undefined;
  private n = 0;
  private readonly slices = new Map<number, TaskSlice[]>();
  distribute(settings: DistributedSettings): void {
    this.settings = settings;
  }
  plan(): number {
    return ++this.n;
  }
  replan(_time: number, n: number): void {
    this.n = n;
  }
  async read(time: number, n: number): Promise<(string | RejectedRecord)[]> {
    // task 0: 3 records, one of them rejected by the source; task 1: 2 records
    this.slices.set(time, [
      { task: 0, start: 0, end: 3 },
      { task: 1, start: 3, end: 5 },
    ]);
    return [
      `a${n}-1`,
      new RejectedRecord('bad', 'invalidUtf8', new Error('not UTF-8')),
      `a${n}-2`,
      `b${n}-1`,
      `b${n}-2`,
    ];
  }
  taskSlices(time: number): readonly TaskSlice[] | undefined {
    return this.slices.get(time);
  }
}

function distributed(): { ssc: StreamingContext; clock: ManualClock } {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, applicationId: 'app-1', logger: false });
  return { ssc, clock };
}

const notBuilt = /keyed state across processes is not built yet \(issue 22: state moves with its task\)/;

test('an applicationId that is not a name fails at construction', (t) => {
  t.throws(() => new StreamingContext({ batchInterval: 1000, applicationId: 'my app' }), {
    instanceOf: ConfigurationError,
    message: /applicationId must be 1 to 200 letters, digits/,
  });
});

test('updateStateByKey, mapWithState and windows are refused at start, saying keyed state across processes is not built yet', async (t) => {
  const builds: [string, (ssc: StreamingContext) => void][] = [
    [
      'updateStateByKey',
      (ssc) =>
        ssc
          .sourceStream(new TwoTasks())
          .map((s) => [String(s), 1] as [string, number])
          .updateStateByKey((ones: number[], n: number | undefined) => (n ?? 0) + ones.length)
          .print(),
    ],
    [
      'mapWithState',
      (ssc) =>
        ssc
          .sourceStream(new TwoTasks())
          .map((s) => [String(s), 1] as [string, number])
          .mapWithState(
            StateSpec.function((_k: string, v: number | undefined, state: State<number>) => {
              state.update((state.getOption() ?? 0) + (v ?? 0));
            }),
          )
          .print(),
    ],
    ['window', (ssc) => ssc.sourceStream(new TwoTasks()).window(3000).count().print()],
    [
      'window',
      (ssc) =>
        ssc
          .sourceStream(new TwoTasks())
          .map((s) => [String(s), 1] as [string, number])
          .reduceByKeyAndWindow((a, b) => a + b, 3000)
          .print(),
    ],
  ];
  for (const [kind, build] of builds) {
    const { ssc } = distributed();
    build(ssc);
    const error = await t.throwsAsync(ssc.start(), { instanceOf: ConfigurationError });
    t.regex(error.message, notBuilt);
    t.regex(error.message, new RegExp(`applicationId 'app-1': ${kind}`));
    t.is(ssc.state, 'initialized');
  }
});

test('an input without partitions is refused at start, with the bridge through a Kafka topic', async (t) => {
  const { ssc } = distributed();
  ssc.queueStream([[1]]).print();
  await t.throwsAsync(ssc.start(), {
    instanceOf: ConfigurationError,
    message: /input 'queueStream' \(queueStream\) has no partitions.*writing to a Kafka topic/,
  });
  const second = distributed().ssc;
  second.socketTextStream('127.0.0.1', 9).print();
  await t.throwsAsync(second.start(), { instanceOf: ConfigurationError, message: /has no partitions/ });
});

test('checkpoints are refused in a distributed job', async (t) => {
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock: new ManualClock(),
    applicationId: 'app-1',
    checkpointDir: '/tmp/never-written',
    logger: false,
  });
  ssc.sourceStream(new TwoTasks()).print();
  await t.throwsAsync(ssc.start(), {
    instanceOf: ConfigurationError,
    message: /checkpoints are not used by a distributed job yet/,
  });
});

test('the source is told the application id, and whether a keyed operator needs co-partitioned inputs', async (t) => {
  for (const keyed of [false, true]) {
    const { ssc } = distributed();
    const source = new TwoTasks();
    const stream = ssc.sourceStream(source).filter((s) => typeof s === 'string');
    if (keyed)
      stream
        .map((s) => [s.slice(0, 1), 1] as [string, number])
        .reduceByKey((a, b) => a + b)
        .print();
    else stream.print();
    await ssc.start();
    t.deepEqual(source.settings, { applicationId: 'app-1', coPartitioned: keyed });
    await ssc.stop();
  }
});

test('map, filter and flatMap keep each task a slice of the batch, past the source’s dead letters', async (t) => {
  const { ssc, clock } = distributed();
  const input = ssc.sourceStream(new TwoTasks());
  const out = input
    .filter((s) => !String(s).endsWith('-2') || String(s).startsWith('b'))
    .flatMap((s) => [String(s), `${String(s)}!`])
    .map((s) => s.toUpperCase());
  t.true(taskAligned(out as never));
  t.false(taskAligned(out.countByValue() as never));
  const seen: [string[], readonly TaskSlice[] | undefined][] = [];
  const inputSlices: (readonly TaskSlice[] | undefined)[] = [];
  out.foreachBatch((records, time) => {
    seen.push([records, taskSlicesOf(out as never, time)]);
    inputSlices.push(taskSlicesOf(input as never, time));
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(seen, [
    [
      ['A1-1', 'A1-1!', 'B1-1', 'B1-1!', 'B1-2', 'B1-2!'],
      [
        { task: 0, start: 0, end: 2 },
        { task: 1, start: 2, end: 6 },
      ],
    ],
  ]);
  t.deepEqual(inputSlices, [
    [
      { task: 0, start: 0, end: 2 },
      { task: 1, start: 2, end: 4 },
    ],
  ]);
});

test('without applicationId nothing is sliced', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, logger: false });
  ssc.queueStream([[1, 2]]).print();
  await ssc.start();
  t.is(ssc.applicationId, undefined);
  await ssc.stop();
});

test('batch times are whole multiples of the interval on the clock, whenever each process starts', async (t) => {
  const times: number[][] = [];
  for (const start of [1_796_700_000_123, 1_796_700_000_871]) {
    const clock = new ManualClock(start);
    const ssc = new StreamingContext({ batchInterval: 250, clock, applicationId: 'app-1', logger: false });
    const seen: number[] = [];
    ssc.sourceStream(new TwoTasks()).foreachBatch((_records, time) => void seen.push(time));
    await ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    times.push(seen);
  }
  t.deepEqual(times[0], [1_796_700_000_250, 1_796_700_000_500, 1_796_700_000_750, 1_796_700_001_000]);
  t.deepEqual(times[1], [1_796_700_001_000, 1_796_700_001_250, 1_796_700_001_500, 1_796_700_001_750]);
  t.true(times.flat().every((time) => time % 250 === 0));
});
