/**
 * SQL on micro-batches (issue 23): the same two aggregations per batch written three ways, at
 * 10k, 100k and 1M records a batch (10k and 100k with `--quick`):
 *
 * - word count: a stream of words; `SELECT value AS word, count(*) AS n FROM batch GROUP BY word`
 *   against `map(w => [w, 1]).reduceByKey(+)` and a `Map` loop;
 * - the tweets aggregation: scored tweets `{ user, location, topic, score }`; the mean score and
 *   count per (topic, location) in SQL, against `map` to `[key, [sum, n]]` and `reduceByKey`,
 *   and a `Map` loop.
 *
 * Each system runs the same batches (the same arrays) on a ManualClock; the time of a batch is the
 * wall time of the `clock.advance` that runs it, whole (its input, the query or operators, the
 * output collecting the rows); the median of the timed batches after two untimed ones is
 * reported. Every batch's result must equal the plain loop's (means to 1e-9).
 *
 * Spark SQL (`bench/baselines/spark`, `SqlRun.java`, Spark 3.5 `local[2]`) runs the same query on
 * the same batches (drawn by the same generator in Java, each an RDD of two partitions, all cached
 * before the run): `foreachRDD`, the RDD made a DataFrame, a temporary view `batch`, the
 * query, its rows collected; each batch's wall time on Spark's manual clock, medians as above,
 * and its rows checked against the plain loop's like the others'. Skipped (with the reason) when
 * the baseline cannot run, and in a quick run of every benchmark.
 */
import { ManualClock, StreamingContext, type DStream } from '../../lib/index.js';
import { SparkBaseline } from '../baselines/spark.js';
import { median, type BenchOptions, type BenchResult, type BenchRow, type SkippedSystem } from '../result.js';

type Tweet = { user: string; location: string; topic: string; score: number };
/** One result row of either query, as the check compares it: a key and its figures. */
type Figures = Map<string, readonly number[]>;

const SIZES = [10_000, 100_000, 1_000_000];
const QUICK_SIZES = [10_000, 100_000];
const UNTIMED = 2;
const TIMED = 5;

