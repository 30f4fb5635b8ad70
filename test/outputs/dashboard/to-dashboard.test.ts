/**
 * `toDashboard` as an output operation of a real context on a ManualClock: installed on DStream
 * by importing `kindling/outputs`, one output per panel, declared before start, unique names,
 * and a clear failure when the context has no dashboard.
 */
import test from 'ava';
import {
  ConfigurationError,
  DStream,
  IllegalStateError,
  ManualClock,
  StreamingContext,
} from '../../../lib/index.js';
import { dashboard, toDashboard } from '../../../outputs/index.js';

function context(name: string): { clock: ManualClock; ssc: StreamingContext } {
  const clock = new ManualClock();
  return { clock, ssc: new StreamingContext({ batchInterval: 1000, clock, name, onBatchError: 'continue' }) };
}

test('kindling/outputs installs toDashboard on DStream', (t) => {
  t.is(typeof DStream.prototype.toDashboard, 'function');
  t.false(Object.keys(DStream.prototype).includes('toDashboard'), 'not enumerable');
});

test('panels fill from their streams as batches complete, in declaration order', async (t) => {
  const { clock, ssc } = context('to-dashboard-panels');
  const words = ssc.queueStream([['a', 'b', 'a'], ['b']]);
  words.count().toDashboard('count');
  toDashboard(
    words.map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b),
    'top',
    { kind: 'bar' },
  );
  const board = dashboard(ssc, { port: 0 });
  const { port } = await board.listening;
  await ssc.start();
  await clock.advance(2000);
  const snapshot = (await (await fetch(`http://127.0.0.1:${port}/api/snapshot`)).json()) as {
    panels: { name: string; kind: string; points?: unknown[]; bars?: unknown[] }[];
  };
  await ssc.stop();
  t.deepEqual(
    snapshot.panels.map((p) => p.name),
    ['count', 'top'],
  );
  t.deepEqual(snapshot.panels[0]?.points, [
    { time: 1000, values: { count: 3 } },
    { time: 2000, values: { count: 1 } },
  ]);
  t.deepEqual(snapshot.panels[1]?.bars, [{ label: 'b', value: 1 }]);
});

test('a duplicate panel name, or a panel after start, is refused; a bad spec adds no output', async (t) => {
  const { ssc } = context('to-dashboard-rules');
  const numbers = ssc.queueStream([[1]]);
  numbers.toDashboard('n');
  t.throws(() => numbers.toDashboard('n'), {
    instanceOf: ConfigurationError,
    message: "toDashboard: there is already a panel named 'n' in this context; give each panel its own name",
  });
  t.throws(() => numbers.toDashboard('m', { kind: 'line', history: 0 }), { instanceOf: ConfigurationError });
  numbers.toDashboard('m'); // the failed call above took nothing
  const board = dashboard(ssc, { port: 0 });
  await board.listening;
  await ssc.start();
  t.throws(() => numbers.toDashboard('late'), {
    instanceOf: IllegalStateError,
    message: /cannot add 'foreachBatch' to context 'to-dashboard-rules' after it has started/,
  });
  await ssc.stop();
});

test('a panel in a context without a dashboard fails its batch with a message that says what to do', async (t) => {
  const { clock, ssc } = context('to-dashboard-none');
  ssc.queueStream([[1]]).toDashboard('lonely');
  const failures: string[] = [];
  ssc.events.subscribe((e) => {
    if (e.type === 'batchCompleted' && e.error) failures.push(e.error.message);
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  t.is(failures.length, 1);
  t.regex(
    failures[0] ?? '',
    /toDashboard\('lonely'\): this context has no dashboard to show the panel; call dashboard\(ssc\) before ssc\.start\(\)/,
  );
});
