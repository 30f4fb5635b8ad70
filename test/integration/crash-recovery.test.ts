/**
 * Crash recovery: a child process runs a stateful word count with checkpoints and the
 * write-ahead log, fed over TCP by this test. The test kills it with SIGKILL at random points
 * five times and restarts it each time; at the end its state must equal the counts of the input
 * itself (what an uninterrupted run computes): nothing lost, nothing counted twice.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const LINES = 40_000;
const KILLS = Number(process.env.KINDLING_CRASH_KILLS ?? 5);

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a stateful job killed with SIGKILL five times ends with exactly the state of an uninterrupted run', async (t) => {
  t.timeout(180_000);
  const seed = Number(process.env.KINDLING_CRASH_SEED ?? Date.now() % 1_000_000);
  t.log(`seed ${seed} (set KINDLING_CRASH_SEED to repeat)`);
  const rand = random(seed);
  const vocabulary = Array.from({ length: 500 }, (_, i) => `w${i}`);
  const lines = Array.from({ length: LINES }, () =>
    Array.from({ length: 5 }, () => vocabulary[Math.floor(rand() * vocabulary.length)]).join(' '),
  );
  const expected = new Map<string, number>();
  for (const line of lines) for (const w of line.split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
  const totalWords = LINES * 5;

  // The source: sends lines from the position the receiver asks for, 100 every 20 ms (about 8 s
  // for all), minding TCP backpressure, so that the kills land while data flows.
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let request = '';
    socket.on('data', function onRequest(chunk: Buffer) {
      request += chunk.toString();
      const match = /^FROM (\d+)\n/.exec(request);
      if (!match) return;
      socket.off('data', onRequest);
      let next = Number(match[1]);
      const send = (): void => {
        if (socket.destroyed) return;
        if (next >= LINES) return;
        const end = Math.min(LINES, next + 100);
        const ok = socket.write(lines.slice(next, end).join('\n') + '\n');
        next = end;
        if (ok) setTimeout(send, 20);
        else socket.once('drain', send);
      };
      send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const dir = await mkdtemp(join(tmpdir(), 'kindling-crash-'));
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const stateFile = join(dir, 'state.json');

  let stderr = '';
  let restoredEvents = 0;
  const run = (onLine: (event: { type: string; words?: number }, child: ChildProcess) => void) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/crash-job.ts', join(dir, 'ckpt'), String(port), stateFile],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    void (async () => {
      for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
        const event = JSON.parse(line) as { type: string; words?: number };
        if (event.type === 'checkpointRestored') restoredEvents++;
        if (process.env.KINDLING_CRASH_DEBUG) console.error(line.slice(0, 300));
        onLine(event, child);
      }
    })();
    return exited;
  };

  const wordsAtKill: number[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    const delay = 300 + Math.floor(rand() * 1200);
    let words = 0;
    const exit = await run((event, child) => {
      if (event.type === 'batch') words = event.words ?? 0;
      if (event.type === 'started') setTimeout(() => child.kill('SIGKILL'), delay);
    });
    wordsAtKill.push(words);
    t.is(exit.signal, 'SIGKILL', `run ${kill + 1} was killed (${stderr})`);
  }
  t.log(`words counted when killed: ${wordsAtKill.join(', ')} of ${totalWords}`);
  t.true(
    wordsAtKill.filter((w) => w > 0 && w < totalWords).length >= Math.min(3, KILLS),
    'most kills landed while data was flowing',
  );
  t.true(restoredEvents >= KILLS - 1, 'the restarted runs resumed from checkpoints');

  let terminated = false;
  const exit = await run((event, child) => {
    if (!terminated && event.type === 'batch' && (event.words ?? 0) >= totalWords) {
      terminated = true;
      child.kill('SIGTERM');
    }
  });
  t.is(exit.code, 0, stderr);
  const state = new Map(JSON.parse(await readFile(stateFile, 'utf8')) as [string, number][]);
  const total = [...state.values()].reduce((a, b) => a + b, 0);
  t.is(total, totalWords, 'every word counted once');
  t.deepEqual(state, expected);
});
