/**
 * Kindling as a new user gets it: `npm pack` (its prepack builds dist/), then `npm install` of the
 * tarball in a fresh project under the system's temporary folder, with no TypeScript tooling, and
 * there: a plain-node ES module job on a ManualClock, worker threads and the dashboard's files
 * loaded from dist, `require('kindling')`, a TypeScript consumer checked with `tsc --init`'s
 * settings and `skipLibCheck: false`, the `kindling` bin, and a connector whose client is not
 * installed. One pack and one install serve every test (they run
 * serially); the sizes measured are in the test log. The demo runs in real time by nature; no
 * test asserts a duration.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file` with `args` in `cwd`; resolves with its status and output, whatever the status. */
function run(file: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd,
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NODE_OPTIONS: '' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const shown = (r: Run): string => `status ${String(r.code)}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline'];

/** The packages under a node_modules folder (nested ones too) and the bytes of their files. */
async function measure(dir: string): Promise<{ packages: number; bytes: number }> {
  let packages = 0;
  let bytes = 0;
  const walk = async (folder: string, inModules: boolean): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        const isPackage = inModules && !entry.name.startsWith('@') && !entry.name.startsWith('.');
        if (isPackage) packages += 1;
        await walk(path, entry.name === 'node_modules' || (inModules && entry.name.startsWith('@')));
      } else if (entry.isFile()) {
        bytes += (await stat(path)).size;
      }
    }
  };
  await walk(dir, true);
  return { packages, bytes };
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;

let scratch = '';
let project = '';

test.before(async (t) => {
  t.timeout(600_000);
  scratch = await mkdtemp(join(tmpdir(), 'kindling-package-'));
  const pack = await run('npm', ['pack', '--json', '--pack-destination', scratch], root, 300_000);
  if (pack.code !== 0) throw new Error(`npm pack failed: ${shown(pack)}`);
  const [info] = JSON.parse(pack.stdout.slice(Math.max(0, pack.stdout.search(/^\[/m)))) as {
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
  }[];
  if (!info) throw new Error(`npm pack printed no JSON: ${pack.stdout}`);
  t.log(
    `tarball ${info.filename}: ${mb(info.size)} packed, ${mb(info.unpackedSize)} unpacked, ${info.entryCount} files`,
  );

  project = join(scratch, 'project');
  await mkdir(project);
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'new-user', private: true }, null, 2),
  );
  const install = await run('npm', ['install', join(scratch, info.filename), ...npmFlags], project, 300_000);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed: ${shown(install)}`);
  const modules = await measure(join(project, 'node_modules'));
  t.log(
    `the project's node_modules after installing the tarball: ${modules.packages} packages, ${mb(modules.bytes)}`,
  );
});

test.after.always(async () => {
  if (scratch !== '') await rm(scratch, { recursive: true, force: true });
});

test.serial('a plain node ES module runs a queueStream job on a ManualClock', async (t) => {
  await writeFile(
    join(project, 'job.mjs'),
    `import { ManualClock, StreamingContext, seconds } from 'kindling';

const clock = new ManualClock();
const ssc = new StreamingContext({ batchInterval: seconds(1), clock, name: 'new-user' });
ssc
  .queueStream([['a b', 'b'], ['c']])
  .flatMap((line) => line.split(' '))
  .map((word) => [word, 1])
  .reduceByKey((a, b) => a + b)
  .foreachBatch((pairs, time) => console.log(\`batch \${time}: \${JSON.stringify(pairs)}\`));
await ssc.start();
await clock.advance(seconds(2));
await ssc.stop();
`,
  );
  const job = await run(process.execPath, ['job.mjs'], project);
  t.is(job.code, 0, shown(job));
  t.is(job.stdout, 'batch 1000: [["a",1],["b",2]]\nbatch 2000: [["c",1]]\n', shown(job));
});

