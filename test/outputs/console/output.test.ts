/**
 * The console outputs in a real child process: what it writes to stdout (through a pipe, several
 * MB, so writes must wait for the reader) and stderr reads back exactly, line for line; and
 * linesOutput waits for 'drain' on a Writable that pushes back.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ManualClock, StreamingContext } from '../../../lib/index.js';
import { linesOutput } from '../../../outputs/console/index.js';

const job = fileURLToPath(new URL('./stdout-job.ts', import.meta.url));

function run(n: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', job, String(n)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('stdout and stderr of a child job read back exactly, line for line', async (t) => {
  t.timeout(60_000);
  const n = 10_000; // about 450 kB per batch: more than a pipe holds
  const { code, stdout, stderr } = await run(n);
  t.is(code, 0, stderr);
  const expected = [0, 1, 2].flatMap((b) =>
    Array.from({ length: n }, (_, i) => ({ batch: b, i, text: `t"${i}\n` })),
  );
  t.deepEqual(
    stdout
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as unknown),
    expected,
  );
  t.true(stdout.endsWith('\n'));
  t.deepEqual(
    stderr.split('\n').filter((l) => l.startsWith('batch ')),
    ['batch 0 started', 'batch 1 started', 'batch 2 started'],
  );
});

test('a batch waits for drain when the stream pushes back, and completes once flushed', async (t) => {
  t.timeout(30_000);
  const written: string[] = [];
  let drains = 0;
  const slow = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString());
      setImmediate(callback); // asynchronous, so writes queue up and 'drain' is needed
    },
  });
  slow.on('drain', () => drains++);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'console-drain' });
  const batch = Array.from({ length: 20_000 }, (_, i) => `line ${i}`); // several 64 KiB chunks
  linesOutput(ssc.queueStream([[...batch], ['last']]), slow);
  await ssc.start();
  await clock.advance(2000); // resolves only after both batches were flushed
  await ssc.stop();
  t.is(written.join(''), [...batch, 'last'].map((l) => `${l}\n`).join(''));
  t.true(drains > 0);
});
