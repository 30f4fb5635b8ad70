/**
 * The type declarations that the entry points reach name no optional peer: declarations are
 * emitted in memory for the five entry points, and every import of every `.d.ts` reached from
 * their `index.d.ts` is followed. A user without kafkajs (say) and with `skipLibCheck: false`
 * would get "Cannot find module 'kafkajs'" from any of them.
 */
import test from 'ava';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { OPTIONAL_PACKAGES, packageOf } from '../../systems/optional.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const entryPoints = ['lib', 'receivers', 'lookups', 'outputs', 'analytics'];

/** The declarations of the entry points and all they import, by `.d.ts` path. */
function emitDeclarations(): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repo, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const outDir = join(repo, '.declarations-in-memory');
  const program = ts.createProgram(
    entryPoints.map((entry) => join(repo, entry, 'index.ts')),
    { ...config.options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: repo, outDir },
  );
  const files = new Map<string, string>();
  program.emit(undefined, (name, text) => files.set(relative(outDir, name), text));
  return files;
}

test('no declaration reached from an entry point imports an optional peer', (t) => {
  const files = emitDeclarations();
  const optional = new Set(Object.keys(OPTIONAL_PACKAGES));
  const reached = new Set<string>();
  const pending = entryPoints.map((entry) => join(entry, 'index.d.ts'));
  const found: string[] = [];
  const specifiers = /(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g;
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (reached.has(file)) continue;
    reached.add(file);
    const text = files.get(file);
    if (text === undefined) continue;
    for (const [, specifier] of text.matchAll(specifiers)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) {
        const target = relative(repo, resolve(repo, dirname(file), specifier)).replace(/\.js$/, '.d.ts');
        pending.push(target);
      } else if (optional.has(packageOf(specifier))) {
        found.push(`${file} imports '${specifier}'`);
      }
    }
  }
  t.true(reached.size > 100, `${reached.size} declaration files reached`);
  t.deepEqual(found, []);
});