test.serial(
  'files the package loads at run time are found from dist: worker threads, the dashboard',
  async (t) => {
    await writeFile(join(project, 'words.mjs'), "export const words = (line) => line.split(' ');\n");
    await writeFile(
      join(project, 'parallel.mjs'),
      `import { ManualClock, StreamingContext, seconds, workerTask } from 'kindling';

const clock = new ManualClock();
const ssc = new StreamingContext({ batchInterval: seconds(1), clock, workers: 2 });
ssc
  .queueStream([['a b', 'b c', 'c c']])
  .parallel(workerTask(new URL('./words.mjs', import.meta.url), 'words', { kind: 'flatMap' }))
  .countByValue()
  .foreachBatch((pairs, time) => console.log(\`batch \${time}: \${JSON.stringify([...pairs].sort())}\`));
await ssc.start();
await clock.advance(seconds(1));
await ssc.stop();
`,
    );
    const parallel = await run(process.execPath, ['parallel.mjs'], project);
    t.is(parallel.code, 0, shown(parallel));
    t.is(parallel.stdout, 'batch 1000: [["a",1],["b",2],["c",3]]\n', shown(parallel));

    await writeFile(
      join(project, 'dashboard.mjs'),
      `import { ManualClock, StreamingContext, seconds } from 'kindling';
import { dashboard } from 'kindling/outputs';

const ssc = new StreamingContext({ batchInterval: seconds(1), clock: new ManualClock() });
const board = dashboard(ssc, { port: 0 });
board.panel(ssc.queueStream([[1]]).count(), 'count');
await ssc.start();
const url = await board.url();
for (const path of ['', 'dashboard.js', 'vendor/uPlot.iife.min.js']) {
  const response = await fetch(new URL(path, url));
  console.log(\`/\${path} \${response.status} \${(await response.text()).length > 0 ? 'with a body' : 'empty'}\`);
}
await ssc.stop();
`,
    );
    const served = await run(process.execPath, ['dashboard.mjs'], project);
    t.is(served.code, 0, shown(served));
    t.is(
      served.stdout,
      '/ 200 with a body\n/dashboard.js 200 with a body\n/vendor/uPlot.iife.min.js 200 with a body\n',
      shown(served),
    );
  },
);

test.serial("require('kindling') and its subpaths work from CommonJS", async (t) => {
  await writeFile(
    join(project, 'require.cjs'),
    `const kindling = require('kindling');
const { twitterStream } = require('kindling/receivers');
const { jsonlFileLookup } = require('kindling/lookups');
const { fileOutput } = require('kindling/outputs');
const { SentimentScorer } = require('kindling/analytics');
console.log([kindling.StreamingContext, kindling.ManualClock, twitterStream, jsonlFileLookup, fileOutput, SentimentScorer].map((f) => typeof f).join(' '));
console.log(require('kindling/package.json').name);
`,
  );
  const required = await run(process.execPath, ['require.cjs'], project);
  t.is(required.code, 0, shown(required));
  t.is(required.stdout, 'function function function function function function\nkindling\n', shown(required));
});

test.serial(
  'a TypeScript consumer type-checks with tsc --init settings and skipLibCheck false',
  async (t) => {
    t.timeout(300_000);
    // A TypeScript project beside the plain one: its own @types/node, as tsc --init's comments
    // advise for Node (`"types": ["node"]`), and kindling from the project above it.
    const consumer = join(project, 'ts');
    await mkdir(consumer);
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ private: true, type: 'module' }, null, 2),
    );
    const typesNode = JSON.parse(
      await readFile(join(root, 'node_modules/@types/node/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    const install = await run(
      'npm',
      ['install', `@types/node@${typesNode.version}`, ...npmFlags],
      consumer,
      300_000,
    );
    t.is(install.code, 0, shown(install));
    const init = await run(process.execPath, [tsc, '--init'], consumer);
    t.is(init.code, 0, shown(init));
    const config = await readFile(join(consumer, 'tsconfig.json'), 'utf8');
    const edited = config
      .replace(/"skipLibCheck": true/, '"skipLibCheck": false')
      .replace(/"types": \[\]/, '"types": ["node"]');
    t.not(edited, config);
    await writeFile(join(consumer, 'tsconfig.json'), edited);
    await writeFile(
      join(consumer, 'consumer.ts'),
      `import { ManualClock, StreamingContext, seconds, type DStream } from 'kindling';
import { twitterStream, type Tweet } from 'kindling/receivers';
import { jsonlFileLookup } from 'kindling/lookups';
import { dashboard, fileOutput } from 'kindling/outputs';
import { SentimentScorer, topHashtags } from 'kindling/analytics';

const clock = new ManualClock();
const ssc = new StreamingContext({ batchInterval: seconds(1), clock, name: 'typed' });
const counts: DStream<[string, number]> = ssc
  .queueStream([['a b', 'b']])
  .flatMap((line) => line.split(' '))
  .map((word): [string, number] => [word, 1])
  .reduceByKey((a, b) => a + b);
fileOutput(counts, { dir: 'out' });
const tweets: DStream<Tweet> = twitterStream(ssc, {
  url: 'http://127.0.0.1:1/2/tweets/search/stream',
  format: 'v2',
});
topHashtags(tweets, { k: 3, windowDuration: seconds(10), slideDuration: seconds(5) }).print();
const users = jsonlFileLookup<{ id_str: string }, string>('users.jsonl', { key: (user) => user.id_str });
tweets.joinLookup(users, (tweet) => tweet.authorId ?? '').print();
const sentiment = new SentimentScorer().scoreTweet({ text: 'good', lang: 'en' });
const label: string = sentiment.scored ? sentiment.label : sentiment.reason;
dashboard(ssc, { port: 0 });
// @ts-expect-error: a duration is a number of milliseconds
seconds('1');
console.log(label);
`,
    );
    const checked = await run(process.execPath, [tsc, '-p', consumer, '--noEmit'], consumer, 300_000);
    t.is(checked.code, 0, shown(checked));
    t.is(checked.stdout, '', shown(checked));

    // Old resolvers (moduleResolution node10, as tslab uses) find the subpaths through typesVersions.
    await writeFile(
      join(consumer, 'tsconfig.node10.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { module: 'commonjs', moduleResolution: 'node10', verbatimModuleSyntax: false },
      }),
    );
    const node10 = await run(
      process.execPath,
      [tsc, '-p', join(consumer, 'tsconfig.node10.json'), '--noEmit'],
      consumer,
    );
    t.is(node10.code, 0, shown(node10));
  },
);

