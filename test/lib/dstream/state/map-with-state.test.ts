/**
 * mapWithState and State. Vectors from Spark's MapWithStateSuite ("state - get, exists, update,
 * remove", "basic operations with simple API", "basic operations with advanced API", "states as
 * mapped data", "initial states, with nothing returned as from mapping function", "state
 * removing", "state timing out").
 */
import test from 'ava';
import {
  IllegalStateError,
  ManualClock,
  StateSpec,
  StreamingContext,
  type DStream,
  type State,
} from '../../../../lib/index.js';
import { mapWithState } from '../../../../lib/dstream/state/map-with-state.js';
import { StateImpl } from '../../../../lib/dstream/state/state.js';
import { sortedBatches } from '../../../helpers/operations.js';

interface Run<U> {
  outputs: U[][];
  snapshots: [string, number][][];
}

/** Each input word becomes `[word, 1]`; returns the mapped batches and the state snapshots. */
async function run<U>(
  input: string[][],
  spec: StateSpec<string, number, number, U>,
  numBatches = input.length,
): Promise<Run<U>> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'map-with-state-test' });
  const outputs: U[][] = [];
  const snapshots: [string, number][][] = [];
  const mapped = ssc
    .queueStream(input.map((b) => [...b]))
    .map((w) => [w, 1] as [string, number])
    .mapWithState(spec);
  mapped.foreachBatch((records) => {
    outputs.push([...records]);
  });
  mapped.stateSnapshots().foreachBatch((records) => {
    snapshots.push([...records]);
  });
  await ssc.start();
  await clock.advance(numBatches * 1000);
  await ssc.stop();
  await ssc.awaitTermination();
  return { outputs: sortedBatches(outputs), snapshots: sortedBatches(snapshots) };
}

const input = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];

const runningStates: [string, number][][] = [
  [],
  [['a', 1]],
  [
    ['a', 2],
    ['b', 1],
  ],
  [
    ['a', 3],
    ['b', 2],
    ['c', 1],
  ],
  [
    ['a', 4],
    ['b', 3],
    ['c', 1],
  ],
  [
    ['a', 5],
    ['b', 3],
    ['c', 1],
  ],
  [
    ['a', 5],
    ['b', 3],
    ['c', 1],
  ],
];

test('State: get, exists, update, remove and timing out (Spark vector)', (t) => {
  const expect = (
    state: StateImpl<number>,
    value: number | undefined,
    flags: Partial<Record<string, boolean>> = {},
  ) => {
    t.is(state.exists(), value !== undefined);
    t.is(state.getOption(), value);
    if (value === undefined)
      t.throws(() => state.get(), { instanceOf: IllegalStateError, message: /exists\(\)/ });
    else t.is(state.get(), value);
    t.is(state.isTimingOut(), flags['timingOut'] ?? false);
    t.is(state.isUpdated(), flags['updated'] ?? false);
    t.is(state.isRemoved(), flags['removed'] ?? false);
    if (flags['timingOut'] || flags['removed']) {
      t.throws(() => state.remove(), { instanceOf: IllegalStateError });
      t.throws(() => state.update(-1), { instanceOf: IllegalStateError });
    }
  };
  let state = new StateImpl<number>();
  expect(state, undefined);
  state.wrap(false, undefined);
  expect(state, undefined);
  state.wrap(true, 1);
  expect(state, 1);
  state.update(2);
  expect(state, 2, { updated: true });
  state = new StateImpl<number>();
  state.update(2);
  expect(state, 2, { updated: true });
  state.remove();
  expect(state, undefined, { removed: true });
  state.wrapTimingOut(3);
  expect(state, 3, { timingOut: true });
});

test('mapWithState with the (key, value, state) form returns running counts (Spark vector)', async (t) => {
  const spec = StateSpec.function((_key: string, value: number | undefined, state: State<number>) => {
    const sum = (value ?? 0) + (state.getOption() ?? 0);
    state.update(sum);
    return sum;
  });
  const { outputs, snapshots } = await run(input, spec);
  t.deepEqual(outputs, [[], [1], [1, 2], [1, 2, 3], [3, 4], [5], []]);
  t.deepEqual(snapshots, runningStates);
});

test('mapWithState with the (time, key, value, state) form (Spark vector, advanced API)', async (t) => {
  const times = new Set<number>();
  const spec = StateSpec.function(
    (time: number, key: string, value: number | undefined, state: State<number>) => {
      times.add(time);
      state.update((value ?? 0) + (state.getOption() ?? 0));
      return key + key;
    },
  );
  const { outputs, snapshots } = await run(input, spec);
  t.deepEqual(outputs, [[], ['aa'], ['aa', 'bb'], ['aa', 'bb', 'cc'], ['aa', 'bb'], ['aa'], []]);
  t.deepEqual(snapshots, runningStates);
  t.deepEqual([...times], [2000, 3000, 4000, 5000, 6000]);
});

