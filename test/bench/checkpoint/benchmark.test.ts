import test from 'ava';
import { runCheckpoint } from '../../../bench/checkpoint/benchmark.js';
import { compareState, fromJson, toJson, wordCounts } from '../../../bench/checkpoint/state.js';

test('wordCounts builds n distinct keys in both shapes, and JSON brings them back', (t) => {
  const map = wordCounts(1000, 'Map');
  const pairs = wordCounts(1000, 'pairs');
  t.true(map instanceof Map);
  t.is((map as Map<string, number>).size, 1000);
  t.deepEqual([...(map as Map<string, number>)], pairs);
  t.is(compareState(fromJson(toJson(map), map), map), undefined);
  t.is(compareState(fromJson(toJson(pairs), pairs), pairs), undefined);
});

test('columns hold the same counts as pairs, and JSON brings them back', (t) => {
  const columns = wordCounts(1000, 'columns');
  t.false(columns instanceof Map || Array.isArray(columns));
  t.is(compareState(columns, wordCounts(1000, 'columns')), undefined);
  t.is(compareState(fromJson(toJson(columns), columns), columns), undefined);
  t.regex(compareState(wordCounts(1000, 'pairs'), columns) ?? '', /expected columns/);
  t.regex(compareState(wordCounts(999, 'columns'), columns) ?? '', /read back 999 pairs, expected 1000/);
});

test('compareState names what differs', (t) => {
  const map = new Map([
    ['a', 1],
    ['b', 2],
  ]);
  t.is(compareState(new Map(map), map), undefined);
  t.regex(compareState(new Map([['a', 1]]), map) ?? '', /read back 1 keys, expected 2/);
  t.regex(compareState(new Map([...map, ['b', 3]]), map) ?? '', /'b': 3, expected 2/);
  t.regex(compareState([...map], map) ?? '', /expected a Map/);
  t.regex(
    compareState(
      [
        ['a', 1],
        ['b', 5],
      ],
      [...map],
    ) ?? '',
    /pair 1: \["b",5\], expected \["b",2\]/,
  );
  t.regex(compareState(undefined, [...map]) ?? '', /expected an array/);
});

test('a small checkpoint benchmark run is correct and reports each figure beside its baseline', async (t) => {
  const result = await runCheckpoint({ quick: true }, { sizes: [1000], recoveryKeys: 1000, runs: 1 });
  t.true(result.correct);
  t.is(result.name, 'checkpoint');
  const names = result.rows.map((r) => `${r.system} ${r.metric}`);
  for (const shape of ['Map', 'pairs', 'columns']) {
    t.true(names.includes(`kindling write ${shape} 1k keys (ms)`));
    t.true(names.includes(`json-fs write ${shape} 1k keys (ms)`));
    t.true(names.includes(`kindling recover ${shape} 1k keys (ms)`));
    t.true(names.includes(`json-fs recover ${shape} 1k keys (ms)`));
    t.true(Number.isFinite(result.ratios[`kindling / json-fs (write ${shape} 1k keys (ms))`]));
  }
  t.true(result.rows.every((r) => Number.isFinite(r.value) && r.value > 0));
});
