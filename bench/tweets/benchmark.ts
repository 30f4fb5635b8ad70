/**
 * Workload 4 of issue 7: the tweet pipeline. Each line of Twitter API JSON is parsed and scored
 * with `kindling/analytics`' SentimentScorer (`score.ts`), joined with its author's profile (a
 * static table of the showcase's users, looked up through a `Lookup`), and counted per
 * (location, sentiment) over a 10 s window sliding every 1 s, incrementally. Kindling runs it on
 * one core (inline) and on two (the scoring stage on a worker pool of 1 thread plus the main
 * thread; with the pool's default lookahead and without it), and on two cores again with every
 * profile request waiting a 5 ms round trip, as to a store across a network. A plain loop on the
 * main thread calls the same libraries; a plain loop on two threads (half of each batch posted to
 * a worker thread, by hand) is the practical limit of two cores. Batches run on a manual clock as
 * fast as they complete: after the untimed first ones, the timed batches all fall due at once and
 * queue up (pool start-up not timed); median of several runs after a warm-up. Every system's
 * per-window counts must agree. Targets: Kindling on 1 core ≥ 0.9× the plain loop; on 2 cores ≥
 * 1.6× on 1 core. Spark is not run: it has no equivalent of these JavaScript libraries, and
 * another scorer would not be the same workload.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import {
  ManualClock,
  StreamingContext,
  workerTask,
  type Lookup,
  type WorkersOption,
} from '../../lib/index.js';
import { median, type BenchOptions, type BenchResult, type BenchRow } from '../result.js';
import { DigestBuilder } from '../workload/digest.js';
import { targetNote } from '../workload/targets.js';
import { startWorker } from '../workload/ts-worker.js';
import { countTweets, windowKey } from './count.js';
import { loadLocations } from './locations.js';
import type { ScoredTweet } from './score.js';

const TWEETS = new URL('../../examples/tweets/data/sanders_tweets.jsonl', import.meta.url);
const SCORE = workerTask<string, ScoredTweet>(new URL('./score.ts', import.meta.url), 'scoreTweetLine');
const INTERVAL = 1000;
const WINDOW_BATCHES = 10;
/**
 * The share of every run's batches left out of its time (the first ones): the pool's threads
 * start with the context but `start()` does not wait for them, so the first batches also wait for
 * the threads to load their modules (tsx, natural's lexicons) and run cold code.
 */
export const UNTIMED_SHARE = 0.25;

/** How many of `batches` batches are left out of a run's time. */
export function untimedBatches(batches: number): number {
  return Math.max(2, Math.floor(batches * UNTIMED_SHARE));
}

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface TweetsSettings {
  /** Copies of the 4,460 tweets in one run. */
  readonly copies: number;
  /** Batches a run's tweets are cut into. */
  readonly batches: number;
  /** Measured runs of each system; the median is reported. */
  readonly runs: number;
  /** Whether each system first runs once untimed (JIT warm-up); `--quick` leaves it out. */
  readonly warmUp: boolean;
}

export const FULL: TweetsSettings = { copies: 10, batches: 30, runs: 5, warmUp: true };
export const QUICK: TweetsSettings = { copies: 1, batches: 10, runs: 1, warmUp: false };

/**
 * The round trip the slow-lookup rows add to every `getAll` (a store across a network), ms. It
 * shows what the pool's `lookahead` is for: the threads go on with the next batch's scoring while
 * the main thread waits on the store.
 */
const ROUND_TRIP_MS = 5;

/** The Kindling systems, by name (each a row of the table and a term of the ratios). */
const ONE_CORE = 'kindling 1 core (inline)';
const TWO_CORES = 'kindling 2 cores (pool 1 + main)';
const SLOW_LOOKUP = `kindling 2 cores, ${ROUND_TRIP_MS} ms lookup`;
const SLOW_LOOKUP_NO_LOOKAHEAD = `kindling 2 cores, ${ROUND_TRIP_MS} ms lookup, no lookahead`;

/**
 * The Kindling systems measured: a name, the context's `workers` option (`undefined`: inline),
 * and whether the profile lookup waits {@link ROUND_TRIP_MS} per request.
 */
