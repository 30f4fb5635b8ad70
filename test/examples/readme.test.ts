/**
 * Keeps README.md honest: its first job is the file that typecheck compiles, and every operator
 * its table names is a method of DStream.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { DStream } from '../../lib/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the first job in the README is examples/first-job.ts, verbatim', (t) => {
  const block = /## A first job[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const file = readFileSync(new URL('../../examples/first-job.ts', import.meta.url), 'utf8');
  t.is(block, file);
});

test('every operator in the README table is a DStream method', (t) => {
  const table = /## Operators[\s\S]*?\n\n(\|[\s\S]*?)\n\n/.exec(readme)?.[1] ?? '';
  const names = [...table.matchAll(/`([a-zA-Z]+)(?:\([^`]*\))?`/g)].map((m) => m[1] as string);
  const notMethods = new Set(['invF']);
  const operators = names.filter((name) => !notMethods.has(name));
  t.true(operators.length > 30, `found only ${operators.length} operators in the README table`);
  const prototype = DStream.prototype as unknown as Record<string, unknown>;
  const missing = operators.filter((name) => typeof prototype[name] !== 'function');
  t.deepEqual(missing, [], `README lists operators DStream does not have: ${missing.join(', ')}`);
});
