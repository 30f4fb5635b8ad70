/**
 * The crash test's long form: every combination (or those named) over many seeds, then a table
 * of runs, kills and differences. Needs the servers up; `npm run torture` starts them.
 *
 *   npm run torture -- [--seeds 50] [--first-seed 1] [--only kafka] [--lines 3000] [--kills 3]
 *                      [--parallel 2] [--out results.jsonl]
 *   npx tsx test/torture/main.ts --report results.jsonl     (the table of the runs a file holds)
 *
 * A failing seed is printed with its combination; `--only <name> --first-seed <seed> --seeds 1`
 * runs the same schedule again. `--out` appends each run's result to a file as it ends. Exits 1
 * if any run lost or duplicated a record.
 */
import { Command } from 'commander';
import { appendFile, readFile } from 'node:fs/promises';
import { passed, runScenario, type RunResult } from './harness.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const options = new Command()
  .option('--seeds <n>', 'seeds per combination', '50')
  .option('--first-seed <n>', 'the first seed (then +1 per run)', '1')
  .option('--only <text>', 'only combinations whose name contains this')
  .option('--lines <n>', 'lines the producer writes per run', '3000')
  .option('--kills <n>', 'SIGKILLs per run', '3')
  .option('--parallel <n>', 'runs at once (each on its own topic, stream, folders)', '2')
  .option('--out <file>', "append each run's result to this file (JSON lines)")
  .option('--report <file>', 'print the table of the results in this file, and run nothing')
  .parse()
  .opts<{
    seeds: string;
    firstSeed: string;
    only?: string;
    lines: string;
    kills: string;
    parallel: string;
    out?: string;
    report?: string;
  }>();

const scenarios = SCENARIOS.filter((s) => options.only === undefined || s.name.includes(options.only));

if (options.report !== undefined) {
  const text = await readFile(options.report, 'utf8');
  const results = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RunResult);
  const seeds = results.map((r) => r.seed);
  console.log(
    `Crash test: ${results.length} runs in ${options.report}, seeds ${Math.min(...seeds)} to ${Math.max(...seeds)}\n`,
  );
  process.exitCode = printTable(results) === 0 ? 0 : 1;
} else {
  await runAll();
}

async function runAll(): Promise<void> {
  const seeds = Number(options.seeds);
  const first = Number(options.firstSeed);
  const jobs: { scenario: Scenario; seed: number }[] = [];
  for (const scenario of scenarios) for (let i = 0; i < seeds; i++) jobs.push({ scenario, seed: first + i });
  const results: RunResult[] = [];
  const begun = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { scenario, seed } = jobs[next++] as { scenario: Scenario; seed: number };
      const result = await runScenario(scenario, {
        seed,
        lines: Number(options.lines),
        kills: Number(options.kills),
        log: (m) => console.error(m),
      });
      results.push(result);
      if (options.out !== undefined) await appendFile(options.out, JSON.stringify(result) + '\n');
      const verdict = passed(result) ? 'ok' : `FAILED ${describeFailure(result)}`;
      console.error(
        `${results.length}/${jobs.length} ${scenario.name} seed ${seed}: ${verdict} (${(result.ms / 1000).toFixed(1)} s)`,
      );
    }
  };
  await Promise.all(Array.from({ length: Number(options.parallel) }, () => worker()));
  const minutes = ((Date.now() - begun) / 60_000).toFixed(1);
  console.log(
    `\nCrash test: ${seeds} seeds per combination from ${first}, ${options.lines} lines, ` +
      `${options.kills} kills a run (${minutes} min)\n`,
  );
  process.exitCode = printTable(results) === 0 ? 0 : 1;
}

/** Prints a row per combination that has results; returns how many runs failed. */
function printTable(results: readonly RunResult[]): number {
  console.log(
    '| combination | runs | kills | kills while batches ran | restarts from a checkpoint | batches replayed | ' +
      'log damage found | missing | duplicates | failing seeds |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  let failures = 0;
  for (const scenario of scenarios) {
    const mine = results.filter((r) => r.scenario === scenario.name);
    if (mine.length === 0) continue;
    const sum = (f: (r: RunResult) => number): number => mine.reduce((n, r) => n + f(r), 0);
    const diffs = (key: 'missing' | 'duplicates'): number =>
      sum((r) => Object.values(r.differences).reduce((n, d) => n + d[key], 0));
    const failing = mine.filter((r) => !passed(r)).map((r) => r.seed);
    failures += failing.length;
    const midBatch = sum((r) => r.wordsAtKills.filter((w) => w > 0).length);
    console.log(
      `| ${scenario.name} | ${mine.length} | ${sum((r) => r.kills)} | ${midBatch} | ${sum((r) => r.restored)} | ` +
        `${sum((r) => r.replayed)} | ${sum((r) => r.damageReported)} | ${diffs('missing')} | ${diffs('duplicates')} | ` +
        `${failing.length === 0 ? 'none' : failing.join(', ')} |`,
    );
  }
  return failures;
}

function describeFailure(result: RunResult): string {
  if (result.error !== undefined) return result.error.split('\n').slice(0, 4).join(' / ');
  return Object.entries(result.differences)
    .filter(([, d]) => d.missing > 0 || d.duplicates > 0)
    .map(
      ([what, d]) => `${what}: ${d.missing} missing, ${d.duplicates} duplicated (${d.examples.join('; ')})`,
    )
    .join('; ');
}