/** A deterministic pseudo-random sequence (so every run measures the same batches). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function wordBatch(size: number, seed: number): string[] {
  const next = random(seed);
  // a Zipf-like vocabulary of 20,000 words: a few very common, a long tail
  return Array.from({ length: size }, () => `w${Math.floor(20_000 * next() ** 3)}`);
}

function tweetBatch(size: number, seed: number): Tweet[] {
  const next = random(seed);
  const topics = ['politics', 'sports', 'music', 'tech', 'food'];
  return Array.from({ length: size }, () => ({
    user: `u${Math.floor(next() * 50_000)}`,
    location: `city${Math.floor(100 * next() ** 2)}`,
    topic: topics[Math.floor(next() * topics.length)] as string,
    score: Math.round((next() * 2 - 1) * 1000) / 1000,
  }));
}

interface Workload<T> {
  readonly name: 'wordcount' | 'tweets';
  readonly batch: (size: number, seed: number) => T[];
  readonly sql: (stream: DStream<T>) => DStream<Figures>;
  readonly dstream: (stream: DStream<T>) => DStream<Figures>;
  readonly plain: (records: readonly T[]) => Figures;
}

const collectRows = (
  rows: Record<string, unknown>[],
  key: (r: Record<string, unknown>) => string,
  figures: string[],
): Figures => new Map(rows.map((r) => [key(r), figures.map((f) => Number(r[f]))]));

const wordcount: Workload<string> = {
  name: 'wordcount',
  batch: wordBatch,
  sql: (s) =>
    s
      .sql('SELECT value AS word, count(*) AS n FROM batch GROUP BY word')
      .mapBatch((rows) => [collectRows(rows, (r) => r['word'] as string, ['n'])]),
  dstream: (s) =>
    s
      .map((w): [string, number] => [w, 1])
      .reduceByKey((a, b) => a + b)
      .mapBatch((pairs) => [new Map(pairs.map(([w, n]) => [w, [n]]))]),
  plain: (records) => {
    const counts = new Map<string, number>();
    for (const w of records) counts.set(w, (counts.get(w) ?? 0) + 1);
    return new Map([...counts].map(([w, n]) => [w, [n]]));
  },
};

const tweets: Workload<Tweet> = {
  name: 'tweets',
  batch: tweetBatch,
  sql: (s) =>
    s
      .sql('SELECT topic, location, avg(score) AS mood, count(*) AS n FROM batch GROUP BY topic, location', {
        schema: { user: 'VARCHAR', location: 'VARCHAR', topic: 'VARCHAR', score: 'DOUBLE' },
      })
      .mapBatch((rows) => [collectRows(rows, (r) => `${r['topic']}/${r['location']}`, ['mood', 'n'])]),
  dstream: (s) =>
    s
      .map((t): [string, [number, number]] => [`${t.topic}/${t.location}`, [t.score, 1]])
      .reduceByKey((a, b): [number, number] => [a[0] + b[0], a[1] + b[1]])
      .mapBatch((pairs) => [new Map(pairs.map(([k, [sum, n]]) => [k, [sum / n, n]]))]),
  plain: (records) => {
    const sums = new Map<string, [number, number]>();
    for (const t of records) {
      const key = `${t.topic}/${t.location}`;
      const acc = sums.get(key);
      if (acc) {
        acc[0] += t.score;
        acc[1]++;
      } else sums.set(key, [t.score, 1]);
    }
    return new Map([...sums].map(([k, [sum, n]]) => [k, [sum / n, n]]));
  },
};

/** Why `actual` differs from `expected`, or undefined when they agree (figures to 1e-9). */
function difference(actual: Figures | undefined, expected: Figures): string | undefined {
  if (!actual) return 'no result';
  if (actual.size !== expected.size) return `${actual.size} rows, expected ${expected.size}`;
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (!got || got.some((v, i) => Math.abs(v - (want[i] as number)) > 1e-9 * Math.max(1, Math.abs(v)))) {
      return `${key}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

/** Runs `build` over `batches` on a ManualClock; the wall time of each timed batch, ms, and the results. */
async function timeStream<T>(
  batches: T[][],
  build: (stream: DStream<T>) => DStream<Figures>,
): Promise<{ times: number[]; results: Figures[] }> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, logger: false, name: 'bench-sql' });
  const results: Figures[] = [];
  build(ssc.queueStream([...batches])).foreachBatch((out) => {
    results.push(out[0] as Figures);
  });
  await ssc.start();
  const times: number[] = [];
  for (let i = 0; i < batches.length; i++) {
    const start = performance.now();
    await clock.advance(1000);
    if (i >= UNTIMED) times.push(performance.now() - start);
  }
  await ssc.stop();
  await ssc.awaitTermination();
  return { times, results };
}

async function measure<T>(
  workload: Workload<T>,
  size: number,
  rows: BenchRow[],
  problems: string[],
  log: (line: string) => void,
  spark: SparkBaseline | undefined,
): Promise<Record<string, number>> {
  const batches = Array.from({ length: UNTIMED + TIMED }, (_, i) => workload.batch(size, 1 + i));
  const expected = batches.map(workload.plain);
  const plainTimes: number[] = [];
  for (const [i, batch] of batches.entries()) {
    const start = performance.now();
    workload.plain(batch);
    if (i >= UNTIMED) plainTimes.push(performance.now() - start);
  }
  const ms: Record<string, number> = { 'plain-js': median(plainTimes) };
  for (const system of ['sql', 'dstream'] as const) {
    const { times, results } = await timeStream(batches, workload[system]);
    ms[system] = median(times);
    for (const [i, want] of expected.entries()) {
      const problem = difference(results[i], want);
      if (problem) problems.push(`${workload.name} ${size} ${system} batch ${i + 1}: ${problem}`);
    }
  }
  if (spark) {
    const run = await spark.runSql(workload.name, size, batches.length);
    ms['spark-sql'] = median(run.processingMs.slice(UNTIMED));
    for (const [i, want] of expected.entries()) {
      const result = run.results[i];
      const problem = difference(result && new Map(Object.entries(result)), want);
      if (problem) problems.push(`${workload.name} ${size} spark-sql batch ${i + 1}: ${problem}`);
    }
  }
  const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
  for (const [system, value] of Object.entries(ms)) {
    rows.push({ system, metric: `${workload.name} ms/batch at ${label} records`, value });
  }
  log(
    `sql: ${workload.name} ${label}: sql ${ms['sql']?.toFixed(1)} ms, dstream ${ms['dstream']?.toFixed(1)} ms, ` +
      `plain ${ms['plain-js']?.toFixed(1)} ms${spark ? `, spark-sql ${ms['spark-sql']?.toFixed(1)} ms` : ''} ` +
      `(distinct keys ${expected[0]?.size})`,
  );
  return {
    [`sql / dstream (${workload.name}, ${label})`]: (ms['sql'] as number) / (ms['dstream'] as number),
    ...(spark
      ? {
          [`sql / spark-sql (${workload.name}, ${label})`]:
            (ms['sql'] as number) / (ms['spark-sql'] as number),
        }
      : {}),
  };
}

/** The run's Spark baseline (or one started here, closed by `close`), or why there is none. */
async function sparkBaseline(
  options: BenchOptions,
): Promise<{ baseline?: SparkBaseline; close: () => Promise<void>; skipped?: SkippedSystem }> {
  const skip = (reason: string) => ({
    close: async () => undefined,
    skipped: { system: 'spark-sql', reason },
  });
  try {
    if (!options.spark) {
      const own = await SparkBaseline.start(options.log);
      return { baseline: own, close: () => own.close() };
    }
    const provided = await options.spark();
    return 'skipped' in provided
      ? skip(provided.skipped)
      : { baseline: provided, close: async () => undefined };
  } catch (error) {
    return skip(error instanceof Error ? error.message : String(error));
  }
}

/** The entry point `bench/run.ts` calls. */
export default async function sql(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const rows: BenchRow[] = [];
  const problems: string[] = [];
  let ratios: Record<string, number> = {};
  const spark = await sparkBaseline(options);
  try {
    for (const size of options.quick ? QUICK_SIZES : SIZES) {
      ratios = { ...ratios, ...(await measure(wordcount, size, rows, problems, log, spark.baseline)) };
      ratios = { ...ratios, ...(await measure(tweets, size, rows, problems, log, spark.baseline)) };
    }
  } finally {
    await spark.close();
  }
  for (const problem of problems) log(`  MISMATCH ${problem}`);
  const at100k = ratios['sql / dstream (tweets, 100k)'];
  return {
    name: 'sql',
    rows,
    ratios,
    correct: problems.length === 0,
    ...(spark.skipped ? { skipped: [spark.skipped] } : {}),
    notes: [
      'per-batch wall time of the whole batch (input, query or operators, output); median of 5 batches after 2 untimed',
      `goal: SQL within 2x of the DStream operators at 100k records a batch; tweets at 100k: ${at100k?.toFixed(2)}x`,
      "spark-sql: Spark 3.5 local[2], foreachRDD -> createDataFrame(rdd, schema) -> temp view batch -> the same query -> collectAsList, spark.sql.shuffle.partitions 2; each batch an RDD of 2 partitions cached before the run (Kindling gets arrays made beforehand); wall time per batch on Spark's manual clock",
    ],
  };
}