const KINDLING: readonly {
  readonly system: string;
  readonly workers: WorkersOption | undefined;
  readonly roundTrip?: boolean;
}[] = [
  { system: ONE_CORE, workers: undefined },
  { system: TWO_CORES, workers: { threads: 1 } },
  { system: 'kindling 2 cores, no lookahead', workers: { threads: 1, lookahead: 0 } },
  { system: SLOW_LOOKUP, workers: { threads: 1 }, roundTrip: true },
  { system: SLOW_LOOKUP_NO_LOOKAHEAD, workers: { threads: 1, lookahead: 0 }, roundTrip: true },
];

/** A static table held in memory, as a `Lookup`; with `roundTrip`, each request first waits that long. */
function tableLookup(table: ReadonlyMap<string, string>, roundTrip = 0): Lookup<string, string> {
  return {
    name: 'profiles',
    getAll: async (keys) => {
      if (roundTrip > 0) await new Promise((resolve) => setTimeout(resolve, roundTrip));
      const found = new Map<string, string>();
      for (const key of keys) {
        const value = table.get(key);
        if (value !== undefined) found.set(key, value);
      }
      return found;
    },
  };
}

/** A run's wall time and the CPU time of all the process's threads over it (timed batches only). */
interface Timed {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly digests: string[];
}

function cpuOf(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

function digestOf(pairs: Iterable<readonly [string, number]>): string {
  const digest = new DigestBuilder();
  for (const [key, count] of pairs) if (count > 0) digest.add(key, count);
  return digest.toString();
}

/**
 * Kindling's pipeline over `batches`; returns the seconds its batches after the first
 * {@link untimedBatches} took, and each window's digest.
 */
async function kindlingRun(
  batches: readonly string[][],
  table: ReadonlyMap<string, string>,
  workers: WorkersOption | undefined,
  roundTrip: number,
): Promise<Timed> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: INTERVAL,
    clock,
    name: 'bench-tweets',
    ...(workers ? { workers } : {}),
  });
  const digests: string[] = [];
  ssc
    .queueStream(batches.slice())
    .parallel(SCORE)
    .enrich(
      tableLookup(table, roundTrip),
      (tweet) => tweet.userId,
      (tweet, location): [string, number] => [windowKey(tweet, location), 1],
    )
    .reduceByKeyAndWindow(
      (a, b) => a + b,
      (a, b) => a - b,
      WINDOW_BATCHES * INTERVAL,
      INTERVAL,
      { filter: ([, n]) => n > 0 },
    )
    .foreachBatch((pairs) => {
      digests.push(digestOf(pairs));
    });
  await ssc.start();
  const untimed = untimedBatches(batches.length);
  await clock.advance(untimed * INTERVAL);
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  // The timed batches are all due at once and queue up, as behind a slow batch on a real clock.
  await clock.advance((batches.length - untimed) * INTERVAL, { waitEachStep: false });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuSeconds = cpuOf(process.cpuUsage(cpu));
  await ssc.stop();
  await ssc.awaitTermination();
  return { seconds, cpuSeconds, digests };
}

/**
 * The plain loops' window over the per-batch counts: adds each batch's counts, takes out those of
 * the batch leaving it, and gives the window's digest.
 */
class PlainWindow {
  private readonly window = new Map<string, number>();
  private readonly perBatch: Map<string, number>[] = [];

  /** Adds a batch's counts; returns the digest of the window that ends with it. */
  add(counts: Map<string, number>): string {
    const { window, perBatch } = this;
    perBatch.push(counts);
    for (const [key, n] of counts) window.set(key, (window.get(key) ?? 0) + n);
    const leaving = perBatch.length - 1 - WINDOW_BATCHES;
    if (leaving >= 0)
      for (const [key, n] of perBatch[leaving] as Map<string, number>)
        window.set(key, (window.get(key) ?? 0) - n);
    for (const [key, n] of window) if (n <= 0) window.delete(key);
    return digestOf(window);
  }
}

