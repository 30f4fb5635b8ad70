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

/** What `require-entry.mjs` is given: the module to require, and the worker's own data. */
export interface RequireEntryData {
  readonly entry: string;
  readonly data: unknown;
}

/**
 * Starts a worker thread running `module` (given `data` as `workerData` under `data`) and waits
 * for its first message, which says that it has loaded.
 */
export async function startWorker(module: URL, data?: unknown): Promise<Worker> {
  const workerData: RequireEntryData = { entry: fileURLToPath(module), data };
  const worker = new Worker(ENTRY, { workerData });
  await once(worker, 'message');
  return worker;
}
