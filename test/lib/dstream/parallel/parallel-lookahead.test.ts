/**
 * The worker pool's `lookahead`: while a batch runs, the parallel stages of the batches queued
 * behind it start on the threads; their outputs still run one batch at a time, in order, with the
 * same records and each batch's dead letters counted with that batch. Only stages whose inputs
 * are fixed once the batch is generated run ahead.
 */
import test from 'ava';
import { firstValueFrom, toArray } from 'rxjs';
import {
  BatchError,
  ConfigurationError,
  ManualClock,
  StreamingContext,
  type DStream,
  type Lookup,
  type WorkersOption,
} from '../../../../lib/index.js';
import { stagesThatRunAhead } from '../../../../lib/dstream/parallel/parallel.js';
import { range, task } from './parallel-harness.js';
import * as tasks from './parallel-tasks.js';

const INPUT = [range(1, 200), range(201, 400), range(401, 600), range(601, 800)];

interface Backlog {
  readonly out: number[][];
  readonly times: number[];
  /** For each batch, the batch times the pool had been asked to run when its output ran. */
  readonly askedBeforeOutput: number[][];
  readonly deadLetters: Map<number, number>;
}

/**
 * Queues every batch at once (a backlog, as behind a slow batch) and runs them through
 * `parallel(unlucky)` with dead letters; records what the pool had been asked for at each output.
 */
async function backlog(workers: WorkersOption | undefined, input: number[][] = INPUT): Promise<Backlog> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    name: 'lookahead-test',
    ...(workers ? { workers } : {}),
  });
  const asked: number[] = [];
  const pool = ssc.workers;
  const run = pool.run.bind(pool);
  pool.run = (stageTask, records, batchTime, options) => {
    asked.push(batchTime);
    return run(stageTask, records, batchTime, options);
  };
  const out: number[][] = [];
  const times: number[] = [];
  const askedBeforeOutput: number[][] = [];
  ssc
    .queueStream(input.map((b) => [...b]))
    .parallel(task<number, number>('unlucky'), { onRecordError: 'deadLetter' })
    .foreachBatch(async (records, time) => {
      askedBeforeOutput.push([...asked]);
      // An output that waits on the outside world: the threads have time to run ahead meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 5));
      out.push([...records]);
      times.push(time);
    });
  const events = firstValueFrom(ssc.events.pipe(toArray()));
  await ssc.start();
  await clock.advance(input.length * 1000, { waitEachStep: false });
  await ssc.stop();
  await ssc.awaitTermination();
  const deadLetters = new Map<number, number>();
  for (const e of await events) if (e.type === 'batchCompleted') deadLetters.set(e.batchTime, e.deadLetters);
  return { out, times, askedBeforeOutput, deadLetters };
}

const expected = INPUT.map((b) => b.filter((n) => n !== 13).map(tasks.square));

test.serial(
  'lookahead 1 (the default): the next queued batch starts on the threads while a batch runs its output',
  async (t) => {
    const result = await backlog({ threads: 1 });
    t.deepEqual(result.out, expected);
    t.deepEqual(result.times, [1000, 2000, 3000, 4000]);
    t.deepEqual(result.askedBeforeOutput[0], [1000, 2000]);
    t.deepEqual(result.askedBeforeOutput[1], [1000, 2000, 3000]);
    t.deepEqual(result.askedBeforeOutput[3], [1000, 2000, 3000, 4000]);
  },
);

test.serial('lookahead 2: two queued batches start ahead; lookahead 0: none', async (t) => {
  const two = await backlog({ threads: 1, lookahead: 2 });
  t.deepEqual(two.out, expected);
  t.deepEqual(two.askedBeforeOutput[0], [1000, 2000, 3000]);
  const none = await backlog({ threads: 1, lookahead: 0 });
  t.deepEqual(none.out, expected);
  t.deepEqual(
    none.askedBeforeOutput,
    [1000, 2000, 3000, 4000].map((time) => range(1, time / 1000).map((n) => n * 1000)),
  );
});

test.serial('inline (no threads) nothing runs ahead, with the same batches', async (t) => {
  const result = await backlog(undefined);
  t.deepEqual(result.out, expected);
  t.deepEqual(result.askedBeforeOutput[0], [1000]);
});

test.serial(
  'a dead letter of a batch that ran ahead is counted with its own batch, not the one running',
  async (t) => {
    const input = [range(1, 10), range(11, 20), range(21, 30)];
    const result = await backlog({ threads: 1 }, input);
    t.deepEqual(result.askedBeforeOutput[0], [1000, 2000]);
    t.deepEqual(
      [...result.deadLetters],
      [
        [1000, 0],
        [2000, 1],
        [3000, 0],
      ],
    );
  },
);

test.serial('a stop without grace waits for the stages running ahead, and the pool closes', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, workers: { threads: 1, lookahead: 2 } });
  const seen: number[] = [];
  ssc
    .queueStream(INPUT.map((b) => [...b]))
    .parallel(task<number, number>('square'))
    .foreachBatch((_records, time) => {
      seen.push(time);
      if (time === 1000) void ssc.stop({ graceful: false });
    });
  await ssc.start();
  await clock.advance(4000, { waitEachStep: false });
  await ssc.awaitTermination();
  t.deepEqual(seen, [1000]);
  t.false(ssc.workers.running);
});

