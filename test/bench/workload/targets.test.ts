import test from 'ava';
import { DigestCheck } from '../../../bench/workload/check.js';
import { expectedDigests } from '../../../bench/workload/digest.js';
import {
  measureSustained,
  noRateNote,
  rateMetric,
  rateRatio,
  rateStatus,
  ratioTargetNote,
  sustainedRate,
  sustainedRatio,
  type Sustained,
  type SustainedSettings,
} from '../../../bench/workload/sustained.js';
import type { System } from '../../../bench/workload/systems.js';
import { targetNote } from '../../../bench/workload/targets.js';

function found(rate: number, last = { rate: 100, processingMs: 900, ok: false }): Sustained {
  return { search: { rate, failedAt: Infinity, probes: [last] } };
}

/** `found(rate)` with a real-time run at `rate`, held or not. */
function inRealTime(rate: number, held: boolean): Sustained {
  const realTime = { rate, tries: 1, processingP95: 1, processingMedian: 1, schedulingMax: 0, held };
  return { ...found(rate), realTime };
}

test('targetNote says met, missed by how much, or unmeasured', (t) => {
  t.is(targetNote('kindling / spark', 3.4, 3), 'kindling / spark: 3.40 (target ≥ 3): met');
  t.is(targetNote('kindling / spark', 2.4, 3), 'kindling / spark: 2.40 (target ≥ 3): missed by 20 %');
  t.is(targetNote('2 cores / 1 core', 1.592, 1.6), '2 cores / 1 core: 1.59 (target ≥ 1.6): missed by 0.5 %');
  t.is(targetNote('kindling / spark', undefined, 3), 'kindling / spark: unmeasured (target ≥ 3)');
  t.is(targetNote('kindling / spark', NaN, 3), 'kindling / spark: unmeasured (target ≥ 3)');
});

test('a system that sustained no rate gives no ratio, a note, and a met target when Kindling did', (t) => {
  t.is(sustainedRatio(found(400), found(100)), 4);
  t.is(sustainedRatio(found(400), found(0)), undefined);
  t.is(
    noRateNote('spark', found(0), 500),
    'spark sustained no rate: at 100 lines/s, its lowest probe, p90 processing was 900 ms > 500 ms',
  );
  t.is(noRateNote('spark', found(10), 500), undefined);
  t.is(
    ratioTargetNote(inRealTime(400, true), { name: 'spark', found: found(0) }, 3),
    'kindling / spark (kindling: held in real time; spark: manual clock only): unbounded, spark sustained no rate (target ≥ 3): met',
  );
  t.is(
    ratioTargetNote(inRealTime(400, true), { name: 'spark', found: inRealTime(200, true) }, 3),
    'kindling / spark: 2.00 (target ≥ 3): missed by 33 %',
  );
  t.is(
    ratioTargetNote(found(400), { name: 'spark', found: undefined }, 3),
    'kindling / spark: unmeasured (target ≥ 3)',
  );
});

test('only a rate held in real time is named sustained, in rows and in ratios', (t) => {
  t.is(rateStatus(inRealTime(400, true)), 'held in real time');
  t.is(rateStatus(inRealTime(400, false)), 'NOT held in real time');
  t.is(rateStatus(found(400)), 'manual clock only');
  t.is(rateMetric(inRealTime(400, true), 'words/s', '1 s batches'), 'sustained words/s (1 s batches)');
  t.is(
    rateMetric(inRealTime(400, false), 'words/s', '1 s batches'),
    'words/s NOT held in real time, the lowest tried (1 s batches)',
  );
  t.is(
    rateMetric(found(400), 'words/s', '1 s batches'),
    'words/s passed on the manual clock, not run in real time (1 s batches)',
  );
  const kindling = { name: 'kindling', found: inRealTime(400, true) };
  t.deepEqual(rateRatio(kindling, { name: 'spark', found: inRealTime(100, true) }, 'words/s'), {
    name: 'kindling / spark (sustained words/s)',
    value: 4,
  });
  t.deepEqual(rateRatio(kindling, { name: 'plain-js', found: found(200) }, 'words/s'), {
    name: 'kindling / plain-js (words/s; kindling: held in real time; plain-js: manual clock only)',
    value: 2,
  });
  t.deepEqual(rateRatio({ name: 'kindling', found: inRealTime(400, false) }, kindling, 'words/s'), {
    name: 'kindling / kindling (words/s; kindling: NOT held in real time; kindling: held in real time)',
    value: 1,
  });
  t.is(rateRatio(kindling, { name: 'spark', found: found(0) }, 'words/s'), undefined);
  t.is(rateRatio(kindling, { name: 'spark', found: undefined }, 'words/s'), undefined);
});

/**
 * A system whose batch takes `rate` ms on the manual clock and `rate + realTimeExtra` ms in real
 * time (its digests right), so that its search passes up to 500 lines/s.
 */
function fakeSystem(lines: readonly string[], realTimeExtra: number): System {
  return {
    name: 'kindling',
    run: async (spec) => {
      const rate = (spec.linesPerBatch * 1000) / spec.intervalMs;
      const ms = spec.clock === 'manual' ? rate : rate + realTimeExtra;
      const processingMs = Array.from({ length: spec.batches }, () => ms);
      const digests = expectedDigests(lines, { linesPerBatch: spec.linesPerBatch, batches: spec.batches });
      return { processingMs, schedulingMs: processingMs.map(() => 0), totalMs: processingMs, digests };
    },
  };
}

const settings: SustainedSettings = {
  workload: 'wordcount',
  intervalMs: 1000,
  warmupBatches: 1,
  probeBatches: 2,
  realTimeBatches: 3,
  realTimeRuns: 3,
  startRate: 100,
  maxProbes: 8,
  precision: 1.1,
  minRate: 10,
};

test('the sustained rate is the one held in real time, tried again lower when not held', async (t) => {
  const lines = ['a b', 'b c c'];
  const found = await measureSustained(fakeSystem(lines, 60), settings, new DigestCheck(lines), () => {});
  const realTime = found.realTime;
  if (!realTime) return t.fail('no real-time run');
  t.true(found.search.rate > 440, `the search passes ${found.search.rate} lines/s`);
  t.true(realTime.held);
  t.true(realTime.tries >= 2);
  t.true(realTime.rate + 60 <= 500, `held at ${realTime.rate} lines/s`);
  t.true(realTime.rate * settings.precision > 440, 'one step above it did not hold');
  t.is(sustainedRate(found), realTime.rate);
  t.is(sustainedRatio(found, { search: { rate: 100, failedAt: Infinity, probes: [] } }), realTime.rate / 100);
});

test('a system held in real time at no rate tried keeps the lowest, flagged as not held', async (t) => {
  const lines = ['a b'];
  const found = await measureSustained(fakeSystem(lines, 1000), settings, new DigestCheck(lines), () => {});
  const realTime = found.realTime;
  if (!realTime) return t.fail('no real-time run');
  t.false(realTime.held);
  t.is(realTime.tries, 3);
  t.is(sustainedRate(found), realTime.rate);
  t.true(sustainedRate(found) < found.search.rate / 1.2);
});
