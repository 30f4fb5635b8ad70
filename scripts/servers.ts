/**
 * The real servers that connector tests run against, on 127.0.0.1.
 *
 *   tsx scripts/servers.ts up [name...]          install (pinned, cached), start, wait until ready
 *   tsx scripts/servers.ts down [name...]        stop
 *   tsx scripts/servers.ts status [name...]      running and ready, or not
 *   tsx scripts/servers.ts run [name...] -- cmd  up, run cmd, then down even when cmd fails or
 *                                                 the run is interrupted (SIGINT, SIGTERM)
 *
 * With no names: every server. Logs go to .cache/servers/logs/<name>.log; when a server fails to
 * become ready, its last lines are printed. See scripts/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptInstall } from './servers/debian.js';
import { servers } from './servers/registry.js';
import type { ServerContext, ServerSpec } from './servers/spec.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.cache', 'servers');
const runDir = join(cacheDir, 'run');

function context(spec: Pick<ServerSpec, 'name' | 'env'>): ServerContext {
  const logFile = join(cacheDir, 'logs', `${spec.name}.log`);
  const env = Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, process.env[k] ?? v]));
  const output = (): number => {
    mkdirSync(dirname(logFile), { recursive: true });
    return openSync(logFile, 'a');
  };
  return {
    root,
    cacheDir,
    dataDir: join(cacheDir, 'data', spec.name),
    logFile,
    env,
    log: (message) => console.log(`[servers] ${spec.name}: ${message}`),
    run: (command, args, options = {}) =>
      new Promise((done, fail) => {
        const fd = output();
        const child = spawn(command, args, {
          cwd: options.cwd ?? root,
          env: { ...process.env, ...options.env },
          stdio: ['ignore', fd, fd],
        });
        child.on('error', fail);
        child.on('exit', (code) => {
          closeSync(fd);
          if (code === 0) done();
          else fail(new Error(`${command} ${args.join(' ')} exited with ${code}; see ${logFile}`));
        });
      }),
    spawn: (command, args, options = {}) => {
      const fd = output();
      const child = spawn(command, args, {
        cwd: options.cwd ?? root,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      child.unref();
      closeSync(fd);
      return child;
    },
  };
}

/** The last lines of a server's log, for a failure message. */
export function logTail(name: string, lines = 40): string {
  const file = join(cacheDir, 'logs', `${name}.log`);
  if (!existsSync(file)) return `(no log at ${file})`;
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Settings for a log line, with secrets (keys, passwords, tokens) masked. */
export function describeSettings(env: Readonly<Record<string, string>>): string {
  const secret = /SECRET|PASSWORD|TOKEN|KEY_ID|ACCESS_KEY/i;
  return Object.entries(env)
    .map(([k, v]) => `${k}=${secret.test(k) ? '***' : v}`)
    .join(' ');
}

const pidFile = (name: string): string => join(runDir, `${name}.pid`);

function running(name: string): number | undefined {
  if (!existsSync(pidFile(name))) return undefined;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** True when `spec`'s process is alive and its readiness probe answers. */
async function isUp(spec: ServerSpec): Promise<boolean> {
  return running(spec.name) !== undefined && (await spec.ready(context(spec)).catch(() => false));
}

async function waitReady(
  spec: ServerSpec,
  ctx: ServerContext,
  child: ChildProcess | undefined,
): Promise<void> {
  const deadline = Date.now() + spec.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`exited with code ${child.exitCode} while starting`);
    if (await spec.ready(ctx).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready after ${spec.readyTimeoutMs} ms`);
}

function up(spec: ServerSpec): Promise<void> {
  return bringUp(spec, false);
}

/** Starts `spec` and waits until ready; `keepData` keeps its data folder and log (a restart). */
async function bringUp(spec: ServerSpec, keepData: boolean): Promise<void> {
  const ctx = context(spec);
  if (await isUp(spec)) {
    ctx.log('already running');
    return;
  }
  await down(spec);
  if (!keepData) {
    rmSync(ctx.dataDir, { recursive: true, force: true });
    rmSync(ctx.logFile, { force: true });
  }
  mkdirSync(ctx.dataDir, { recursive: true });
  mkdirSync(runDir, { recursive: true });
  const started = Date.now();
  const child = await spec.start(ctx);
  if (child.pid !== undefined) writeFileSync(pidFile(spec.name), String(child.pid));
  try {
    await waitReady(spec, ctx, child);
  } catch (error) {
    console.error(
      `[servers] ${spec.name} failed to start: ${(error as Error).message}\n${logTail(spec.name)}`,
    );
    await down(spec);
    throw error;
  }
  ctx.log(`ready in ${Date.now() - started} ms (${describeSettings(ctx.env)})`);
}

async function down(spec: ServerSpec): Promise<void> {
  const ctx = context(spec);
  if (spec.stop) await spec.stop(ctx).catch(() => undefined);
  const pid = running(spec.name);
  if (pid !== undefined) {
    const signal = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const deadline = Date.now() + 15_000;
    while (running(spec.name) !== undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    signal('SIGKILL');
  }
  rmSync(pidFile(spec.name), { force: true });
}

/**
 * Stops a running server, waits `downMs`, and starts it again on the same data (for tests of a
 * lost server: topics, queues and offsets survive). Resolves once it is ready again.
 *
 * @example
 * await restartServer('kafka', 10_000); // the broker is away for 10 s
 */
export async function restartServer(name: string, downMs: number): Promise<void> {
  const [spec] = select([name]);
  if (!spec) throw new Error(`unknown server '${name}'`);
  await down(spec);
  await new Promise((r) => setTimeout(r, downMs));
  await bringUp(spec, true);
}

/**
 * For programs other than the test run (benchmarks): installs and starts those of `names` that
 * are not running and ready yet, and returns a function that stops only those it started (a
 * server someone else brought up stays up).
 *
 * @example
 * const release = await useServers(['kafka']);
 * try { await measure(); } finally { await release(); }
 */
export async function useServers(names: readonly string[]): Promise<() => Promise<void>> {
  const started: ServerSpec[] = [];
  const release = async (): Promise<void> => {
    await Promise.all(started.map(down));
  };
  try {
    for (const spec of select(names)) {
      const ctx = context(spec);
      if (await isUp(spec)) continue;
      await spec.install(ctx);
      started.push(spec);
      await up(spec);
    }
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

/**
 * Which of `names` are running and ready now (started by `up` or by a test run), without starting
 * any: for a quick benchmark run that measures only what needs no server start.
 *
 * @example
 * if ((await readyServers(['kafka'])).length === 0) console.log('kafka is not running');
 */
export async function readyServers(names: readonly string[]): Promise<string[]> {
  const ready: string[] = [];
  for (const spec of select(names)) if (await isUp(spec)) ready.push(spec.name);
  return ready;
}

/**
 * Installs a command-line tool from its Debian package unless `binary` is there (a benchmark's
 * baseline, say `kcat`); progress goes to `.cache/servers/logs/<pkg>.log`.
 *
 * @example
 * await installTool('kcat', '/usr/bin/kcat');
 */
export async function installTool(pkg: string, binary: string): Promise<void> {
  await aptInstall(context({ name: pkg, env: {} }), pkg, binary);
}

function select(names: readonly string[]): ServerSpec[] {
  if (names.length === 0) return [...servers];
  return names.map((name) => {
    const spec = servers.find((s) => s.name === name);
    if (!spec) throw new Error(`unknown server '${name}'; known: ${servers.map((s) => s.name).join(', ')}`);
    return spec;
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const dash = rest.indexOf('--');
  const names = dash === -1 ? rest : rest.slice(0, dash);
  const command = dash === -1 ? [] : rest.slice(dash + 1);
  const chosen = select(names);
  switch (verb) {
    case 'up':
      // Installs one after another (apt and Maven take locks), starts side by side.
      for (const spec of chosen) await spec.install(context(spec));
      await Promise.all(chosen.map(up));
      return 0;
    case 'down':
      await Promise.all(chosen.map(down));
      return 0;
    case 'status':
      for (const spec of chosen) {
        console.log(`${spec.name}: ${(await isUp(spec)) ? 'ready' : 'not running'}`);
      }
      return 0;
    case 'run': {
      if (command.length === 0) throw new Error('run needs a command after --');
      // Ctrl-C or a SIGTERM must not leave the servers (detached process groups) running: the
      // signal goes to the command, and the servers come down once it has ended.
      let child: ChildProcess | undefined;
      let interrupted: NodeJS.Signals | undefined;
      const forward = (signal: NodeJS.Signals): void => {
        interrupted = signal;
        child?.kill(signal);
      };
      process.on('SIGINT', forward).on('SIGTERM', forward);
      try {
        for (const spec of chosen) {
          if (interrupted) break;
          await spec.install(context(spec));
        }
        if (!interrupted) await Promise.all(chosen.map(up));
        if (interrupted) return 130;
        return await new Promise<number>((done) => {
          child = spawn(command[0] as string, command.slice(1), { stdio: 'inherit', cwd: root });
          child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
        });
      } finally {
        await Promise.all(chosen.map(down));
        process.off('SIGINT', forward).off('SIGTERM', forward);
      }
    }
    default:
      console.error('usage: tsx scripts/servers.ts up|down|status [name...] | run [name...] -- command');
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`[servers] ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
