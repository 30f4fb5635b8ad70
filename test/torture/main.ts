/**
 * The crash test's long form: every combination (or those named) over many seeds, then a table
 * of runs, kills and differences. Needs the servers up; `npm run torture` starts them.
 *
 *   npm run torture -- [--seeds 50] [--first-seed 1] [--only kafka] [--lines 3000] [--kills 3] [--parallel 2]
 *
 * A failing seed is printed with its combination; `--only <name> --first-seed <seed> --seeds 1`
 * runs the same schedule again. Exits 1 if any run lost or duplicated a record.
 */
import { Command } from 'commander';
import { passed, runScenario, type RunResult } from './harness.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const options = new Command()
  .option('--seeds <n>', 'seeds per combination', '50')
  .option('--first-seed <n>', 'the first seed (then +1 per run)', '1')
  .option('--only <text>', 'only combinations whose name contains this')
  .option('--lines <n>', 'lines the producer writes per run', '3000')
  .option('--kills <n>', 'SIGKILLs per run', '3')
  .option('--parallel <n>', 'runs at once (each on its own topic, stream, folders)', '2')
  .parse()
  .opts<{
    seeds: string;
    firstSeed: string;
    only?: string;
    lines: string;
    kills: string;
    parallel: string;
  }>();

const scenarios = SCENARIOS.filter((s) => options.only === undefined || s.name.includes(options.only));
const seeds = Number(options.seeds);
const first = Number(options.firstSeed);
const jobs: { scenario: Scenario; seed: number }[] = [];
for (const scenario of scenarios) for (let i = 0; i < seeds; i++) jobs.push({ scenario, seed: first + i });

const results: RunResult[] = [];
const begun = Date.now();
let next = 0;
async function worker(): Promise<void> {
  while (next < jobs.length) {
    const { scenario, seed } = jobs[next++] as { scenario: Scenario; seed: number };
    const result = await runScenario(scenario, {
      seed,
      lines: Number(options.lines),
      kills: Number(options.kills),
      log: (m) => console.error(m),
    });
    results.push(result);
    const verdict = passed(result) ? 'ok' : `FAILED ${describeFailure(result)}`;
    console.error(
      `${results.length}/${jobs.length} ${scenario.name} seed ${seed}: ${verdict} (${(result.ms / 1000).toFixed(1)} s)`,
    );
  }
}
await Promise.all(Array.from({ length: Number(options.parallel) }, () => worker()));

console.log(
  `\nCrash test: ${seeds} seeds per combination from ${first}, ${options.lines} lines, ${options.kills} kills a run (${((Date.now() - begun) / 60_000).toFixed(1)} min)\n`,
);
console.log(
  '| combination | runs | kills | kills while batches ran | restarts from a checkpoint | batches replayed | ' +
    'log damage found | missing | duplicates | failing seeds |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
let failures = 0;
for (const scenario of scenarios) {
  const mine = results.filter((r) => r.scenario === scenario.name);
  const sum = (f: (r: RunResult) => number): number => mine.reduce((n, r) => n + f(r), 0);
  const diffs = (key: 'missing' | 'duplicates') =>
    sum((r) => Object.values(r.differences).reduce((n, d) => n + d[key], 0));
  const failing = mine.filter((r) => !passed(r)).map((r) => r.seed);
  failures += failing.length;
  console.log(
    `| ${scenario.name} | ${mine.length} | ${sum((r) => r.kills)} | ${sum((r) => r.wordsAtKills.filter((w) => w > 0).length)} | ` +
      `${sum((r) => r.restored)} | ${sum((r) => r.replayed)} | ${sum((r) => r.damageReported)} | ` +
      `${diffs('missing')} | ${diffs('duplicates')} | ${failing.length === 0 ? 'none' : failing.join(', ')} |`,
  );
}
process.exitCode = failures === 0 ? 0 : 1;

function describeFailure(result: RunResult): string {
  if (result.error !== undefined) return result.error.split('\n').slice(0, 4).join(' / ');
  return Object.entries(result.differences)
    .filter(([, d]) => d.missing > 0 || d.duplicates > 0)
    .map(
      ([what, d]) => `${what}: ${d.missing} missing, ${d.duplicates} duplicated (${d.examples.join('; ')})`,
    )
    .join('; ');
}
