/**
 * Panels, pure: what a line, bar or table panel makes of a batch, as tables of batches and
 * expected updates; bad specs and bad values fail with messages that name the panel.
 */
import test from 'ava';
import { ConfigurationError, KindlingError } from '../../../lib/index.js';
import { Panel, toCell } from '../../../outputs/dashboard/panel.js';
import type { PanelSpec } from '../../../outputs/dashboard/index.js';

/** The values of each batch's point, batch after batch. */
function linePoints<T>(spec: PanelSpec<T>, batches: T[][]): unknown[] {
  const panel = new Panel<T>('p', spec);
  return batches.map((records, n) => {
    const update = panel.update(records, (n + 1) * 1000);
    return update.kind === 'line' ? update.point.values : update;
  });
}

test('a line panel: numbers sum to one series, [key, number] pairs to one series per key', (t) => {
  t.deepEqual(linePoints({ kind: 'line' }, [[3], [1, 2], []]), [{ p: 3 }, { p: 3 }, {}]);
  t.deepEqual(
    linePoints<[string, number]>({ kind: 'line' }, [
      [
        ['en', 2],
        ['fr', 1],
        ['en', 1],
      ],
      [['fr', 4]],
    ]),
    [{ en: 3, fr: 1 }, { fr: 4 }],
  );
});

test('a line panel with a value function: one number, named series, null for a gap', (t) => {
  const words: string[][] = [['a', 'bb'], [], ['ccc']];
  t.deepEqual(linePoints({ kind: 'line', value: (r) => (r.length === 0 ? null : r.length) }, words), [
    { p: 2 },
    { p: null },
    { p: 1 },
  ]);
  t.deepEqual(
    linePoints(
      { kind: 'line', value: (r) => ({ short: r.filter((w) => w.length < 2).length, long: 1 }) },
      words,
    ),
    [
      { short: 1, long: 1 },
      { short: 0, long: 1 },
      { short: 0, long: 1 },
    ],
  );
});

test('a line panel keeps `history` points and at most `maxSeries` series, counting those left out', (t) => {
  const panel = new Panel<[string, number]>('langs', { kind: 'line', history: 2, maxSeries: 2 });
  panel.update([['en', 1]], 1000);
  panel.update([['fr', 2]], 2000);
  const update = panel.update(
    [
      ['de', 3],
      ['en', 4],
    ],
    3000,
  );
  t.like(update, { series: ['en', 'fr'], omittedSeries: 1, history: 2, point: { values: { en: 4 } } });
  const state = panel.state();
  t.like(state, { kind: 'line', title: 'langs', series: ['en', 'fr'], omittedSeries: 1 });
  t.deepEqual(state.kind === 'line' ? state.points.map((p) => p.time) : [], [2000, 3000]);
});

test('a line value that is not a finite number fails the batch, naming the panel, series and batch', (t) => {
  const panel = new Panel<number>('sentiment', { kind: 'line', value: () => ({ positive: 0 / 0 }) });
  t.throws(() => panel.update([1], 5000), {
    instanceOf: KindlingError,
    message:
      "dashboard panel 'sentiment': series 'positive' of the batch of time 5000 is NaN; a line panel's " +
      'value must be a finite number, or null for a gap',
  });
  const objects = new Panel<{ n: number }>('objects', { kind: 'line' });
  t.throws(() => objects.update([{ n: 1 }], 1000), {
    message:
      /a record of the batch of time 1000 is not a number or a \[key, finite number\] pair: \{"n":1\}; give the panel a value function/,
  });
});

