/**
 * Runs the demo that `npm start` runs, as a child process on the bundled data, and checks what
 * it printed and wrote. It runs in real time by nature (the system clock paces the replay); it
 * asserts output and exit status, never durations.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'examples/tweets/main.ts', ...args],
      { cwd: root, timeout: 90_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

test('the demo prints window reports, serves the dashboard, writes --output, and stops cleanly', async (t) => {
  t.timeout(120_000);
  const out = await mkdtemp(join(tmpdir(), 'kindling-tweets-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  const run = await runDemo([
    '--duration',
    '8',
    '--window',
    '2',
    '--slide',
    '2',
    '--port',
    '0',
    '--output',
    out,
  ]);
  t.is(run.code, 0, `exit code ${String(run.code)}; stderr:\n${run.stderr}`);
  t.regex(run.stdout, /^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
  const windows = [...run.stdout.matchAll(/^window ending \S+ \(\+\d+ s\) +([\d.]+) tweets\/s$/gm)];
  t.true(windows.length >= 2, run.stdout);
  t.regex(run.stdout, /^ {2}apple +\d+ +\d+ +-?[\d.]+ +\d+ +\d+$/m);
  t.regex(run.stdout, /^ {2}hashtags: {2}#\S+ \d+/m);
  // The SQL report (DuckDB is a dev dependency here): top locations per topic, or none yet.
  t.regex(run.stdout, /^ {2}top locations per topic \(SQL\), tweets \(mean sentiment\):( -)?$/m);
  t.regex(run.stdout, /^ {4}apple: \S.* \d+ \((-?[\d.]+|-)\)/m);
  const sent = Number(/^stopped after (\d+) tweets$/m.exec(run.stdout)?.[1]);
  t.true(sent > 0, run.stdout);

  const records: { id: string; sentiment: Record<string, unknown> }[] = [];
  for (const folder of await readdir(out)) {
    for (const file of await readdir(join(out, folder))) {
      if (!file.endsWith('.jsonl')) continue;
      const text = await readFile(join(out, folder, file), 'utf8');
      records.push(
        ...text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
      );
    }
  }
  t.true(records.length > 0 && records.length <= sent, `${records.length} records written of ${sent} sent`);
  t.is(new Set(records.map((r) => r.id)).size, records.length, 'no tweet written twice');
  t.true(records.every((r) => 'label' in r.sentiment || 'unscored' in r.sentiment));
});

test('a dashboard port in use ends the demo with status 2, saying once which port and to choose another with --port', async (t) => {
  t.timeout(120_000); // the bound on "it exits": runDemo kills it after 90 s, and the code is then not 2
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  const { port } = holder.address() as AddressInfo;
  const run = await runDemo(['--port', String(port), '--duration', '5']);
  t.is(run.code, 2, `exit code ${String(run.code)}; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  const output = run.stdout + run.stderr;
  t.is(output.split(`port ${port}`).length - 1, 1, output);
  t.regex(run.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use; choose another with --port`));
  t.notRegex(run.stdout, /^window ending/m, 'no job ran');
});

test('an unknown --users store fails at start with the forms it takes', async (t) => {
  t.timeout(60_000);
  const run = await runDemo(['--duration', '1', '--no-dashboard', '--users', 'ftp://example/users']);
  t.not(run.code, 0);
  t.regex(run.stderr, /--users ftp:\/\/example\/users: unknown store 'ftp'/);
  t.regex(run.stderr, /mongodb:\/\/HOST:PORT\/DB\/COLLECTION/);
});
