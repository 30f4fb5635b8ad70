/**
 * Jupyter with the TypeScript kernel tslab, to run the notebooks as a user's Jupyter runs them.
 *
 *   tsx scripts/jupyter.ts install                 install (pinned, cached) and build; prints how to open Jupyter
 *   tsx scripts/jupyter.ts execute NOTEBOOK OUT    run a notebook in Jupyter (nbconvert), saving it to OUT
 *
 * `install` puts nbconvert and its dependencies (`jupyter/requirements.txt`) in a virtualenv at
 * `.cache/jupyter/venv`, tslab and its dependencies (`jupyter/package-lock.json`) at
 * `.cache/tslab`, and the kernelspec `tslab` (what `tslab install --prefix` writes, with this
 * Node) in the venv; each is skipped when what is there was installed from the same pins.
 *
 * Notebooks import `kindling` as an installed package, and tslab resolves it as TypeScript's
 * `moduleResolution: node10` does, with compiler options of its own (no tsconfig is read, so no
 * `paths`): from a `node_modules/kindling` folder, its types through package.json's `types` and
 * `typesVersions`. So `install` links `notebooks/node_modules/kindling` to the repository, and
 * builds `dist/` (`npm run build`) when a source is newer than it; the code then loads from
 * `dist/` through package.json's `exports`, as it does for a user.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pins = join(root, 'scripts', 'jupyter');
const venv = join(root, '.cache', 'jupyter', 'venv');
const tslabDir = join(root, '.cache', 'tslab');
const exec = promisify(execFile);

/** The environment Jupyter runs in: this project's kernelspec first, no user configuration. */
export function jupyterEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    JUPYTER_PATH: join(venv, 'share', 'jupyter'),
    JUPYTER_CONFIG_DIR: join(root, '.cache', 'jupyter', 'config'),
    JUPYTER_RUNTIME_DIR: join(root, '.cache', 'jupyter', 'runtime'),
    JUPYTER_PLATFORM_DIRS: '1',
  };
}

async function run(command: string, args: readonly string[], cwd = root): Promise<void> {
  try {
    await exec(command, args, { cwd, env: jupyterEnv(), maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

/** Runs `install` unless `stamp` holds the hash of `inputs` (what it was installed from). */
async function once(stamp: string, inputs: readonly string[], install: () => Promise<void>): Promise<void> {
  const hash = createHash('sha256');
  for (const input of inputs) hash.update(readFileSync(input));
  const digest = hash.digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  await install();
  writeFileSync(stamp, digest);
}

/**
 * `python3 -m venv`. Debian's own python3 has the module only with its package python3-venv,
 * which is installed then (as root, as on the project's machines) and the venv made again.
 */
async function makeVenv(): Promise<void> {
  try {
    await run('python3', ['-m', 'venv', venv]);
  } catch (error) {
    if (!existsSync('/usr/bin/apt-get')) throw error;
    console.log('[jupyter] python3 -m venv failed: installing the Debian package python3-venv');
    rmSync(venv, { recursive: true, force: true });
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await exec('apt-get', ['update'], { env });
    await exec('apt-get', ['install', '-y', '--no-install-recommends', 'python3-venv'], { env });
    await run('python3', ['-m', 'venv', venv]);
  }
}

/** nbconvert (with jupyter_client and nbclient) in `.cache/jupyter/venv`. */
async function installJupyter(): Promise<void> {
  const requirements = join(pins, 'requirements.txt');
  await once(join(venv, '.kindling-installed'), [requirements], async () => {
    rmSync(venv, { recursive: true, force: true });
    await makeVenv();
    await run(join(venv, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '-r',
      requirements,
    ]);
  });
}

/** tslab in `.cache/tslab`, from its lock file, and its kernelspec in the venv. */
async function installTslab(): Promise<void> {
  const files = ['package.json', 'package-lock.json'];
  await once(
    join(tslabDir, '.kindling-installed'),
    files.map((file) => join(pins, file)),
    async () => {
      rmSync(tslabDir, { recursive: true, force: true });
      mkdirSync(tslabDir, { recursive: true });
      for (const file of files) cpSync(join(pins, file), join(tslabDir, file));
      await run('npm', ['ci', '--no-audit', '--no-fund'], tslabDir);
    },
  );
  const kernel = join(venv, 'share', 'jupyter', 'kernels', 'tslab');
  mkdirSync(kernel, { recursive: true });
  const tslab = join(tslabDir, 'node_modules', 'tslab', 'bin', 'tslab');
  const spec = {
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
  };
  writeFileSync(join(kernel, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
}

/** The files `npm run build` compiles (tsconfig.build.json's), with the configuration itself. */
function buildInputs(): string[] {
  const config = join(root, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(config, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  return [config, join(root, 'tsconfig.json'), join(root, 'package.json'), ...(parsed?.fileNames ?? [])];
}

/** Runs `npm run build` when `dist/` is missing or older than a file it is built from. */
export async function buildIfStale(): Promise<void> {
  const built = join(root, 'dist', 'lib', 'index.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const stale = buildInputs().find((file) => statSync(file).mtimeMs > builtAt);
  if (stale === undefined) return;
  console.log(`[jupyter] npm run build (${relative(root, stale)} is newer than dist/)`);
  await run('npm', ['run', 'build']);
}

/** `notebooks/node_modules/kindling`, a link to the repository: `kindling` as if installed. */
function linkPackage(): void {
  const link = join(root, 'notebooks', 'node_modules', 'kindling');
  if (existsSync(join(link, 'package.json'))) return;
  rmSync(link, { force: true });
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(join('..', '..'), link, 'dir');
}

let installing: Promise<void> | undefined;

/**
 * Installs Jupyter, tslab and its kernelspec, links `kindling` and builds it when stale; once per
 * process (notebooks run side by side share it).
 */
export function installJupyterKernel(): Promise<void> {
  installing ??= (async () => {
    await installJupyter();
    await installTslab();
    linkPackage();
    await buildIfStale();
  })();
  return installing;
}

/**
 * Runs every cell of `notebook` in Jupyter with the tslab kernel (`jupyter nbconvert --execute`)
 * and saves the executed notebook to `out`; rejects with the failing cell and its error.
 */
export async function executeNotebook(notebook: string, out: string, timeoutSeconds = 120): Promise<void> {
  mkdirSync(dirname(out), { recursive: true });
  try {
    await run(join(venv, 'bin', 'jupyter'), [
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      `--ExecutePreprocessor.timeout=${timeoutSeconds}`,
      '--ExecutePreprocessor.kernel_name=tslab',
      '--output-dir',
      dirname(out),
      '--output',
      basename(out),
      notebook,
    ]);
  } catch (error) {
    // nbconvert prints its Python traceback first; what matters is the cell and its error after it.
    const message = (error as Error).message;
    const cell = message.indexOf('CellExecutionError: ');
    if (cell === -1) throw error;
    throw new Error(`${basename(notebook)} failed in Jupyter (tslab): ${message.slice(cell)}`, {
      cause: error,
    });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'install') {
    await installJupyterKernel();
    console.log(
      `tslab ${join(tslabDir, 'node_modules', 'tslab')} is the kernel 'tslab' of ${venv};\n` +
        `open the notebooks with: JUPYTER_PATH=${join(venv, 'share', 'jupyter')} jupyter lab notebooks/`,
    );
  } else if (command === 'execute' && args.length === 2) {
    await installJupyterKernel();
    await executeNotebook(resolve(args[0] as string), resolve(args[1] as string));
  } else {
    console.error('usage: tsx scripts/jupyter.ts install | execute NOTEBOOK OUT');
    process.exitCode = 2;
  }
}