test('a bar panel shows the top values of the latest batch, ties by label', (t) => {
  const panel = new Panel<[string, number]>('tags', { kind: 'bar', top: 3, unit: 'tweets' });
  const update = panel.update(
    [
      ['#b', 2],
      ['#a', 2],
      ['#c', 9],
      ['#d', 1],
    ],
    4000,
  );
  t.deepEqual(update, {
    kind: 'bar',
    name: 'tags',
    title: 'tags',
    unit: 'tweets',
    time: 4000,
    bars: [
      { label: '#c', value: 9 },
      { label: '#a', value: 2 },
      { label: '#b', value: 2 },
    ],
  });
  t.deepEqual(panel.state(), update);
  const custom = new Panel<{ city: string; score: number }>('cities', {
    kind: 'bar',
    label: (r) => r.city,
    value: (r) => r.score,
  });
  t.like(custom.update([{ city: 'Oslo', score: -0.5 }], 1000), { bars: [{ label: 'Oslo', value: -0.5 }] });
  t.throws(() => custom.update([{ city: 'Rome', score: Number.NaN }], 2000), {
    message: /the value of 'Rome' in the batch of time 2000 is NaN/,
  });
});

test('a table panel shows the first rows of the latest batch, columns from the records or the spec', (t) => {
  const tweets = [
    { user: 'ann', text: 'hi', score: 1, at: new Date(0) },
    { user: 'bob', text: 'yo', score: -2, at: new Date(1000) },
  ];
  t.like(new Panel<(typeof tweets)[number]>('t', { kind: 'table', rows: 1 }).update(tweets, 1000), {
    columns: ['user', 'text', 'score', 'at'],
    rows: [['ann', 'hi', 1, '1970-01-01T00:00:00.000Z']],
    total: 2,
  });
  t.like(
    new Panel<(typeof tweets)[number]>('t', { kind: 'table', columns: ['user', 'missing'] }).update(
      tweets,
      1,
    ),
    {
      columns: ['user', 'missing'],
      rows: [
        ['ann', null],
        ['bob', null],
      ],
    },
  );
  t.like(
    new Panel<(typeof tweets)[number]>('t', {
      kind: 'table',
      columns: { who: (r) => r.user.toUpperCase(), positive: (r) => r.score > 0 },
    }).update(tweets, 1),
    {
      columns: ['who', 'positive'],
      rows: [
        ['ANN', true],
        ['BOB', false],
      ],
    },
  );
  t.like(new Panel<[string, number]>('t', { kind: 'table' }).update([['a', 1]], 1), {
    columns: ['0', '1'],
    rows: [['a', 1]],
  });
  t.like(new Panel<string>('t', { kind: 'table' }).update(['x'], 1), { columns: ['value'], rows: [['x']] });
  t.like(new Panel<string>('t', { kind: 'table', columns: ['a'] }).state(), {
    columns: ['a'],
    rows: [],
    time: null,
  });
});

test('cells: primitives as they are, anything else as short JSON', (t) => {
  t.is(toCell(undefined), null);
  t.is(toCell(10n), '10');
  t.is(toCell(Number.POSITIVE_INFINITY), 'Infinity');
  t.is(toCell({ a: [1, 2] }), '{"a":[1,2]}');
  t.is((toCell('x'.repeat(500)) as string).length, 500);
  t.is((toCell({ long: 'y'.repeat(500) }) as string).length, 200);
  const cycle: { self?: unknown } = {};
  cycle.self = cycle;
  t.is(toCell(cycle), '[object Object]');
});

test('bad specs are refused at build time with a message that says what to give', (t) => {
  const bad: [string, unknown, RegExp][] = [
    ['', { kind: 'line' }, /the panel name must be a non-empty string/],
    [
      'p',
      { kind: 'pie' },
      /spec\.kind must be one of 'line', 'bar', 'table', got "pie"; for example \{ kind: 'line' \}/,
    ],
    ['p', { kind: 'line', history: 0 }, /history must be a positive whole number, got 0/],
    ['p', { kind: 'bar', top: 2.5 }, /top must be a positive whole number, got 2\.5/],
    ['p', { kind: 'table', rows: -1 }, /rows must be a positive whole number/],
    ['p', { kind: 'line', value: 3 }, /value must be a function, got number/],
    [
      'p',
      { kind: 'table', columns: { a: 'user' } },
      /columns must be a list of property names or an object of functions/,
    ],
  ];
  for (const [name, spec, message] of bad) {
    t.throws(() => new Panel(name, spec as PanelSpec<unknown>), { instanceOf: ConfigurationError, message });
  }
});