/** Times a plain loop's batches after the first {@link untimedBatches} of them. */
async function timePlain(
  batches: readonly string[][],
  countBatch: (batch: readonly string[]) => Map<string, number> | Promise<Map<string, number>>,
): Promise<Timed> {
  let start = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  const digests: string[] = [];
  const window = new PlainWindow();
  for (const [n, batch] of batches.entries()) {
    if (n === untimedBatches(batches.length)) {
      start = process.hrtime.bigint();
      cpu = process.cpuUsage();
    }
    digests.push(window.add(await countBatch(batch)));
  }
  return {
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuSeconds: cpuOf(process.cpuUsage(cpu)),
    digests,
  };
}

/** The same work in a plain loop on the main thread (timed as {@link kindlingRun}). */
export function plainRun(batches: readonly string[][], table: ReadonlyMap<string, string>): Promise<Timed> {
  return timePlain(batches, (batch) => {
    const counts = new Map<string, number>();
    countTweets(batch, 0, batch.length, table, counts);
    return counts;
  });
}

/** Starts the worker thread of {@link plainRun2}; it loads its libraries before it answers. */
export function startPlainWorker(): Promise<Worker> {
  return startWorker(new URL('./plain-worker.ts', import.meta.url));
}

/**
 * The same work by hand on two threads, the practical limit of the pipeline on two cores: each
 * batch's first half is posted to a worker thread (`plain-worker.ts`) while the main thread scores
 * the second half; the worker's counts come back and the halves are added up. The thread is
 * `worker` (from {@link startPlainWorker}), which the benchmark starts once for all its runs, so
 * that its code is as warm as the main thread's; without one, a thread started (and its libraries
 * loaded) before the run and ended after it.
 */
export async function plainRun2(
  batches: readonly string[][],
  table: ReadonlyMap<string, string>,
  worker?: Worker,
): Promise<Timed> {
  const thread = worker ?? (await startPlainWorker());
  try {
    return await timePlain(batches, async (batch) => {
      const half = batch.length >> 1;
      const answer = once(thread, 'message');
      thread.postMessage(batch.slice(0, half));
      const mine = new Map<string, number>();
      countTweets(batch, half, batch.length, table, mine);
      const [counts] = (await answer) as [Map<string, number>];
      for (const [key, n] of mine) counts.set(key, (counts.get(key) ?? 0) + n);
      return counts;
    });
  } finally {
    if (!worker) await thread.terminate();
  }
}

