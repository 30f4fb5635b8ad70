import test from 'ava';
import { nextRate, searchSustainedRate, type ProbeOutcome } from '../../../bench/workload/search.js';

/** A system whose processing time is `fixed + perRecord * rate` ms: it sustains rates up to (limit - fixed) / perRecord. */
function linear(fixed: number, perRecord: number, limitMs: number): (rate: number) => Promise<ProbeOutcome> {
  return (rate) => {
    const processingMs = fixed + perRecord * rate;
    return Promise.resolve({ rate, processingMs, ok: processingMs <= limitMs });
  };
}

const table = [
  { name: 'boundary far above the start', fixed: 5, perRecord: 0.0001, start: 1000 },
  { name: 'boundary far below the start', fixed: 40, perRecord: 0.5, start: 100_000 },
  { name: 'boundary near the start', fixed: 100, perRecord: 0.02, start: 20_000 },
];

for (const row of table) {
  test(`the search brackets the sustained rate: ${row.name}`, async (t) => {
    const limitMs = 500;
    const boundary = (limitMs - row.fixed) / row.perRecord;
    const found = await searchSustainedRate(linear(row.fixed, row.perRecord, limitMs), {
      startRate: row.start,
      limitMs,
      maxProbes: 12,
      precision: 1.1,
    });
    t.true(found.rate > 0 && found.rate <= boundary, `found ${found.rate}, boundary ${boundary}`);
    t.true(found.failedAt > boundary);
    t.true(
      found.rate * 1.1 >= Math.min(found.failedAt, boundary),
      `found ${found.rate} not within 1.1× of ${boundary}`,
    );
    t.true(found.probes.length <= 12);
    t.true(found.probes.every((p) => p.ok === p.processingMs <= limitMs));
  });
}

test('a system that sustains no rate gives 0 and stops at the minimum rate', async (t) => {
  const found = await searchSustainedRate(linear(600, 1, 500), {
    startRate: 64,
    limitMs: 500,
    maxProbes: 20,
    precision: 1.1,
    minRate: 1,
  });
  t.is(found.rate, 0);
  t.true(found.probes.length < 20);
});

test('the number of probes is bounded', async (t) => {
  const found = await searchSustainedRate(linear(0, 0.001, 500), {
    startRate: 1,
    limitMs: 500,
    maxProbes: 3,
    precision: 1.01,
  });
  t.is(found.probes.length, 3);
  t.is(found.failedAt, Infinity);
});

test('bad options are refused with what is wrong', async (t) => {
  await t.throwsAsync(
    searchSustainedRate(linear(0, 1, 500), { startRate: 10, limitMs: 500, maxProbes: 3, precision: 1 }),
    { instanceOf: RangeError, message: /precision 1 must exceed 1/ },
  );
});

test('nextRate bisects when the estimate falls outside the bracket', (t) => {
  // the estimate (2000 * 475 / 1) is far above the failing rate: take the geometric midpoint
  t.is(nextRate({ rate: 2000, processingMs: 1, ok: true }, 2000, 8000, 500, 1.1), 4000);
  // inside the bracket: the estimate
  t.is(nextRate({ rate: 2000, processingMs: 250, ok: true }, 2000, 8000, 500, 1.1), 3800);
});