test.serial('npx kindling: --help, replay --help, and a demo that ends by itself', async (t) => {
  t.timeout(300_000);
  const help = await run('npx', ['--no-install', 'kindling', '--help'], project);
  t.is(help.code, 0, shown(help));
  t.regex(help.stdout, /^Usage: kindling /m);
  t.regex(help.stdout, /^ {2}replay \[options\] <file>/m);
  t.regex(help.stdout, /^ {2}demo \[options\]/m);
  const replay = await run('npx', ['--no-install', 'kindling', 'replay', '--help'], project);
  t.is(replay.code, 0, shown(replay));
  t.regex(replay.stdout, /^Usage: kindling replay \[options\] <file>/m);
  // Port 0: a free port, as other jobs on this machine may hold the default 4040.
  const demoArgs = ['--no-install', 'kindling', 'demo', '--duration', '5', '--port', '0'];
  // The demo scores sentiment with natural. Where natural is an optional peer dependency, a
  // project without it is told how to install it; installed, the demo runs.
  const manifest = JSON.parse(
    await readFile(join(project, 'node_modules/kindling/package.json'), 'utf8'),
  ) as {
    peerDependencies?: Record<string, string>;
  };
  const natural = manifest.peerDependencies?.['natural'];
  if (natural !== undefined) {
    const without = await run('npx', demoArgs, project);
    t.is(without.code, 2, shown(without));
    t.regex(
      without.stderr,
      /^kindling demo scores sentiment with .*`npm install natural@[^`]+`$/m,
      shown(without),
    );
    const install = await run('npm', ['install', `natural@${natural}`, ...npmFlags], project, 300_000);
    t.is(install.code, 0, shown(install));
  }
  const demo = await run('npx', demoArgs, project);
  t.is(demo.code, 0, shown(demo));
  t.regex(demo.stdout, /^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
  t.true(
    [...demo.stdout.matchAll(/^window ending \S+ \(\+\d+ s\) +[\d.]+ tweets\/s$/gm)].length >= 1,
    shown(demo),
  );
  t.regex(demo.stdout, /^ {2}(apple|google|microsoft|twitter) +\d+ +\d+ +-?[\d.]+ +\d+ +\d+$/m);
  t.regex(demo.stdout, /^stopped after [1-9]\d* tweets$/m);
  // The SQL report needs DuckDB, an optional peer that this project has not installed: the demo
  // runs without it and says in one line how to have it.
  if (!existsSync(join(project, 'node_modules/@duckdb/node-api'))) {
    t.regex(
      demo.stderr,
      /^kindling demo: the SQL report .*`npm install @duckdb\/node-api@[^`]+`; running without it$/m,
      shown(demo),
    );
    t.notRegex(demo.stdout, /\(SQL\)/, shown(demo));
  }
});

test.serial('a connector whose client is not installed says how to install it', async (t) => {
  await writeFile(
    join(project, 'kafka.mjs'),
    `import { StreamingContext, seconds } from 'kindling';
import { kafkaOutput } from 'kindling/outputs';

const ssc = new StreamingContext({ batchInterval: seconds(1), name: 'no-kafkajs' });
const timer = setTimeout(() => {
  console.log('no error in 30 s');
  process.exit(3);
}, 30_000);
try {
  kafkaOutput(ssc.queueStream([['a']]), { brokers: ['127.0.0.1:1'], topic: 'kindling-package-test' });
  await ssc.start();
  await ssc.awaitTermination();
  console.log('no error');
} catch (error) {
  console.log(\`\${error.name}: \${error.message}\`);
}
clearTimeout(timer);
await ssc.stop().catch(() => undefined);
`,
  );
  const kafka = await run(process.execPath, ['kafka.mjs'], project);
  t.regex(kafka.stdout, /npm install kafkajs@/, shown(kafka));
});
