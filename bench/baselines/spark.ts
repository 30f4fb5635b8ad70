/**
 * The Spark Streaming baseline of the streaming benchmarks: builds the Java program in
 * `bench/baselines/spark/` with Maven when needed (jars from Maven Central, cached in `~/.m2`;
 * the build output under the git-ignored `.cache/bench/spark/`), starts one JVM with a
 * `local[2]` SparkContext and the JDK 17 `--add-opens` flags, and runs the same {@link RunSpec}s
 * as Kindling over the same input file, the state benchmark's {@link StateRunSpec}s and the sql
 * benchmark's queries in Spark SQL. Without
 * `java` or `mvn` the baseline is unavailable and the benchmarks report Spark as skipped, with the
 * reason.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StateMeasured, StateRunSpec } from '../state/workload.js';
import type { Measured, RunSpec } from '../workload/run-spec.js';

const PROJECT = fileURLToPath(new URL('./spark/', import.meta.url));
const CACHE = fileURLToPath(new URL('../../.cache/bench/spark/', import.meta.url));
const JAR = join(CACHE, 'target', 'spark-baseline-0.1.0.jar');
const CLASSPATH = join(CACHE, 'classpath.txt');
/** Spark's own log (standard error of the JVM). */
export const SPARK_LOG = join(CACHE, 'spark.log');

