/**
 * Runs the demo that `npm start` runs, for 3 s, as a child process, and checks what it printed:
 * batches with words and counts, and a clean exit. This test runs in real time by nature (the
 * demo uses the system clock); it asserts output and exit status, never durations.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runDemo(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'examples/wordcount/main.ts', ...args],
      { cwd: root, timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

test('npm start runs the word count for --duration 3 and exits 0 with counted batches', async (t) => {
  t.timeout(90_000);
  const run = await runDemo(['--duration', '3']);
  t.is(run.code, 0, `exit code ${String(run.code)}; stderr:\n${run.stderr}`);

  const batches = [...run.stdout.matchAll(/^batch \S+ {2}words=(\d+) distinct=(\d+)$/gm)];
  const counted = batches.filter((m) => Number(m[1]) > 0);
  t.true(counted.length >= 1, `no batch with words in:\n${run.stdout}`);

  const rows = [...run.stdout.matchAll(/^ {2}([a-z']+) +(\d+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
  t.true(rows.length >= 10, `fewer than 10 word rows in:\n${run.stdout}`);
  t.true(
    rows.some(([word, n]) => word === 'the' && n > 0),
    'the commonest word of the text, "the", was never printed',
  );
  t.regex(run.stdout, /^ {2}timings: lines=\d+ scheduling=\d+ms processing=\d+ms total=\d+ms$/m);
  t.regex(run.stdout, /^stopped$/m);
});

test('--help prints usage and exits 0', async (t) => {
  const run = await runDemo(['--help']);
  t.is(run.code, 0);
  t.regex(run.stdout, /--duration <seconds>/);
});

test('a bad --duration is refused with exit code 2', async (t) => {
  const run = await runDemo(['--duration', 'soon']);
  t.is(run.code, 2);
  t.regex(run.stderr, /--duration must be a positive number, got 'soon'/);
});
