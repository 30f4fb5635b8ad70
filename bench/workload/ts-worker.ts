/**
 * Worker threads for the benchmarks' hand-written two-thread loops, whose entries are TypeScript.
 * On Node 20 a worker thread gets tsx's `require` hook from the parent's `--import tsx` but not
 * its `import` hooks, so a `.ts` entry cannot be a Worker's file: a small JavaScript entry
 * (`require-entry.mjs`) requires it instead.
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./require-entry.mjs', import.meta.url);

/** Starts a worker thread running `module` and waits for its first message, which says that it has loaded. */
export async function startWorker(module: URL): Promise<Worker> {
  const worker = new Worker(ENTRY, { workerData: { entry: fileURLToPath(module) } });
  await once(worker, 'message');
  return worker;
}
