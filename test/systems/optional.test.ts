/**
 * The loader of optional peer dependencies: a missing package is a ConfigurationError with the
 * install command, a package that is there loads once, and an error inside a package that is
 * there is not taken for a missing package. Fixture packages live in a temporary folder.
 */
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError, KindlingError } from '../../lib/index.js';
import {
  OPTIONAL_PACKAGES,
  createOptionalLoader,
  installCommand,
  loadOptional,
  packageOf,
} from '../../systems/optional.js';

const root = mkdtempSync(join(tmpdir(), 'kindling-optional-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

/** A package `name` under the fixture root's node_modules, with `index.js` as its main. */
function fixturePackage(name: string, index: string, files: Record<string, string> = {}): void {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), index);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

/** A loader that resolves from the fixture root (where none of the real peers is installed). */
const fixtureLoader = () => createOptionalLoader(pathToFileURL(join(root, 'job.js')));

test('a package that is not installed: a ConfigurationError naming it, who needs it, and how to install it', (t) => {
  const error = t.throws(() => fixtureLoader()('kindling-no-such-package', 'the test receiver'), {
    instanceOf: ConfigurationError,
  });
  t.is(
    error.message,
    "the test receiver needs the package 'kindling-no-such-package', which is not installed: " +
      'install it with `npm install kindling-no-such-package`',
  );
  t.is((error.cause as { code?: string }).code, 'MODULE_NOT_FOUND');
});

test('a missing peer: the install command has the range of peerDependencies', (t) => {
  const error = t.throws(() => fixtureLoader()('kafkajs', 'the Kafka receiver'), {
    instanceOf: ConfigurationError,
  });
  t.regex(error.message, /^the Kafka receiver needs the package 'kafkajs', which is not installed/);
  t.true(error.message.includes('`npm install kafkajs@^2.2.4`'));
  const scoped = t.throws(() => fixtureLoader()('@aws-sdk/client-s3', 'the S3 lookup'));
  t.true(scoped.message.includes('`npm install @aws-sdk/client-s3@^3.1169.0`'));
});

test('a package that is there loads once, and the same object comes back', (t) => {
  fixturePackage(
    'counted',
    'globalThis.kindlingLoads = (globalThis.kindlingLoads ?? 0) + 1;\nexports.value = 42;\n',
  );
  const load = fixtureLoader();
  const first = load<{ value: number }>('counted', 'the test');
  const second = load<{ value: number }>('counted', 'another test');
  t.is(first.value, 42);
  t.is(second, first);
  t.is((globalThis as { kindlingLoads?: number }).kindlingLoads, 1);
});

test('a file missing inside a package that is there is not a missing package', (t) => {
  fixturePackage('broken', "require('./lost.js');\n");
  const error = t.throws(() => fixtureLoader()('broken', 'the test'));
  t.false(error instanceof ConfigurationError);
  t.true(error instanceof KindlingError);
  t.regex(error.message, /^the test: loading the package 'broken' failed: Cannot find module '\.\/lost\.js'/);
  t.is((error.cause as { code?: string }).code, 'MODULE_NOT_FOUND');
});

test('a package whose own dependency is missing is not itself missing: the cause names the dependency', (t) => {
  fixturePackage('needs-more', "require('kindling-absent-dependency');\n");
  const error = t.throws(() => fixtureLoader()('needs-more', 'the test'));
  t.false(error instanceof ConfigurationError);
  t.true(error.message.includes("loading the package 'needs-more' failed"));
  t.true((error.cause as Error).message.includes('kindling-absent-dependency'));
});

test('an error thrown while a package loads comes back as the cause', (t) => {
  fixturePackage('throws', "throw new Error('boom at load');\n");
  const error = t.throws(() => fixtureLoader()('throws', 'the test'));
  t.false(error instanceof ConfigurationError);
  t.is((error.cause as Error).message, 'boom at load');
  // Not cached: a later call tries again (and fails again).
  t.throws(() => fixtureLoader()('throws', 'the test'), { message: /boom at load/ });
});

test('a file of a package that is there but lacks it: a ConfigurationError that asks for a version that has it', (t) => {
  fixturePackage('partial', 'exports.x = 1;\n', { 'present.json': '{"ok":true}' });
  const load = fixtureLoader();
  t.deepEqual(load('partial/present.json', 'the test'), { ok: true });
  const error = t.throws(() => load('partial/absent.json', 'the test'), { instanceOf: ConfigurationError });
  t.is(
    error.message,
    "the test needs 'partial/absent.json', which the installed 'partial' does not have: " +
      'install a version it has with `npm install partial`',
  );
});

test('the real loader finds the peers installed for the repo (devDependencies)', (t) => {
  const kafkajs = loadOptional<{ Kafka: unknown }>('kafkajs', 'the test');
  t.is(typeof kafkajs.Kafka, 'function');
  t.is(loadOptional('kafkajs', 'the test'), kafkajs);
});

test('packageOf and installCommand', (t) => {
  t.is(packageOf('natural/lib/natural/sentiment/English/negations_en.json'), 'natural');
  t.is(packageOf('@aws-sdk/client-s3'), '@aws-sdk/client-s3');
  t.is(installCommand('mqtt'), 'npm install mqtt@^5.16.0');
  t.is(installCommand('left-pad'), 'npm install left-pad');
});

test('OPTIONAL_PACKAGES are the optional peerDependencies of package.json, also in devDependencies', (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
  };
  t.deepEqual(pkg.peerDependencies, { ...OPTIONAL_PACKAGES });
  for (const [name, range] of Object.entries(OPTIONAL_PACKAGES)) {
    t.is(pkg.peerDependenciesMeta[name]?.optional, true, `${name} is an optional peer`);
    t.is(pkg.devDependencies[name], range, `${name} is a devDependency with the same range`);
    t.false(name in pkg.dependencies, `${name} is not a dependency`);
  }
});
