/**
 * The parallel benchmark: a CPU-heavy per-record stage (parse a tweet's API JSON, tokenise and
 * score its text: `score.ts`) over the showcase's tweets, cut into batches, run by Kindling
 * inline and on worker pools of 1 and 2 threads (with the main thread taking slices, the
 * default, and with the main thread only coordinating), beside a hand-written loop over the same
 * records on the main thread in the same run. Reports records per second of each (median of
 * several runs after a warm-up batch per context; pool start-up is not timed, as a pool starts
 * once with its context) and the ratios to inline; and, because the cores may be shared with
 * other work, the CPU time per record of all the process's threads (the cost of slicing and
 * cloning) and of its busiest thread (Linux). On free cores a run lasts at least as long as its
 * busiest thread, and as its CPU time shared out over the cores: the larger of the two, inline's
 * over a pool's, estimates the speed-up that pool would give on a machine of its own. Every output must equal the loop's, record
 * for record and in order.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ManualClock, StreamingContext, workerTask, type WorkersOption } from '../../lib/index.js';
import { median, type BenchOptions, type BenchResult, type BenchRow } from '../result.js';
import { scoreTweet, type ScoredTweet } from './score.js';
import { busiestThread, threadCpuSeconds } from './threads.js';

const TWEETS = new URL('../../examples/tweets/data/sanders_tweets.jsonl', import.meta.url);
const SCORE = workerTask<string, ScoredTweet>(new URL('./score.ts', import.meta.url), 'scoreTweet');

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface ParallelSettings {
  /** Copies of the 4,460 tweets in one run. */
  readonly copies: number;
  /** How many batches a run's records are cut into. */
  readonly batches: number;
  /** Measured runs of each system; the median is reported. */
  readonly runs: number;
}

export const FULL: ParallelSettings = { copies: 5, batches: 10, runs: 5 };
export const QUICK: ParallelSettings = { copies: 1, batches: 4, runs: 2 };

/** The systems measured: a name and the context's `workers` option (`undefined`: inline). */
export const SYSTEMS: readonly { readonly system: string; readonly workers: WorkersOption | undefined }[] = [
  { system: 'kindling inline', workers: undefined },
  { system: 'kindling pool 1 + main', workers: { threads: 1 } },
  { system: 'kindling pool 2 + main', workers: { threads: 2 } },
  { system: 'kindling pool 1, main idle', workers: { threads: 1, mainThread: false } },
  { system: 'kindling pool 2, main idle', workers: { threads: 2, mainThread: false } },
];

/** A run's input: the tweets' lines, `copies` times, cut into `batches` batches. */
export function buildBatches(settings: Pick<ParallelSettings, 'copies' | 'batches'>): string[][] {
  const lines = readFileSync(TWEETS, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  const all: string[] = [];
  for (let c = 0; c < settings.copies; c++) all.push(...lines);
  const perBatch = Math.ceil(all.length / settings.batches);
  const batches: string[][] = [];
  for (let i = 0; i < all.length; i += perBatch) batches.push(all.slice(i, i + perBatch));
  return batches;
}

/** The baseline: the same function over the same batches in a plain loop on the main thread. */
export function plainScore(batches: readonly string[][]): ScoredTweet[][] {
  return batches.map((batch) => {
    const out: ScoredTweet[] = [];
    for (let i = 0; i < batch.length; i++) out.push(scoreTweet(batch[i] as string));
    return out;
  });
}

/**
 * Runs the stage on one context with `workers`: a warm-up batch, then `runs` times the batches,
 * each run timed from its first batch to its last. Returns each run's seconds and outputs.
 */
export async function kindlingScore(
  workers: WorkersOption | undefined,
  batches: readonly string[][],
  runs: number,
): Promise<Timed & { outputs: ScoredTweet[][][] }> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    name: 'bench-parallel',
    ...(workers === undefined ? {} : { workers }),
  });
  const queue: string[][] = [batches[0] ?? []];
  for (let r = 0; r < runs; r++) queue.push(...batches);
  let collected: ScoredTweet[][] = [];
  ssc
    .queueStream(queue)
    .parallel(SCORE)
    .foreachBatch((records) => void collected.push(records));
  await ssc.start();
  try {
    await clock.advance(1000);
    const timed: Timed = { seconds: [], cpuSeconds: [], busiestSeconds: [] };
    const outputs: ScoredTweet[][][] = [];
    for (let r = 0; r < runs; r++) {
      collected = [];
      await time(timed, async () => {
        for (let b = 0; b < batches.length; b++) await clock.advance(1000);
      });
      outputs.push(collected);
    }
    return { ...timed, outputs };
  } finally {
    await ssc.stop();
    await ssc.awaitTermination();
  }
}

/**
 * Wall-clock and CPU seconds of each run: of all the process's threads, and of its busiest thread
 * (Linux only; empty elsewhere).
 */
export interface Timed {
  readonly seconds: number[];
  readonly cpuSeconds: number[];
  readonly busiestSeconds: number[];
}