/** The run's batches: the tweets' lines, `copies` times, cut into `batches` batches. */
export function buildBatches(settings: Pick<TweetsSettings, 'copies' | 'batches'>): {
  batches: string[][];
  tweets: number;
} {
  const lines = readFileSync(TWEETS, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  const all: string[] = [];
  for (let c = 0; c < settings.copies; c++) all.push(...lines);
  const perBatch = Math.ceil(all.length / settings.batches);
  const batches: string[][] = [];
  for (let i = 0; i < all.length; i += perBatch) batches.push(all.slice(i, i + perBatch));
  return { batches, tweets: all.length };
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runTweets(options: BenchOptions, settings?: TweetsSettings): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const { batches, tweets } = buildBatches(s);
  const table = loadLocations();
  log(`tweets: ${tweets} tweets in ${batches.length} batches, ${s.runs} runs per system`);
  const reference = (await plainRun(batches, table)).digests;
  const problems: string[] = [];
  const check = (who: string, digests: readonly string[]): void => {
    const n = digests.findIndex((d, i) => d !== reference[i]);
    if (digests.length !== reference.length || n >= 0)
      problems.push(`${who}: window ${n + 1} differs from the plain loop's`);
  };
  const times = new Map<string, number[]>();
  const cpuTimes = new Map<string, number[]>();
  // One worker thread for every run of the two-thread loop, started with its first.
  let plainWorker: Promise<Worker> | undefined;
  const systems: { system: string; run: () => Promise<Timed> }[] = [
    { system: 'plain-js', run: () => plainRun(batches, table) },
    {
      system: 'plain-js 2 threads',
      run: async () => plainRun2(batches, table, await (plainWorker ??= startPlainWorker())),
    },
    ...KINDLING.map(({ system, workers, roundTrip }) => ({
      system,
      run: () => kindlingRun(batches, table, workers, roundTrip ? ROUND_TRIP_MS : 0),
    })),
  ];
  try {
    if (s.warmUp) for (const { system, run } of systems) check(`${system} (warm-up)`, (await run()).digests);
    for (let r = 0; r < s.runs; r++) {
      for (const { system, run } of systems) {
        const { seconds, cpuSeconds, digests } = await run();
        check(system, digests);
        times.set(system, [...(times.get(system) ?? []), seconds]);
        cpuTimes.set(system, [...(cpuTimes.get(system) ?? []), cpuSeconds]);
        log(`  run ${r + 1}: ${system} ${seconds.toFixed(3)} s`);
      }
    }
  } finally {
    // A worker that failed to start failed its run already.
    await (await plainWorker?.catch(() => undefined))?.terminate();
  }
  const timed = batches.slice(untimedBatches(batches.length)).reduce((n, batch) => n + batch.length, 0);
  const rate = (system: string): number => timed / median(times.get(system) ?? [NaN]);
  const cpuPerThousand = (system: string): number => (median(cpuTimes.get(system) ?? [NaN]) / timed) * 1e6;
  const rows: BenchRow[] = systems.flatMap(({ system }) => [
    { system, metric: 'tweets/s', value: rate(system) },
    { system, metric: 'CPU ms per 1000 tweets (all threads)', value: cpuPerThousand(system) },
  ]);
  const ratios = {
    'kindling 1 core / plain-js (tweets/s)': rate(ONE_CORE) / rate('plain-js'),
    'kindling 2 cores / 1 core (tweets/s)': rate(TWO_CORES) / rate(ONE_CORE),
    'plain-js 2 threads / plain-js (tweets/s)': rate('plain-js 2 threads') / rate('plain-js'),
    'kindling 2 cores / plain-js 2 threads (tweets/s)': rate(TWO_CORES) / rate('plain-js 2 threads'),
    [`kindling 2 cores, ${ROUND_TRIP_MS} ms lookup: lookahead / none (tweets/s)`]:
      rate(SLOW_LOOKUP) / rate(SLOW_LOOKUP_NO_LOOKAHEAD),
    'kindling 1 core / plain-js (tweets per CPU second)':
      cpuPerThousand('plain-js') / cpuPerThousand(ONE_CORE),
  };
  for (const problem of problems) log(`  MISMATCH ${problem}`);
  return {
    name: 'tweets',
    rows,
    ratios,
    correct: problems.length === 0,
    skipped: [
      {
        system: 'spark',
        reason:
          'no JVM equivalent of the JavaScript sentiment libraries; another scorer would not be the same workload',
      },
    ],
    notes: [
      `parse + sentiment (kindling/analytics, natural) + profile lookup (in-memory table of ${table.size} users) + ${WINDOW_BATCHES} s window sliding 1 s; manual clock, batches as fast as they complete, the first ${untimedBatches(batches.length)} of each run's ${batches.length} untimed (worker start-up), the others queued at once; median of ${s.runs} runs${s.warmUp ? ' after a warm-up run' : ', no warm-up run (--quick)'}`,
      'plain-js 2 threads: the same loop by hand on two threads (half of each batch posted to a worker thread, started once for all the runs), the practical limit of two cores for this workload',
      `${ROUND_TRIP_MS} ms lookup: every profile request first waits ${ROUND_TRIP_MS} ms, as a store across a network would; the pool's lookahead lets the thread score the next batch meanwhile`,
      targetNote(
        'kindling 1 core / plain-js (wall time)',
        ratios['kindling 1 core / plain-js (tweets/s)'],
        0.9,
      ),
      targetNote(
        'kindling 1 core / plain-js (CPU time)',
        ratios['kindling 1 core / plain-js (tweets per CPU second)'],
        0.9,
      ),
      targetNote('kindling 2 cores / 1 core', ratios['kindling 2 cores / 1 core (tweets/s)'], 1.6),
    ],
    quick: options.quick,
  };
}

/** The entry point `bench/run.ts` calls. */
export default function tweetsBenchmark(options: BenchOptions): Promise<BenchResult> {
  return runTweets(options);
}
