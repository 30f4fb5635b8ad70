/**
 * The enrich benchmark: 1 million tweet-like records, in batches of 10 000, joined with 100 000
 * user profiles (`joinLookup(lookup, (t) => t.userId, { missing: 'keep' })`, a ManualClock
 * advanced batch after batch as fast as the engine goes) through three lookups: a local JSON
 * Lines file, MongoDB (the FerretDB test server) and HBase (the HBase test server); the servers
 * are started through `scripts/servers.ts` when they are not running, and stopped afterwards.
 *
 * Reports records per second of each join and the round trips it sent per batch, beside the
 * naive baseline measured in the same run: the same lookup asked once per record (`getAll` of one
 * key, one request each), over a sample of the first records (all of them for the file; the first
 * 1 000 for HBase, whose naive rate is per record and does not depend on the total).
 *
 * MongoDB is FerretDB 1.x on SQLite here, which evaluates `$in` (and any filter but `_id`
 * equality) by reading the whole collection: every `find` costs a scan of the 100 000 profiles,
 * whatever its number of keys. So the MongoDB join runs over the first 20 000 records only, with
 * one `find` per batch (`chunkSize` 10 000), and its naive baseline over 3 records; both rates are
 * per record, and say more about FerretDB's scan than about a MongoDB with an index.
 *
 * Every joined record, of the join and of the baseline, must carry its author's profile (or
 * nothing for the ~5% of authors without one).
 */
import { ManualClock, StreamingContext, type Lookup } from '../../lib/index.js';
import { readyServers, useServers } from '../../scripts/servers.js';
import type { BenchOptions, BenchResult, BenchRow, SkippedSystem } from '../result.js';
import { checkJoin, profiles, tweetBatches, type Profile, type Tweet } from './data.js';
import { fileStore, hbaseStore, mongoStore, type BenchStore } from './stores.js';

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface EnrichSettings {
  readonly records: number;
  readonly profiles: number;
  /** Authors are drawn from this many users; those past `profiles` have none. */
  readonly users: number;
  readonly batchSize: number;
  /** Records joined through each store (the first ones; MongoDB's test server is slow, see the summary). */
  readonly joined: Readonly<Record<StoreName, number>>;
  /** Records the naive baseline looks up one by one, per store. */
  readonly naive: Readonly<Record<StoreName, number>>;
  /** Keys per request of each store's join. */
  readonly chunkSize: Readonly<Record<StoreName, number>>;
}

type StoreName = 'file' | 'mongodb' | 'hbase';

export const FULL: EnrichSettings = {
  records: 1_000_000,
  profiles: 100_000,
  users: 105_000,
  batchSize: 10_000,
  joined: { file: 1_000_000, mongodb: 20_000, hbase: 1_000_000 },
  naive: { file: 1_000_000, mongodb: 3, hbase: 1000 },
  chunkSize: { file: 1000, mongodb: 10_000, hbase: 1000 },
};
export const QUICK: EnrichSettings = {
  records: 20_000,
  profiles: 5_000,
  users: 5_250,
  batchSize: 5_000,
  joined: { file: 20_000, mongodb: 5_000, hbase: 20_000 },
  naive: { file: 20_000, mongodb: 2, hbase: 100 },
  chunkSize: { file: 1000, mongodb: 10_000, hbase: 1000 },
};

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** The join in Kindling: every batch through `joinLookup`, the values kept in record order. */
async function kindlingJoin(
  batches: readonly Tweet[][],
  lookup: Lookup<string, unknown>,
  chunkSize: number,
): Promise<{ values: unknown[]; seconds: number }> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, logger: quiet, name: 'bench-enrich' });
  const values: unknown[] = [];
  ssc
    .queueStream(batches.slice())
    .joinLookup(lookup, (t) => t.userId, { missing: 'keep', timeoutMs: 300_000, chunkSize })
    .foreachBatch((pairs) => {
      for (const [, value] of pairs) values.push(value);
    });
  const start = process.hrtime.bigint();
  await ssc.start();
  try {
    for (let i = 0; i < batches.length; i++) await clock.advance(1000);
    return { values, seconds: seconds(start) };
  } finally {
    await ssc.stop();
    await ssc.awaitTermination();
  }
}

