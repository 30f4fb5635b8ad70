/**
 * The lint rule of the layout's import boundaries (`eslint.config.js`): an import from one of
 * receivers/, lookups/, outputs/ into another, from systems/ into any of them, from lib/ into a
 * connector or system, or of lib/ internals is an error; imports of lib/index.js, systems/ and
 * a folder's own files are not. Linted as ESLint lints the tree, through its Node API.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The messages of `no-restricted-imports` for `code` linted as the file at `filePath`. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const forbidden: [file: string, code: string, says: RegExp][] = [
  ['outputs/kafka/x.ts', "export { Retrier } from '../../receivers/kafka/retrier.js';", /systems\/<name>/],
  ['outputs/s3/x.ts', "export type { S3Lookup } from '../../lookups/s3/lookup.js';", /systems\/<name>/],
  ['receivers/s3/x.ts', "export * from '../../lookups/s3/index.js';", /systems\/<name>/],
  ['receivers/index.ts', "export * from '../outputs/index.js';", /systems\/<name>/],
  ['lookups/mongodb/x.ts', "export { kafkaOutput } from 'kindling/outputs';", /systems\/<name>/],
  ['lookups/hbase/x.ts', "export { hbaseOutput } from '../../outputs/hbase/output.js';", /systems\/<name>/],
  [
    'systems/kafka/x.ts',
    "export { KafkaDirectSource } from '../../receivers/kafka/source.js';",
    /imports only lib/,
  ],
  ['systems/x.ts', "export * from '../outputs/index.js';", /imports only lib/],
  ['lib/x.ts', "export * from '../receivers/index.js';", /imports no connector/],
  ['lib/dstream/x.ts', "export { connectS3 } from '../../systems/s3/client.js';", /imports no connector/],
  [
    'outputs/kafka/x.ts',
    "export { DStream } from '../../lib/dstream/dstream.js';",
    /public API, lib\/index\.js/,
  ],
  ['systems/s3/x.ts', "export type { Clock } from '../../lib/types.js';", /public API, lib\/index\.js/],
];

const allowed: [file: string, code: string][] = [
  ['outputs/kafka/x.ts', "export { Retrier } from '../../systems/kafka/retrier.js';"],
  ['outputs/kafka/x.ts', "export { chunkMessages } from './messages.js';"],
  ['outputs/s3/x.ts', "export { FolderOutput } from '../store/folder-output.js';"],
  ['receivers/kafka/x.ts', "export { KindlingError } from '../../lib/index.js';"],
  ['receivers/index.ts', "export { Receiver } from '../lib/index.js';"],
  ['lookups/s3/x.ts', "export { parseRows } from '../../systems/rows/rows.js';"],
  ['systems/mqtt/x.ts', "export { redact } from '../redact.js';"],
  ['systems/hbase/x.ts', "export { KindlingError } from '../../lib/index.js';"],
  ['lib/dstream/x.ts', "export { retry } from '../retry.js';"],
  ['examples/x.ts', "export { kafkaOutput } from '../outputs/kafka/output.js';"],
];

test('an import across the layout boundaries is an error that says what to do', async (t) => {
  for (const [file, code, says] of forbidden) {
    const messages = await restricted(file, code);
    t.is(messages.length, 1, `${file}: ${code}`);
    t.regex(messages[0] ?? '', says, `${file}: ${code}`);
  }
});

test('imports of lib/index.js, systems/ and a folder of its own are allowed', async (t) => {
  for (const [file, code] of allowed) t.deepEqual(await restricted(file, code), [], `${file}: ${code}`);
});

test('import type is held to the same boundaries', async (t) => {
  const code =
    "import type { KafkaDirectSource } from '../../receivers/kafka/source.js';\nexport type X = KafkaDirectSource;\n";
  t.is((await restricted('outputs/kafka/x.ts', code)).length, 1);
});

test('a dynamic import out of lib/ is an error too, but for the SQL engine in lib/sql/sql-runtime.ts', async (t) => {
  const dynamic = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };
  const engine = "export const load = () => import('../../systems/duckdb/engine.js');";
  t.regex((await dynamic('lib/dstream/x.ts', engine))[0] ?? '', /not even with import\(\)/);
  t.regex(
    (await dynamic('lib/x.ts', "export const m = () => import('../outputs/index.js');"))[0] ?? '',
    /lib\/sql\/sql-runtime\.ts/,
  );
  t.deepEqual(await dynamic('lib/sql/sql-runtime.ts', engine), []);
  t.deepEqual(await dynamic('lib/x.ts', "export const m = () => import('./retry.js');"), []);
});