test('mapWithState can return the states as mapped data (Spark vector)', async (t) => {
  const spec = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
    const sum = (value ?? 0) + (state.getOption() ?? 0);
    state.update(sum);
    return [key, sum] as [string, number];
  });
  const { outputs, snapshots } = await run(input, spec);
  t.deepEqual(outputs, [
    [],
    [['a', 1]],
    [
      ['a', 2],
      ['b', 1],
    ],
    [
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ],
    [
      ['a', 4],
      ['b', 3],
    ],
    [['a', 5]],
    [],
  ]);
  t.deepEqual(snapshots, runningStates);
});

test('mapWithState starts from initial states; undefined returns emit nothing (Spark vector)', async (t) => {
  const spec = StateSpec.function((_key: string, value: number | undefined, state: State<number>) => {
    state.update((value ?? 0) + (state.getOption() ?? 0));
    return undefined as number | undefined;
  }).initialState([
    ['a', 5],
    ['b', 10],
    ['c', -20],
    ['d', 0],
  ]);
  const { outputs, snapshots } = await run(input, spec);
  t.deepEqual(outputs, [[], [], [], [], [], [], []]);
  const states = (a: number, b: number, c: number): [string, number][] => [
    ['a', a],
    ['b', b],
    ['c', c],
    ['d', 0],
  ];
  t.deepEqual(snapshots, [
    states(5, 10, -20),
    states(6, 10, -20),
    states(7, 11, -20),
    states(8, 12, -19),
    states(9, 13, -19),
    states(10, 13, -19),
    states(10, 13, -19),
  ]);
});

test('mapWithState removes states with state.remove() (Spark vector)', async (t) => {
  const spec = StateSpec.function(
    (_time: number, key: string, value: number | undefined, state: State<number>) => {
      if (state.exists()) {
        state.remove();
        return key;
      }
      state.update(value as number);
      return undefined;
    },
  ).numPartitions(1);
  const removing = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];
  const { outputs, snapshots } = await run(removing, spec);
  t.deepEqual(outputs, [[], [], ['a'], ['b'], ['a', 'c'], ['b'], ['a'], []]);
  t.deepEqual(snapshots, [
    [],
    [['a', 1]],
    [['b', 1]],
    [
      ['a', 1],
      ['c', 1],
    ],
    [['b', 1]],
    [['a', 1]],
    [],
    [],
  ]);
});

test('mapWithState times out idle keys with one last call (Spark vector, exact times)', async (t) => {
  const calls: string[] = [];
  const spec = StateSpec.function(
    (time: number, key: string, value: number | undefined, state: State<number>) => {
      if (value !== undefined) state.update(1);
      if (!state.isTimingOut()) return undefined;
      calls.push(`${key}@${time}`);
      t.is(value, undefined);
      t.is(state.get(), 1);
      t.throws(() => state.update(2), { instanceOf: IllegalStateError, message: /timing out/ });
      t.throws(() => state.remove(), { instanceOf: IllegalStateError, message: /timing out/ });
      return key;
    },
  ).timeout(3000);
  const timing = [
    ['a', 'b', 'c'],
    ['a', 'b'],
    ['a'],
    [],
    [],
    ['a'],
    ...Array.from({ length: 20 }, () => ['a']),
  ];
  const { outputs, snapshots } = await run(timing, spec, 20);
  t.deepEqual(outputs.flat().sort(), ['b', 'c']);
  // c was last updated at 1000 and b at 2000: idle for more than 3000 ms at 5000 and 6000.
  t.deepEqual(calls, ['c@5000', 'b@6000']);
  t.true(
    snapshots.some(
      (s) =>
        JSON.stringify(s) ===
        JSON.stringify([
          ['a', 1],
          ['b', 1],
          ['c', 1],
        ]),
    ),
  );
  t.deepEqual(snapshots.at(-1), [['a', 1]]);
  t.deepEqual(snapshots[3], [
    ['a', 1],
    ['b', 1],
    ['c', 1],
  ]);
  t.deepEqual(snapshots[4], [
    ['a', 1],
    ['b', 1],
  ]);
});

test('mapWithState: any record keeps a key alive under a timeout, even without update()', async (t) => {
  const spec = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
    if (!state.exists() && value !== undefined) state.update(value);
    return state.isTimingOut() ? key : undefined;
  })
    .timeout(2000)
    .initialState([['x', 7]]);
  // 'a' gets data every other batch, so it is never idle for more than 2000 ms; x (initial, stamped
  // with the first batch time 1000) times out at 4000.
  const { outputs, snapshots } = await run([['a'], [], ['a'], [], ['a'], []], spec);
  t.deepEqual(outputs, [[], [], [], ['x'], [], []]);
  t.deepEqual(snapshots.at(-1), [['a', 1]]);
});

