// The entry of the two-thread plain loop's worker thread. On Node 20 a worker gets tsx's
// `require` hook (from the parent's `--import tsx`) but not its `import` hooks, so the
// TypeScript module is required from here.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./plain-worker.ts');
