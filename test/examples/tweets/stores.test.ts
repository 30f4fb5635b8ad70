/**
 * The demo's --users and --output flags against real servers: the users table in MongoDB
 * (FerretDB), the scored tweets written to Kafka. Runs the demo as a child process.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { ferretdbUrl } from '../../../scripts/servers/ferretdb.js';
import { createTopic, kafkaBrokers, readAll } from '../../helpers/kafka.js';
import { logServerOnFailure, serverEnv, uniqueName } from '../../helpers/servers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('--users mongodb://... looks authors up in MongoDB and --output kafka://... writes every scored tweet once', async (t) => {
  t.timeout(180_000);
  logServerOnFailure(t, 'ferretdb');
  logServerOnFailure(t, 'kafka');
  const url = ferretdbUrl(serverEnv('ferretdb'));
  const db = uniqueName('demo');
  const client = new MongoClient(url);
  await client.connect();
  t.teardown(async () => {
    await client.db(db).dropDatabase();
    await client.close();
  });
  // every author, with a location the bundled file does not have: the report must show it
  const users = readFileSync(`${root}examples/tweets/data/sanders_users.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ ...(JSON.parse(line) as { id_str: string }), location: 'Mongo City' }));
  await client.db(db).collection('users').insertMany(users);
  const topic = await createTopic('demo-scored', 1);

  const host = new URL(url).host;
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        'examples/tweets/main.ts',
        ...['--duration', '8', '--window', '2', '--slide', '2', '--no-dashboard'],
        ...['--users', `mongodb://${host}/${db}/users`, '--output', `kafka://${kafkaBrokers()[0]}/${topic}`],
      ],
      {
        cwd: root,
        timeout: 120_000,
        killSignal: 'SIGKILL',
        env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
  t.is(run.code, 0, `stderr:\n${run.stderr}\nstdout:\n${run.stdout}`);
  t.regex(run.stdout, /^ {2}locations: mongo city \d+$/m);
  const sent = Number(/^stopped after (\d+) tweets$/m.exec(run.stdout)?.[1]);
  const messages = await readAll(topic);
  const ids = messages.map((m) => (JSON.parse(String(m.value)) as { id: string; location: string }).id);
  t.true(ids.length > 0 && ids.length <= sent, `${ids.length} messages for ${sent} tweets sent`);
  t.is(new Set(ids).size, ids.length, 'each scored tweet written once');
  t.true(
    messages.every((m) => (JSON.parse(String(m.value)) as { location: string }).location === 'mongo city'),
  );
});
