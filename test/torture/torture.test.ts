/**
 * The crash test, short form (CI): every combination of `scenarios.ts` once, with two SIGKILLs
 * while the producer writes, against the real servers. Each run must end with the exact state
 * and exactly-once outputs. The long form (`npm run torture`) runs 50 seeds per combination.
 *
 * The seed is printed; KINDLING_TORTURE_SEED=<seed> runs the same schedule again.
 */
import test from 'ava';
import { passed, runScenario } from './harness.js';
import { SCENARIOS } from './scenarios.js';

const seed = Number(process.env.KINDLING_TORTURE_SEED ?? Date.now() % 1_000_000);

for (const scenario of SCENARIOS) {
  test(`${scenario.name}: killed twice while data arrives, every record is counted and written once`, async (t) => {
    t.timeout(360_000);
    const result = await runScenario(scenario, { seed, lines: 1200, kills: 2, log: (m) => t.log(m) });
    t.log(
      `seed ${seed} (KINDLING_TORTURE_SEED repeats it): ${result.runs} runs, ${result.kills} kills, ` +
        `${result.restored} restarts from a checkpoint, ${result.replayed} batches replayed`,
    );
    t.is(result.error, undefined);
    for (const [what, difference] of Object.entries(result.differences)) {
      t.deepEqual(
        { missing: difference.missing, duplicates: difference.duplicates },
        { missing: 0, duplicates: 0 },
        `${what}: ${difference.examples.join('; ')}`,
      );
    }
    t.true(passed(result));
    if (scenario.fault === 'checkpoints-corrupt') {
      t.regex(result.refusal ?? '', /discardUnreadableCheckpoints/, 'the job refused to start');
    } else {
      t.is(result.kills, 2);
      t.true(
        result.wordsAtKills.some((words) => words > 0),
        'a kill landed while batches ran',
      );
      t.true(result.restored >= 2, 'every restart resumed from a checkpoint');
      t.true(
        Object.keys(result.differences).length === scenario.outputs.length + 2,
        'both states (updateStateByKey, mapWithState) and every output checked',
      );
    }
    if (scenario.fault === 'wal-mid-segment' || scenario.fault === 'wal-tail') {
      t.true(result.damageReported > 0, 'the job found the damage and said so');
    }
  });
}
