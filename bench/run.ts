/**
 * `npm run bench [-- <name>...] [-- --quick]`: runs the benchmarks under `bench/` (each folder
 * with a `benchmark.ts`), prints a table per benchmark and writes `bench/results/<name>.json`.
 * Exits 1 when a benchmark's outputs disagree with its baseline, 2 on a bad argument.
 */
import { spawn } from 'node:child_process';
import { readdir, access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { SparkBaseline } from './baselines/spark.js';
import { writeReport } from './report.js';
import { formatTable, writeResult, type Benchmark, type SparkProvider } from './result.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const RESULTS_DIR = `${BENCH_DIR}results`;

const USAGE = `Usage: npm run bench [-- [--quick] [name ...]]
       npm run bench -- --report

Runs every benchmark under bench/ (or only those named), prints a table of
(system, metric, value) each, and writes bench/results/<name>.json. The
streaming benchmarks compare with Spark Streaming local[2], built with Maven
from bench/baselines/spark (reported as skipped, with the reason, without
java or mvn).

Options:
  --quick      small versions: with no names, every benchmark in about a
               minute, without Spark (its JVM start and fixed cost per batch
               alone take longer) and without starting servers (a benchmark
               whose servers are not running says so and is skipped; start
               them with npx tsx scripts/servers.ts up NAME, or name the
               benchmark); with names, small versions of those, with Spark
               and the servers they need
  --report     regenerate bench/RESULTS.md from bench/results/*.json (with
               the machine's description); after benchmarks when both given
  -h, --help   print this help
`;

/** The benchmarks found under `bench/`: folders with a `benchmark.ts`. */
async function available(): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(BENCH_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'results') continue;
    try {
      await access(`${BENCH_DIR}${entry.name}/benchmark.ts`);
      names.push(entry.name);
    } catch {
      // not a benchmark folder
    }
  }
  return names.sort();
}

/** Why a quick run of every benchmark has no Spark figures. */
const QUICK_WITHOUT_SPARK =
  'not run by --quick without names: its JVM start and fixed cost per batch alone take more than the minute the run aims at; name the benchmark, or run it without --quick';

/** One Spark baseline for the benchmarks of this process, started when one first asks for it. */
function sharedSpark(log: (line: string) => void): { provide: SparkProvider; close: () => Promise<void> } {
  let started: Promise<SparkBaseline | { skipped: string }> | undefined;
  return {
    provide: () =>
      (started ??= SparkBaseline.start(log).catch((error: unknown) => ({
        skipped: error instanceof Error ? error.message : String(error),
      }))),
    close: async () => {
      const baseline = await started;
      if (baseline instanceof SparkBaseline) await baseline.close();
    },
  };
}

/** Runs `bench/run.ts name ...flags` in a child process (same Node and loader); its exit code. */
function runAlone(name: string, flags: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), name, ...flags],
      {
        stdio: 'inherit',
      },
    );
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 2 : 0)));
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      // Internal: a child process of a quick run of every benchmark (no Spark, no server starts).
      smoke: { type: 'boolean', default: false },
      report: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.report && positionals.length === 0 && !values.quick) {
    console.log(`wrote ${await writeReport(BENCH_DIR)}`);
    return 0;
  }
  const all = await available();
  const unknown = positionals.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; available: ${all.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  // A quick run of everything is a one-minute look: no Spark, no server starts.
  const smoke = values.smoke || (values.quick && positionals.length === 0);
  const names = positionals.length > 0 ? positionals : all;
  if (names.length > 1) {
    // Each benchmark in a process of its own: run one after another in one process, the later
    // ones ran on engine code the earlier ones had made polymorphic (word count: 0.75x the plain
    // loop after the others, 0.95x alone).
    const started = Date.now();
    let failed = 0;
    for (const name of names) {
      const flags = [...(values.quick ? ['--quick'] : []), ...(smoke ? ['--smoke'] : [])];
      const code = await runAlone(name, flags);
      if (code !== 0) failed++;
    }
    console.log(`benchmarks took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (values.report) console.log(`wrote ${await writeReport(BENCH_DIR)}`);
    return failed === 0 ? 0 : 1;
  }
  let failed = 0;
  const log = (line: string): void => console.log(line);
  const spark = sharedSpark(log);
  const options = {
    quick: values.quick,
    log,
    spark: smoke ? () => Promise.resolve({ skipped: QUICK_WITHOUT_SPARK }) : spark.provide,
    servers: smoke ? ('running' as const) : ('start' as const),
  };
  const started = Date.now();
  try {
    for (const name of names) {
      const module = (await import(`./${name}/benchmark.ts`)) as { default: Benchmark };
      const measured = await module.default(options);
      const result = {
        ...measured,
        quick: measured.quick ?? values.quick,
        measuredAt: new Date().toISOString(),
        loadAverage: loadavg(),
      };
      console.log(formatTable(result));
      console.log(`wrote ${await writeResult(RESULTS_DIR, result)}\n`);
      if (!result.correct) failed++;
    }
  } finally {
    await spark.close();
  }
  console.log(`benchmarks took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (values.report) console.log(`wrote ${await writeReport(BENCH_DIR)}`);
  return failed === 0 ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