test.serial(
  'a stage that fails while running ahead fails its own batch, at its turn, after the batch before it',
  async (t) => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: 1000, clock, workers: { threads: 1 } });
    const out: number[][] = [];
    ssc
      .queueStream([range(1, 5), range(10, 15), range(20, 25)])
      .parallel(task<number, number>('unlucky'))
      .foreachBatch(async (records) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        out.push([...records]);
      });
    await ssc.start();
    await clock.advance(3000, { waitEachStep: false });
    const failure = await ssc.awaitTermination().then(
      () => undefined,
      (error: unknown) => error,
    );
    t.deepEqual(out, [range(1, 5).map(tasks.square)]);
    t.true(failure instanceof BatchError);
    t.is((failure as BatchError).batchTime, 2000);
    t.regex((failure as BatchError).message, /parallelMap.*batch of time 2000.*unlucky 13/);
  },
);

const profiles: Lookup<number, string> = {
  name: 'profiles',
  getAll: (keys) => Promise.resolve(new Map([...keys].map((k) => [k, `p${k}`]))),
};

test('only stages whose inputs are fixed when the batch is generated run ahead', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, workers: 1 });
  const numbers = ssc.queueStream<number>([]);
  const stage = (s: DStream<number>, name: string): DStream<number> =>
    s.parallel(task<number, number>('square')).name(name);
  const ahead = [
    stage(numbers, 'on the input'),
    stage(
      numbers.map((n) => n + 1).filter((n) => n > 0),
      'after narrow operators',
    ),
    stage(numbers.repartition(4), 'after repartition'),
    stage(numbers.union(ssc.queueStream<number>([])), 'after union'),
    stage(stage(numbers, 'first stage'), 'after another stage'),
  ];
  const notAhead = [
    stage(numbers.window(3000, 1000), 'after a window'),
    stage(
      numbers
        .map((n): [number, number] => [n, 1])
        .updateStateByKey((ones: number[], s: number | undefined) => (s ?? 0) + ones.length)
        .map(([, n]) => n),
      'after state',
    ),
    stage(
      numbers.enrich(
        profiles,
        (n) => n,
        (n) => n,
      ),
      'after a lookup',
    ),
    stage(
      numbers.transform((records) => records),
      'after transform',
    ),
  ];
  for (const s of [...ahead, ...notAhead]) s.foreachBatch(() => undefined);
  const names = stagesThatRunAhead(ssc.graph.allNodes()).map((n) => n.name);
  t.deepEqual(names.sort(), [...ahead.map((s) => s.operatorName), 'first stage'].sort());
});

test('a lookahead that is not a whole number >= 0 is refused with how to fix it', (t) => {
  for (const lookahead of [-1, 1.5, Number.NaN]) {
    t.throws(() => new StreamingContext({ batchInterval: 1000, workers: { threads: 1, lookahead } }), {
      instanceOf: ConfigurationError,
      message: /workers: lookahead must be a whole number >= 0, got .*; 0 turns it off, the default is 1/,
    });
  }
  t.is(new StreamingContext({ batchInterval: 1000, workers: { threads: 1 } }).workers.lookahead, 1);
  t.is(new StreamingContext({ batchInterval: 1000 }).workers.lookahead, 0);
});

/** A ManualClock whose time the test can move on by `extra` without firing anything. */
class SkewedClock extends ManualClock {
  extra = 0;
  override now(): number {
    return super.now() + this.extra;
  }
}

test.serial(
  'a batch whose stage ran ahead counts its processing from then, as Spark counts from its first work',
  async (t) => {
    const clock = new SkewedClock();
    const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'lookahead-delays', workers: 1 });
    let askedAhead!: () => void;
    const batch2Asked = new Promise<void>((resolve) => (askedAhead = resolve));
    const pool = ssc.workers;
    const run = pool.run.bind(pool);
    pool.run = (stageTask, records, batchTime, options) => {
      if (batchTime === 2000) askedAhead();
      return run(stageTask, records, batchTime, options);
    };
    ssc
      .queueStream([range(1, 100), range(101, 200)])
      .parallel(task<number, number>('square'))
      .foreachBatch(async (_, time) => {
        if (time !== 1000) return;
        // Batch 2000's stage has started ahead (at 2000); this output then takes 500 ms.
        await batch2Asked;
        clock.extra = 500;
      });
    const events = firstValueFrom(ssc.events.pipe(toArray()));
    await ssc.start();
    await clock.advance(2000, { waitEachStep: false });
    await ssc.stop();
    const completed = (await events).filter((e) => e.type === 'batchCompleted' && e.batchTime === 2000);
    t.like(completed[0], { schedulingDelay: 0, processingDelay: 500, totalDelay: 500 });
  },
);