/** The `--add-opens` list of Spark's `JavaModuleOptions`, which Spark 3.5 needs on JDK 17. */
export const JDK17_FLAGS: readonly string[] = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  ...[
    'java.base/java.lang',
    'java.base/java.lang.invoke',
    'java.base/java.lang.reflect',
    'java.base/java.io',
    'java.base/java.net',
    'java.base/java.nio',
    'java.base/java.util',
    'java.base/java.util.concurrent',
    'java.base/java.util.concurrent.atomic',
    'java.base/jdk.internal.ref',
    'java.base/sun.nio.ch',
    'java.base/sun.nio.cs',
    'java.base/sun.security.action',
    'java.base/sun.util.calendar',
    'java.security.jgss/sun.security.krb5',
  ].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`),
  '-Djdk.reflect.useDirectMethodHandle=false',
];

/** The first line `command -version`-style probing prints, or undefined when it is not installed. */
export function toolVersion(command: string, args: readonly string[]): string | undefined {
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  return `${probe.stdout}${probe.stderr}`
    .split('\n')
    .find((line) => line.trim().length > 0)
    ?.trim();
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the baseline if its jar or classpath is missing or older than its sources. Returns the
 * reason when it cannot be built (no `java`, no `mvn`, a failed build), or undefined when ready.
 */
export function buildSparkBaseline(log: (line: string) => void = () => undefined): string | undefined {
  if (!toolVersion('java', ['-version'])) return 'java is not installed (the Spark baseline needs JDK 17)';
  const fresh =
    existsSync(JAR) &&
    existsSync(CLASSPATH) &&
    statSync(JAR).mtimeMs >=
      Math.max(newestSource(join(PROJECT, 'src')), statSync(join(PROJECT, 'pom.xml')).mtimeMs);
  if (fresh) return undefined;
  if (!toolVersion('mvn', ['-v'])) return 'mvn is not installed (Maven builds the Spark baseline)';
  log('building the Spark baseline with Maven (the first build downloads Spark from Maven Central)');
  mkdirSync(CACHE, { recursive: true });
  const build = spawnSync(
    'mvn',
    ['-q', '-B', 'package', 'dependency:build-classpath', `-Dmdep.outputFile=${CLASSPATH}`],
    { cwd: PROJECT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (build.status !== 0) {
    const output = `${build.stdout}${build.stderr}`.trim().split('\n').slice(-5).join(' | ');
    return `the Maven build of bench/baselines/spark failed: ${output}`;
  }
  return undefined;
}

/** A running Spark baseline JVM, driven one command at a time. */
export class SparkBaseline {
  private readonly answers: AsyncIterator<string>;
  private busy: Promise<unknown> = Promise.resolve();
  private loadedFile: string | undefined;

  private constructor(
    private readonly jvm: ChildProcessWithoutNullStreams,
    /** Spark's version, as the JVM reported it. */
    readonly version: string,
    answers: AsyncIterator<string>,
  ) {
    this.answers = answers;
  }

  /**
   * Builds (if needed) and starts the baseline; resolves once its SparkContext is up. Rejects
   * with the reason when it cannot run.
   *
   * @example
   * const spark = await SparkBaseline.start();
   * const measured = await spark.run(file, spec);
   * await spark.close();
   */
  static async start(log: (line: string) => void = () => undefined): Promise<SparkBaseline> {
    const unavailable = buildSparkBaseline(log);
    if (unavailable) throw new Error(unavailable);
    const classpath = `${JAR}:${readFileSync(CLASSPATH, 'utf8').trim()}`;
    mkdirSync(CACHE, { recursive: true });
    // At most 4 GB of heap: about the heap limit of the Node process the benchmarks run in (4.1
    // GB by default on a 64-bit machine), which the state benchmark's millions of keys need.
    const jvm = spawn(
      'java',
      [...JDK17_FLAGS, '-Xms1g', '-Xmx4g', '-cp', classpath, 'kindling.bench.SparkBaseline'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    jvm.stderr.pipe(createWriteStream(SPARK_LOG));
    const answers = answerLines(jvm);
    const first = await answers.next();
    const ready = first.done ? undefined : parseAnswer(first.value);
    if (!ready || typeof ready['spark'] !== 'string') {
      jvm.kill();
      throw new Error(`the Spark baseline did not start; see ${SPARK_LOG}`);
    }
    return new SparkBaseline(jvm, ready['spark'], answers);
  }

  /**
   * Runs `spec` over the lines of `file` (the same file Kindling's side reads). With
   * `spec.checkpointMs` Spark checkpoints into `checkpointDir` (required then): its metadata
   * every batch, and the window of `windowed` every `checkpointMs`, without which Spark cannot
   * run an inverse-function window.
   */
  run(file: string, spec: RunSpec, checkpointDir?: string): Promise<Measured> {
    const checkpointMs = spec.checkpointMs ?? 0;
    if (spec.workload === 'windowed' && checkpointMs === 0) {
      return Promise.reject(
        new Error("Spark's inverse-function window always checkpoints: give the windowed run a checkpointMs"),
      );
    }
    if (checkpointMs > 0 && checkpointDir === undefined) {
      return Promise.reject(
        new Error(`a run with checkpointMs ${checkpointMs} needs a checkpoint directory`),
      );
    }
    return this.serially(async () => {
      if (this.loadedFile !== file) {
        await this.command(`load ${file}`);
        this.loadedFile = file;
      }
      const answer = await this.command(
        [
          'run',
          spec.workload,
          spec.clock,
          spec.intervalMs,
          spec.linesPerBatch,
          spec.batches,
          spec.windowMs ?? 0,
          checkpointMs,
          checkpointMs > 0 ? checkpointDir : '-',
        ].join(' '),
      );
      return answer as unknown as Measured;
    });
  }

  /**
   * Runs the state benchmark's `spec` on `mapWithState` (see `StateRun.java`): Spark always
   * checkpoints that state, into `checkpointDir`, every `spec.checkpointMs` (required here).
   */
  runState(spec: StateRunSpec, checkpointDir: string): Promise<StateMeasured> {
    if (spec.checkpointMs === undefined) {
      return Promise.reject(
        new Error("Spark's mapWithState always checkpoints its state: give the run a checkpointMs"),
      );
    }
    return this.serially(async () => {
      const answer = await this.command(
        [
          'state',
          spec.keys,
          spec.recordsPerBatch,
          spec.batches,
          spec.intervalMs,
          spec.timeoutMs ?? 0,
          spec.checkpointMs,
          checkpointDir,
        ].join(' '),
      );
      const bytes = answer['checkpointBytes'] as number[];
      return {
        processingMs: answer['processingMs'] as number[],
        emitted: answer['emitted'] as string[],
        finalDigest: answer['finalDigest'] as string,
        peakHeapBytes: answer['peakHeapBytes'] as number,
        retainedHeapBytes: answer['retainedHeapBytes'] as number,
        checkpoints: bytes.map((b) => ({ bytes: b })),
      };
    });
  }

  /**
   * Runs Spark SQL on `batches` batches of `size` records of the sql benchmark's `workload` (see
   * `SqlRun.java`: `foreachRDD`, a DataFrame, the same query): each batch's wall time, ms, and
   * its result rows as `{ key: figures }` (`word: [n]`, `topic/location: [mood, n]`).
   */
  runSql(
    workload: 'wordcount' | 'tweets',
    size: number,
    batches: number,
  ): Promise<{ processingMs: number[]; results: Record<string, number[]>[] }> {
    return this.serially(async () => {
      const answer = await this.command(['sql', workload, size, batches].join(' '));
      return {
        processingMs: answer['processingMs'] as number[],
        results: answer['results'] as Record<string, number[]>[],
      };
    });
  }

  /** Runs `work` once the commands before it have answered: the JVM takes one at a time. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.busy.then(work);
    this.busy = run.catch(() => undefined);
    return run;
  }

  /** Ends the JVM (`quit`, then a kill if it has not exited within 10 s). */
  async close(): Promise<void> {
    if (this.jvm.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.jvm.once('exit', () => resolve()));
    this.jvm.stdin.end('quit\n');
    const timer = setTimeout(() => this.jvm.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private async command(line: string): Promise<Record<string, unknown>> {
    this.jvm.stdin.write(`${line}\n`);
    const next = await this.answers.next();
    if (next.done) throw new Error(`the Spark baseline exited during '${line}'; see ${SPARK_LOG}`);
    return parseAnswer(next.value);
  }
}

/** The JVM's `RESULT`/`ERROR` lines, in order; other output is ignored. */
async function* answerLines(jvm: ChildProcessWithoutNullStreams): AsyncGenerator<string> {
  for await (const line of createInterface({ input: jvm.stdout })) {
    if (line.startsWith('RESULT ') || line.startsWith('ERROR ')) yield line;
  }
}

function parseAnswer(line: string): Record<string, unknown> {
  const body = JSON.parse(line.slice(line.indexOf(' ') + 1)) as Record<string, unknown>;
  if (line.startsWith('ERROR ')) throw new Error(`Spark baseline: ${String(body['message'])}`);
  return body;
}
