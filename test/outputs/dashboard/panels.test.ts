/**
 * Dashboard panels (`board.panel(stream, name, spec)`) as output operations of a real context on
 * a ManualClock: one output per panel, declared before start, unique names, streams of the
 * dashboard's own context; nothing patched onto DStream.
 */
import test from 'ava';
import {
  ConfigurationError,
  DStream,
  IllegalStateError,
  ManualClock,
  StreamingContext,
} from '../../../lib/index.js';
import { dashboard } from '../../../outputs/index.js';

function context(name: string): { clock: ManualClock; ssc: StreamingContext } {
  const clock = new ManualClock();
  return { clock, ssc: new StreamingContext({ batchInterval: 1000, clock, name, onBatchError: 'continue' }) };
}

test('kindling/outputs patches nothing onto DStream', (t) => {
  t.false('toDashboard' in DStream.prototype);
});

test('panels fill from their streams as batches complete, in declaration order', async (t) => {
  const { clock, ssc } = context('dashboard-panels');
  const words = ssc.queueStream([['a', 'b', 'a'], ['b']]);
  const board = dashboard(ssc, { port: 0 });
  board.panel(words.count(), 'count').panel(
    words.map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b),
    'top',
    { kind: 'bar' },
  );
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

test('a duplicate panel name, a stream of another context, or a panel after start, is refused; a bad spec adds no output', async (t) => {
  const { ssc } = context('dashboard-panel-rules');
  const numbers = ssc.queueStream([[1]]);
  const board = dashboard(ssc, { port: 0 });
  board.panel(numbers, 'n');
  t.throws(() => board.panel(numbers, 'n'), {
    instanceOf: ConfigurationError,
    message:
      "dashboard panel: there is already a panel named 'n' on this dashboard; give each panel its own name",
  });
  t.throws(() => board.panel(numbers, 'm', { kind: 'line', history: 0 }), { instanceOf: ConfigurationError });
  board.panel(numbers, 'm'); // the failed call above took nothing
  const other = context('dashboard-panel-other').ssc.queueStream([[2]]);
  t.throws(() => board.panel(other, 'other'), {
    instanceOf: ConfigurationError,
    message:
      "dashboard panel 'other': the stream belongs to context 'dashboard-panel-other', not 'dashboard-panel-rules', whose dashboard this is",
  });
  await board.listening;
  await ssc.start();
  t.throws(() => board.panel(numbers, 'late'), {
    instanceOf: IllegalStateError,
    message: /cannot add 'foreachBatch' to context 'dashboard-panel-rules' after it has started/,
  });
  await ssc.stop();
});
