import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'bench/run.ts', ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

test('an unknown benchmark name is refused with the list of benchmarks', async (t) => {
  const run = await bench(['no-such-benchmark']);
  t.is(run.code, 2);
  t.regex(run.stderr, /unknown benchmark no-such-benchmark; available: .*wordcount/);
});

test('--help prints usage', async (t) => {
  const run = await bench(['--help']);
  t.is(run.code, 0);
  t.regex(run.stdout, /--quick/);
});

test('--report regenerates RESULTS.md from the stored results', async (t) => {
  const run = await bench(['--help']);
  t.regex(run.stdout, /--report +regenerate bench\/RESULTS\.md/);
});
