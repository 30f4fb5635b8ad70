/**
 * One run of the crash test: a producer writes numbered lines to a real source the whole time,
 * while the job (a real process, `job.ts`) is killed with SIGKILL at moments drawn from the seed
 * and restarted; then the job runs until every line is counted and stops gracefully, and its
 * final state and every output are compared with what exactly-once processing gives.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { JobConfig, JobEvent } from './config.js';
import { makeInput } from './inputs.js';
import { makeOutputs } from './outputs.js';
import { BATCH_INTERVAL, type Scenario } from './scenarios.js';
import {
  WORDS_PER_LINE,
  compareCounts,
  compareIds,
  makeLines,
  random,
  wordCounts,
  type Difference,
} from './workload.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** How big a run is. */
export interface RunOptions {
  readonly seed: number;
  /** Lines the producer writes in all. */
  readonly lines: number;
  /** SIGKILLs before the final run. */
  readonly kills: number;
  /** Progress lines, for the long form. */
  readonly log?: (message: string) => void;
}

/** What a run found. */
export interface RunResult {
  readonly scenario: string;
  readonly seed: number;
  /** Job processes started, and how many of them were killed. */
  readonly runs: number;
  readonly kills: number;
  /** Restarts that resumed from a checkpoint, and batches replayed from the batch log in all. */
  readonly restored: number;
  readonly replayed: number;
  /** Words the job had counted when each kill landed (0: before its first batch of that run). */
  readonly wordsAtKills: readonly number[];
  /** Damage the job found in its write-ahead log and reported (`writeAheadLogDamaged`). */
  readonly damageReported: number;
  /** The final state's and each output's difference from exactly once. */
  readonly differences: Readonly<Record<string, Difference>>;
  /** For the every-checkpoint-corrupt case: the refusal the job printed, if it refused. */
  readonly refusal?: string;
  /** What went wrong outside the comparison (a job that failed on its own), if anything. */
  readonly error?: string;
  readonly ms: number;
}

/** True when a run found no loss, no duplicate and no other failure. */
export function passed(result: RunResult): boolean {
  if (result.error !== undefined) return false;
  return Object.values(result.differences).every((d) => d.missing === 0 && d.duplicates === 0);
}