/** The naive baseline: one `getAll` of one key per record, one after another. */
async function naiveJoin(
  tweets: readonly Tweet[],
  lookup: Lookup<string, unknown>,
): Promise<{ values: unknown[]; seconds: number }> {
  const values: unknown[] = [];
  const start = process.hrtime.bigint();
  for (const tweet of tweets) values.push((await lookup.getAll([tweet.userId])).get(tweet.userId));
  return { values, seconds: seconds(start) };
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runEnrich(options: BenchOptions, settings?: EnrichSettings): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const table = profiles(s.profiles);
  const byId = new Map(table.map((p) => [p.id, p]));
  const batches = tweetBatches(s.records, s.batchSize, s.users);
  const tweets = batches.flat();
  const distinct = batches.reduce((n, b) => n + new Set(b.map((t) => t.userId)).size, 0) / batches.length;
  log(
    `enrich: ${s.records.toLocaleString('en-US')} records in ${batches.length} batches ` +
      `(~${Math.round(distinct)} distinct authors each), ${s.profiles.toLocaleString('en-US')} profiles`,
  );
  const rows: BenchRow[] = [];
  const ratios: Record<string, number> = {};
  const problems: string[] = [];
  const makers: Record<StoreName, (t: readonly Profile[], chunkSize: number) => Promise<BenchStore>> = {
    file: fileStore,
    mongodb: mongoStore,
    hbase: hbaseStore,
  };
  const needs: Record<StoreName, string | undefined> = {
    file: undefined,
    mongodb: 'ferretdb',
    hbase: 'hbase',
  };
  const wanted = Object.values(needs).filter((server) => server !== undefined);
  const usable = options.servers === 'running' ? await readyServers(wanted) : wanted;
  const skipped: SkippedSystem[] = [];
  // useServers([]) would mean every server.
  const release = usable.length > 0 ? await useServers(usable) : async (): Promise<void> => undefined;
  try {
    for (const name of Object.keys(makers) as StoreName[]) {
      const server = needs[name];
      if (server !== undefined && !usable.includes(server)) {
        const reason = `${server} is not running and this run starts no server: start it with npx tsx scripts/servers.ts up ${server}, or run npm run bench -- --quick enrich`;
        log(`  ${name}: skipped: ${reason}`);
        skipped.push({ system: `kindling joinLookup, ${name}`, reason });
        continue;
      }
      const loadStart = process.hrtime.bigint();
      const store = await makers[name](table, s.chunkSize[name]);
      log(`  ${name}: ${s.profiles} profiles stored in ${seconds(loadStart).toFixed(1)} s`);
      try {
        const joinedBatches = batches.slice(0, Math.ceil(s.joined[name] / s.batchSize));
        const joinedTweets = joinedBatches.flat();
        const before = store.roundTrips();
        const join = await kindlingJoin(joinedBatches, store.lookup, s.chunkSize[name]);
        const after = store.roundTrips();
        const joinProblem = checkJoin(joinedTweets, join.values, byId);
        if (joinProblem) problems.push(`kindling ${name}: ${joinProblem}`);

        const sample = tweets.slice(0, s.naive[name]);
        const naiveBefore = store.roundTrips();
        const naive = await naiveJoin(sample, store.lookup);
        const naiveAfter = store.roundTrips();
        const naiveProblem = checkJoin(sample, naive.values, byId);
        if (naiveProblem) problems.push(`naive ${name}: ${naiveProblem}`);

        const joinRate = joinedTweets.length / join.seconds;
        const naiveRate = sample.length / naive.seconds;
        rows.push({
          system: `kindling joinLookup, ${name}`,
          metric: `records/s (${joinedTweets.length} records)`,
          value: joinRate,
        });
        rows.push({
          system: `naive per record, ${name}`,
          metric: `records/s (first ${sample.length} records)`,
          value: naiveRate,
        });
        if (before !== undefined && after !== undefined) {
          rows.push({
            system: `kindling joinLookup, ${name}`,
            metric: 'round trips per batch',
            value: (after - before) / joinedBatches.length,
          });
        }
        if (naiveBefore !== undefined && naiveAfter !== undefined) {
          rows.push({
            system: `naive per record, ${name}`,
            metric: 'round trips per batch',
            value: ((naiveAfter - naiveBefore) / sample.length) * s.batchSize,
          });
        }
        ratios[`kindling / naive, ${name} (records/s)`] = joinRate / naiveRate;
        log(
          `  ${name}: kindling ${Math.round(joinRate).toLocaleString('en-US')} records/s, ` +
            `naive ${Math.round(naiveRate).toLocaleString('en-US')} records/s`,
        );
      } finally {
        await store.close();
      }
    }
  } finally {
    await release();
  }
  for (const problem of problems) log(`  MISMATCH ${problem}`);
  rows.push(
    { system: 'input', metric: 'records', value: s.records },
    { system: 'input', metric: 'records per batch', value: s.batchSize },
    { system: 'input', metric: 'distinct authors per batch', value: distinct },
    { system: 'input', metric: 'profiles', value: s.profiles },
  );
  return {
    name: 'enrich',
    rows,
    ratios,
    correct: problems.length === 0,
    ...(skipped.length > 0 ? { skipped } : {}),
  };
}

/** The entry point `bench/run.ts` calls. */
export default function enrich(options: BenchOptions): Promise<BenchResult> {
  return runEnrich(options);
}
