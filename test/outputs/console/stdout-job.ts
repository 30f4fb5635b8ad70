/**
 * A job for the console output test, run as a child process: writes its batches to stdout as
 * JSON Lines and to stderr as text, then exits. `argv[2]` is the number of records per batch.
 */
import { ManualClock, StreamingContext } from '../../../lib/index.js';
import { stderrOutput, stdoutOutput } from '../../../outputs/console/index.js';

const n = Number(process.argv[2] ?? '10');
const clock = new ManualClock();
const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'stdout-job' });
const batches = [0, 1, 2].map((b) =>
  Array.from({ length: n }, (_, i) => ({ batch: b, i, text: `t"${i}\n` })),
);
const stream = ssc.queueStream(batches);
stdoutOutput(stream, { format: 'jsonl' });
stderrOutput(stream.filter((r) => r.i === 0).map((r) => `batch ${r.batch} started`));
await ssc.start();
await clock.advance(3000);
await ssc.stop();