/**
 * Runs `scenario` once with `options.seed`; see the file summary. A run that could not be set up
 * (a server that did not answer) comes back with `error` set, as a failed run.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  try {
    return await runOnce(scenario, options);
  } catch (error) {
    return {
      scenario: scenario.name,
      seed: options.seed,
      runs: 0,
      kills: 0,
      restored: 0,
      replayed: 0,
      wordsAtKills: [],
      damageReported: 0,
      differences: {},
      error: `the run could not be set up: ${(error as Error).message}`,
      ms: 0,
    };
  }
}

async function runOnce(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const rand = random(options.seed);
  const lines = makeLines(options.lines, rand);
  const expected = wordCounts(lines);
  const totalWords = options.lines * WORDS_PER_LINE;
  const vocabulary = Array.from({ length: 40 }, (_, i) => `w${i}`);
  const dir = await mkdtemp(join(tmpdir(), 'kindling-torture-'));
  const input = await makeInput(scenario.source, dir, scenario.commit ?? 'kafka');
  const outputs = await makeOutputs(scenario.outputs, dir, vocabulary);
  const config: JobConfig = {
    name: 'torture',
    source: input.config,
    outputs: outputs.config,
    checkpointDir: join(dir, 'checkpoints'),
    batchInterval: BATCH_INTERVAL,
    ...(scenario.checkpointInterval === undefined ? {} : { checkpointInterval: scenario.checkpointInterval }),
    stateFile: join(dir, 'state.json'),
    rollBatches: 3,
  };
  const log = options.log ?? (() => undefined);
  let runs = 0;
  let kills = 0;
  let restored = 0;
  let replayed = 0;
  let damageReported = 0;
  const wordsAtKills: number[] = [];
  let stderr = '';
  /** Every run's stderr, in the run's folder (kept when the run fails). */
  let logged: Promise<unknown> = writeFile(join(dir, 'jobs.log'), '');

  /** Starts the job; `onEvent` sees each line it prints. Resolves with its exit. */
  const run = (onEvent: (event: JobEvent, kill: (signal: NodeJS.Signals) => void) => void) => {
    runs++;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/torture/job.ts'), JSON.stringify(config)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      },
    );
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-6000);
      logged = logged.then(() => appendFile(join(dir, 'jobs.log'), chunk)).catch(() => undefined);
    });
    const kill = (signal: NodeJS.Signals): void => void child.kill(signal);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    void (async () => {
      for await (const line of createInterface({ input: child.stdout })) {
        let event: JobEvent;
        try {
          event = JSON.parse(line) as JobEvent;
        } catch {
          continue; // a line a library printed
        }
        if (event.type === 'restored') {
          restored++;
          replayed += event.replayed;
        }
        if (event.type === 'damaged') damageReported++;
        onEvent(event, kill);
      }
    })();
    return exited;
  };

  // The producer writes the whole time: chunks of 40 lines, one every 100 ms.
  const chunk = 40;
  let produced = 0;
  const producing = (async () => {
    for (let n = 0; produced < lines.length; n++) {
      const next = lines.slice(produced, produced + chunk);
      await input.write(n, next);
      produced += next.length;
      await sleep(100);
    }
  })();

  const differences: Record<string, Difference> = {};
  let error: string | undefined;
  let refusal: string | undefined;
  try {
    for (let k = 0; k < options.kills; k++) {
      // Mostly while batches run (a moment after the run's first batch with words counted); one
      // later kill in five while the job is still starting (restoring, replaying, connecting).
      // The first always lands mid-stream, so the damage after it has a log to damage.
      const early = k > 0 && rand() < 0.2;
      const delay = early ? Math.floor(rand() * 1500) : Math.floor(rand() * 2500);
      let words = 0;
      let armed = false;
      const exit = await run((event, kill) => {
        if (event.type === 'batch') words = event.words;
        const moment = early ? event.type === 'started' : event.type === 'batch' && event.words > 0;
        if (moment && !armed) {
          armed = true;
          setTimeout(() => kill('SIGKILL'), delay);
        }
      });
      if (exit.signal !== 'SIGKILL') throw new Error(`run ${runs} ended by itself (${JSON.stringify(exit)})`);
      kills++;
      wordsAtKills.push(words);
      const when = early ? 'after its start' : 'after its first counting batch';
      log(
        `  ${scenario.name} seed ${options.seed}: killed run ${runs} ${delay} ms ${when}, ${words} words counted`,
      );
      if (k === 0) await damage(scenario, config.checkpointDir, rand);
      if (k === 0 && scenario.fault === 'checkpoints-corrupt') {
        const exit = await run(() => undefined);
        refusal = /every checkpoint in .*/.exec(stderr)?.[0];
        const refused =
          exit.code !== 0 && refusal !== undefined && refusal.includes('discardUnreadableCheckpoints');
        differences.refusal = refused
          ? { missing: 0, duplicates: 0, examples: [] }
          : {
              missing: 1,
              duplicates: 0,
              examples: [`the job did not refuse (exit ${JSON.stringify(exit)})`],
            };
        return result();
      }
    }
    await producing;
    // The final run: until the state holds every word, then a graceful stop.
    let stopping = false;
    let last = Date.now();
    let counted = 0;
    const exit = await run((event, kill) => {
      if (event.type !== 'batch' || stopping) return;
      if (event.words !== counted) last = Date.now();
      counted = event.words;
      // Done, or counted past the end (duplicates), or stuck (losses): the comparison says which.
      if (counted >= totalWords || Date.now() - last > 30_000) {
        stopping = true;
        kill('SIGTERM');
      }
    });
    if (exit.code !== 0) throw new Error(`the final run exited with ${JSON.stringify(exit)}`);
    const final = JSON.parse(await readFile(config.stateFile, 'utf8')) as Record<
      'updateStateByKey' | 'mapWithState',
      [string, number][]
    >;
    differences.state = compareCounts(new Map(final.updateStateByKey), expected);
    differences.mapWithState = compareCounts(new Map(final.mapWithState), expected);
    for (const [kind, read] of outputs.read) {
      const written = await read();
      differences[kind] =
        written.kind === 'ids'
          ? compareIds(written.ids, lines.length)
          : compareCounts(written.counts, expected);
    }
  } catch (thrown) {
    error = `${(thrown as Error).message}\n${stderr.slice(-3000)}`;
  } finally {
    await producing.catch(() => undefined);
    await input.close().catch(() => undefined);
    await logged;
    if (
      error === undefined &&
      Object.values(differences).every((d) => d.missing === 0 && d.duplicates === 0)
    ) {
      await rm(dir, { recursive: true, force: true });
      const removed = await Promise.allSettled([input.remove(), outputs.remove()]);
      for (const r of removed) {
        if (r.status === 'rejected') log(`  could not remove what the run made: ${String(r.reason)}`);
      }
    } else {
      log(`  kept ${dir}, and its topics, stream, database and table, for a look`);
    }
  }
  return result();

  function result(): RunResult {
    return {
      scenario: scenario.name,
      seed: options.seed,
      runs,
      kills,
      restored,
      replayed,
      wordsAtKills,
      damageReported,
      differences,
      ...(refusal === undefined ? {} : { refusal }),
      ...(error === undefined ? {} : { error }),
      ms: Date.now() - started,
    };
  }
}

/** The scenario's damage, done while the job is down after its first kill. */
async function damage(scenario: Scenario, checkpointDir: string, rand: () => number): Promise<void> {
  switch (scenario.fault) {
    case 'none':
      return;
    case 'checkpoints-corrupt': {
      for (const name of await readdir(checkpointDir)) {
        if (name.startsWith('checkpoint-'))
          await writeFile(join(checkpointDir, name), 'bits flipped at rest');
      }
      return;
    }
    case 'wal-mid-segment':
    case 'wal-tail': {
      const logDir = join(checkpointDir, 'received', 'input');
      const segments = (await readdir(logDir)).filter((n) => n.startsWith('log-')).sort();
      const sizes = await Promise.all(segments.map(async (n) => (await stat(join(logDir, n))).size));
      const candidates = segments.filter((_, i) => (sizes[i] ?? 0) > 64);
      if (candidates.length === 0) return;
      if (scenario.fault === 'wal-tail') {
        // A torn append: a copy of the newest segment's first frame cut short, at its end.
        const newest = join(logDir, candidates.at(-1) as string);
        const head = Buffer.alloc(40);
        const file = await open(newest, 'r');
        await file.read(head, 0, 40, 0);
        await file.close();
        await appendFile(newest, head.subarray(0, 20 + Math.floor(rand() * 20)));
        return;
      }
      // Two bytes flipped at rest, somewhere in the middle of a segment.
      const name = candidates[Math.floor(rand() * candidates.length)] as string;
      const path = join(logDir, name);
      const size = (await stat(path)).size;
      const at = Math.floor(size * (0.1 + 0.8 * rand()));
      const file = await open(path, 'r+');
      const bytes = Buffer.alloc(2);
      await file.read(bytes, 0, 2, at);
      await file.write(Buffer.from([(bytes[0] ?? 0) ^ 0x5a, (bytes[1] ?? 0) ^ 0xa5]), 0, 2, at);
      await file.close();
      return;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
