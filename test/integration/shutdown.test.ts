/**
 * stopGracefullyOnShutdown: a real process gets SIGTERM (or SIGINT, as Ctrl-C sends), finishes
 * its batches, writes a last checkpoint, and exits 0.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test.serial(
    `${signal} stops the job gracefully: queued batches finish, a last checkpoint is written, exit 0`,
    async (t) => {
      t.timeout(60_000);
      const dir = await mkdtemp(join(tmpdir(), 'kindling-shutdown-'));
      t.teardown(() => rm(dir, { recursive: true, force: true }));
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/graceful-job.ts', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const events: { type: string; batchTime?: number }[] = [];
      let signalled = false;
      for await (const line of createInterface({ input: child.stdout })) {
        const event = JSON.parse(line) as { type: string; batchTime?: number };
        events.push(event);
        // The first checkpoint is the job's start; signal after one of a completed batch.
        const ofBatch = events.some((e) => e.type === 'batchCompleted' && e.batchTime === event.batchTime);
        if (!signalled && event.type === 'checkpointWritten' && ofBatch) {
          signalled = true;
          child.kill(signal);
        }
      }
      const code = await new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) resolve(child.exitCode);
        else child.once('exit', resolve);
      });
      t.is(code, 0, stderr);
      t.regex(stderr, new RegExp(`${signal} received: stopping gracefully`));
      const completed = events.filter((e) => e.type === 'batchCompleted').map((e) => e.batchTime);
      const submitted = events.filter((e) => e.type === 'batchSubmitted').map((e) => e.batchTime);
      const written = events.filter((e) => e.type === 'checkpointWritten').map((e) => e.batchTime);
      t.deepEqual(completed, submitted, 'every batch submitted before the stop completed');
      t.is(written.at(-1), completed.at(-1), 'the last checkpoint is of the last completed batch');
      t.is(events.at(-1)?.type, 'contextStopped');
    },
  );
}