/** Runs `work`, adding its wall-clock and CPU seconds to `timed`. */
async function time(timed: Timed, work: () => unknown): Promise<void> {
  const threads = threadCpuSeconds();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await work();
  timed.seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  const used = process.cpuUsage(cpu);
  timed.cpuSeconds.push((used.user + used.system) / 1e6);
  const after = threadCpuSeconds();
  if (threads && after) timed.busiestSeconds.push(busiestThread(threads, after));
}

/** Where two outputs first differ, or `undefined` when they are equal batch for batch, in order. */
export function compareOutputs(actual: ScoredTweet[][], expected: ScoredTweet[][]): string | undefined {
  if (actual.length !== expected.length) return `${actual.length} batches, expected ${expected.length}`;
  for (let b = 0; b < expected.length; b++) {
    const a = actual[b] as ScoredTweet[];
    const e = expected[b] as ScoredTweet[];
    if (a.length !== e.length) return `batch ${b + 1}: ${a.length} records, expected ${e.length}`;
    for (let i = 0; i < e.length; i++) {
      const x = a[i] as ScoredTweet;
      const y = e[i] as ScoredTweet;
      if (x.id !== y.id || x.user !== y.user || x.score !== y.score || x.tokens !== y.tokens) {
        return `batch ${b + 1}, record ${i + 1}: ${JSON.stringify(x)}, expected ${JSON.stringify(y)}`;
      }
    }
  }
  return undefined;
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runParallel(options: BenchOptions, settings?: ParallelSettings): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const batches = buildBatches(s);
  const records = batches.reduce((sum, b) => sum + b.length, 0);
  log(`parallel: ${records.toLocaleString('en-US')} tweets in ${batches.length} batches, ${s.runs} runs`);
  const problems: string[] = [];

  plainScore(batches.slice(0, 1)); // warm-up
  const plain: Timed = { seconds: [], cpuSeconds: [], busiestSeconds: [] };
  let expected: ScoredTweet[][] = [];
  for (let r = 0; r < s.runs; r++) await time(plain, () => (expected = plainScore(batches)));
  const rows: BenchRow[] = [];
  const busiest = new Map<string, number>();
  const cores = availableParallelism();
  const report = (system: string, timed: Timed): number => {
    const rate = records / median(timed.seconds);
    rows.push(
      { system, metric: 'records/s', value: rate },
      { system, metric: 'cpu µs/record', value: (median(timed.cpuSeconds) / records) * 1e6 },
    );
    if (timed.busiestSeconds.length > 0) {
      const value = (median(timed.busiestSeconds) / records) * 1e6;
      rows.push({ system, metric: 'busiest-thread cpu µs/record', value });
      // On free cores a run lasts at least as long as its busiest thread, and as its CPU time
      // spread over every core.
      busiest.set(system, Math.max(value, (median(timed.cpuSeconds) / records / cores) * 1e6));
    }
    const each = timed.seconds.map(
      (t, i) =>
        `${t.toFixed(3)} s (cpu ${timed.cpuSeconds[i]?.toFixed(3)} s, busiest thread ${timed.busiestSeconds[i]?.toFixed(2)} s)`,
    );
    log(`  ${system}: ${each.join(', ')}`);
    return rate;
  };
  const plainRate = report('plain-js', plain);

  const rates = new Map<string, number>();
  for (const { system, workers } of SYSTEMS) {
    const { outputs, ...timed } = await kindlingScore(workers, batches, s.runs);
    outputs.forEach((out, r) => {
      const problem = compareOutputs(out, expected);
      if (problem) problems.push(`${system} run ${r + 1}: ${problem}`);
    });
    rates.set(system, report(system, timed));
  }
  rows.push(
    { system: 'input', metric: 'records', value: records },
    { system: 'input', metric: 'batches', value: batches.length },
    { system: 'machine', metric: 'cores', value: cores },
  );

  for (const problem of problems) log(`  MISMATCH ${problem}`);
  const inline = rates.get('kindling inline') ?? Number.NaN;
  const ratios: Record<string, number> = {
    'kindling inline / plain-js (records/s)': inline / plainRate,
  };
  for (const [system, rate] of rates) {
    if (system !== 'kindling inline') ratios[`${system} / kindling inline (records/s)`] = rate / inline;
  }
  // The speed-up each pool would give on free cores, from the bounds above.
  const inlineBound = busiest.get('kindling inline');
  for (const [system, bound] of busiest) {
    if (inlineBound !== undefined && system !== 'kindling inline' && system !== 'plain-js') {
      ratios[`${system} / kindling inline (est. speed-up on ${cores} free cores)`] = inlineBound / bound;
    }
  }
  return { name: 'parallel', rows, ratios, correct: problems.length === 0 };
}

/** The entry point `bench/run.ts` calls. */
export default function parallel(options: BenchOptions): Promise<BenchResult> {
  return runParallel(options);
}
