// The entry of the benchmarks' own worker threads (see ts-worker.ts): requires the TypeScript
// module named in workerData.entry, through the tsx `require` hook the thread inherits.
import { createRequire } from 'node:module';
import { workerData } from 'node:worker_threads';

createRequire(import.meta.url)(workerData.entry);
