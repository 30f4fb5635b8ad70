/**
 * FerretDB (v1.24.x, built from its Go module, SQLite backend), the MongoDB-wire server of the
 * MongoDB lookup and output tests, on 127.0.0.1:`KINDLING_MONGODB_PORT`, no authentication. Its
 * databases are SQLite files in the data folder. It has no transactions and no change streams
 * (see scripts/README.md).
 *
 * The build is cached under `.cache/servers/ferretdb-<version>/` and skipped when the binary is
 * there. Not `go install module@version`, for two reasons: it asks the proxy for the module's
 * version list (for a deprecation notice), which the proxy reachable here refuses (403); and the
 * binary it makes panics at start, since FerretDB reads its version from
 * `build/version/version.txt`, a generated file the module's zip lacks. So the module is fetched
 * with `go mod download`, copied to `src/`, given that file, and built there with `go install`.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import type { ServerContext, ServerSpec } from './spec.js';

const module = 'github.com/FerretDB/FerretDB';
const version = 'v1.24.2';

/** Where the build lives: `src/` (the module's source) and `bin/ferretdb`. */
function buildDir(ctx: ServerContext): string {
  return join(ctx.cacheDir, `ferretdb-${version.slice(1)}`);
}

/** Where the built `ferretdb` binary lives. */
function binDir(ctx: ServerContext): string {
  return join(buildDir(ctx), 'bin');
}

/** Makes every file under `dir` writable by its owner (the module cache is read-only). */
function makeWritable(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    chmodSync(path, stat.mode | 0o200);
    if (stat.isDirectory()) makeWritable(path);
  }
}

/** The module's source folder in the Go module cache, downloading it through the module proxy. */
async function moduleDir(): Promise<string> {
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `${module}@${version}`], {
    maxBuffer: 1024 * 1024,
  });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${module}@${version} did not say where the module is`);
  return dir;
}

/** The server's `mongodb://` address (no credentials: FerretDB runs without authentication here). */
export function ferretdbUrl(env: Readonly<Record<string, string>>): string {
  return `mongodb://127.0.0.1:${env.KINDLING_MONGODB_PORT ?? '37017'}/`;
}

export const ferretdb: ServerSpec = {
  name: 'ferretdb',
  env: { KINDLING_MONGODB_PORT: '37017' },
  readyTimeoutMs: 30_000,

  async install(ctx) {
    const bin = binDir(ctx);
    if (existsSync(join(bin, 'ferretdb'))) return;
    ctx.log(`building FerretDB ${version} with Go (a few minutes, once)`);
    mkdirSync(bin, { recursive: true });
    const src = join(buildDir(ctx), 'src');
    rmSync(src, { recursive: true, force: true });
    cpSync(await moduleDir(), src, { recursive: true });
    makeWritable(src);
    // What FerretDB's `task gen-version` writes; without it the binary refuses to start.
    writeFileSync(join(src, 'build', 'version', 'version.txt'), `${version}\n`);
    await ctx.run('go', ['install', './cmd/ferretdb'], {
      cwd: src,
      env: { GOBIN: bin, GOFLAGS: '-buildvcs=false' },
    });
    if (!existsSync(join(bin, 'ferretdb'))) throw new Error(`go install left no ferretdb in ${bin}`);
  },

  async start(ctx) {
    return ctx.spawn(join(binDir(ctx), 'ferretdb'), [
      '--handler=sqlite',
      // A folder URI: one SQLite file per database inside it; the trailing slash is required.
      `--sqlite-url=file:${ctx.dataDir}/`,
      `--listen-addr=127.0.0.1:${ctx.env.KINDLING_MONGODB_PORT}`,
      `--state-dir=${ctx.dataDir}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ]);
  },

  async ready(ctx) {
    const client = new MongoClient(ferretdbUrl(ctx.env), {
      serverSelectionTimeoutMS: 2000,
      connectTimeoutMS: 2000,
    });
    try {
      const answer = await client.db('admin').command({ ping: 1 });
      return answer.ok === 1;
    } finally {
      await client.close();
    }
  },
};
