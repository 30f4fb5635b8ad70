/**
 * `kindling replay` as a user runs it: a child process that prints the stream's URL, serves the
 * file, and stops cleanly on SIGINT (Ctrl-C); bad flags refused with a message.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { replayFile, sandersLines } from './data.js';
import { StreamClient } from './stream-client.js';

const CLI = fileURLToPath(new URL('../../../bin/kindling.ts', import.meta.url));

function run(args: readonly string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing a URL: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // a test that expects an early exit never awaits it
  const exit = once(child, 'exit') as Promise<[number | null, string | null]>;
  return { child, firstLine, exit, output: () => ({ stdout, stderr }) };
}

test('replay prints the URL, serves the file, and stops on SIGINT', async (t) => {
  t.timeout(60_000);
  const lines = sandersLines().slice(0, 3);
  const cli = run(['replay', await replayFile(lines), '--format', 'v1.1', '--rate', '1000']);
  const url = await cli.firstLine;
  t.regex(url, /^http:\/\/127\.0\.0\.1:\d+\/1\.1\/statuses\/filter\.json$/);
  const client = await StreamClient.open(url);
  await client.ended;
  t.deepEqual(client.lines, lines);
  cli.child.kill('SIGINT');
  const [code] = await cli.exit;
  t.is(code, 0);
  t.regex(cli.output().stderr, /SIGINT: stopped after 3 lines/);
});

test('replay refuses --rate with --speedup, and a file it cannot read', async (t) => {
  t.timeout(60_000);
  const both = run(['replay', 'tweets.jsonl', '--rate', '5', '--speedup', '2']);
  const [bothCode] = await both.exit;
  t.not(bothCode, 0);
  t.regex(both.output().stderr, /'--rate <n>' cannot be used with option '--speedup <n>'/);
  const missing = run(['replay', 'no-such-file.jsonl']);
  const [missingCode] = await missing.exit;
  t.is(missingCode, 1);
  t.regex(missing.output().stderr, /cannot read no-such-file\.jsonl/);
});