test('mapWithState calls the function once per record, in arrival order', async (t) => {
  const calls: string[] = [];
  const spec = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
    calls.push(`${key}:${String(value)}:${String(state.getOption())}`);
    state.update((state.getOption() ?? 0) + (value ?? 0));
    return undefined;
  });
  await run([['b', 'a', 'b']], spec);
  t.deepEqual(calls, ['b:1:undefined', 'a:1:undefined', 'b:1:1']);
});

test('mapWithState infers key and value types of an inline StateSpec; stateSnapshots() is one stream', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'map-with-state-types' });
  const stream = ssc.queueStream([[['k', 2] as [string, number]], [['k', 3] as [string, number]]]);
  const lengths = stream.mapWithState(
    // key and value are inferred from the stream; only the state type is written.
    StateSpec.function((key, value, state: State<string>) => {
      const next = `${state.getOption() ?? ''}${key.repeat(value ?? 0)}`;
      state.update(next);
      return next.length;
    }),
  );
  const seen: number[][] = [];
  lengths.name('lengths').foreachBatch((records) => {
    seen.push(records.map((n) => n + 0));
  });
  const snapshot: DStream<[string, string]> = lengths.stateSnapshots();
  t.is(lengths.stateSnapshots(), snapshot);
  const states: string[][] = [];
  snapshot.foreachBatch((records) => {
    states.push(records.map(([key, state]) => `${key}=${state}`));
  });
  await ssc.start();
  await clock.advance(2000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.deepEqual(seen, [[2], [5]]);
  t.deepEqual(states, [['k=kk'], ['k=kkkkk']]);
});

test('StateSpec rejects bad settings with a clear message', (t) => {
  const spec = StateSpec.function((_k: string, _v: number | undefined, _s: State<number>) => 0);
  t.throws(() => spec.timeout(0), { message: /timeout must be a positive number of ms/ });
  t.throws(() => spec.numPartitions(0.5), { message: /whole number >= 1/ });
  t.is(spec.timeout(5).timeoutDuration, 5);
  t.is(spec.timeoutDuration, undefined);
});

test('mapWithState fails the batch with the operator name when the function throws', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'map-with-state-error' });
  const spec = StateSpec.function((_key: string, _value: number | undefined, state: State<number>) =>
    state.get(),
  );
  ssc
    .queueStream([['a']])
    .map((w) => [w, 1] as [string, number])
    .mapWithState(spec)
    .foreachBatch(() => undefined);
  await ssc.start();
  await clock.advance(1000);
  const error = await t.throwsAsync(ssc.awaitTermination());
  t.regex(
    error?.message ?? '',
    /mapWithState' failed in the batch of time 1000: State\.get\(\): this key has no state/,
  );
});

test('a window over stateSnapshots reads each earlier batch as it was, after later batches changed it', async (t) => {
  const batches = Array.from({ length: 12 }, (_, i) => ['a', 'b', 'c', 'd'].slice(0, (i % 4) + 1));
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'map-with-state-versions' });
  const spec = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
    if (state.isTimingOut()) return key;
    const next = (state.getOption() ?? 0) + (value ?? 0);
    if (next % 3 === 0) state.remove();
    else state.update(next);
    return key;
  }).timeout(2000);
  const pairs = ssc.queueStream(batches.map((b) => [...b])).map((w) => [w, 1] as [string, number]);
  const states = mapWithState(pairs, spec);
  const snapshots: string[][] = [];
  const windows: string[][] = [];
  states.stateSnapshots().foreachBatch((records) => {
    snapshots.push(records.map((r) => JSON.stringify(r)));
  });
  states
    .stateSnapshots()
    .window(3000, 1000)
    .foreachBatch((records) => {
      windows.push(records.map((r) => JSON.stringify(r)).sort());
    });
  await ssc.start();
  await clock.advance(12_000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.is(snapshots.length, 12);
  for (let i = 0; i < 12; i++) {
    const expected = snapshots
      .slice(Math.max(0, i - 2), i + 1)
      .flat()
      .sort();
    t.deepEqual(windows[i], expected, `window ending at batch ${i + 1}`);
  }
  // a, b and c reach 3 and are removed at 12000; d timed out at 11000 and came back.
  t.deepEqual(snapshots.at(-1), [JSON.stringify(['d', 1])]);
});

test('naming a mapWithState stream names its state node too', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const named = ssc
    .queueStream<[string, number]>([])
    .mapWithState(StateSpec.function((_key: string, value: number | undefined) => value ?? 0))
    .name('totals');
  t.is(named.operatorName, 'totals');
  t.is(named.node.dependencies[0]?.name, 'totals/state');
  t.is(named.stateSnapshots().node.dependencies[0]?.name, 'totals/state');
});
