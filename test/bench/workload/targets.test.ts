import test from 'ava';
import {
  noRateNote,
  ratioTargetNote,
  sustainedRatio,
  type Sustained,
} from '../../../bench/workload/sustained.js';
import { targetNote } from '../../../bench/workload/targets.js';

function found(rate: number, last = { rate: 100, processingMs: 900, ok: false }): Sustained {
  return { search: { rate, failedAt: Infinity, probes: [last] } };
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
    ratioTargetNote(found(400), { name: 'spark', found: found(0) }, 3),
    'kindling / spark: unbounded, spark sustained no rate (target ≥ 3): met',
  );
  t.is(
    ratioTargetNote(found(400), { name: 'spark', found: found(200) }, 3),
    'kindling / spark: 2.00 (target ≥ 3): missed by 33 %',
  );
  t.is(
    ratioTargetNote(found(400), { name: 'spark', found: undefined }, 3),
    'kindling / spark: unmeasured (target ≥ 3)',
  );
});
