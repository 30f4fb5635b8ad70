import test from 'ava';
import { DigestCheck } from '../../../bench/workload/check.js';
import { expectedDigests } from '../../../bench/workload/digest.js';
import { pairedRuns } from '../../../bench/workload/paired.js';
import type { Measured, RunSpec } from '../../../bench/workload/run-spec.js';
import type { System } from '../../../bench/workload/systems.js';

const lines = ['a b', 'b c', 'c a'];
const spec: RunSpec = {
  workload: 'wordcount',
  clock: 'manual',
  intervalMs: 1000,
  linesPerBatch: 2,
  batches: 3,
};

/** A system whose batches take `ms` each (the first 1000 ms), with the right digests. */
function fake(name: System['name'], ms: number, order: string[]): System {
  return {
    name,
    run: (run): Promise<Measured> => {
      order.push(name);
      const processingMs = [1000, ms, ms];
      return Promise.resolve({
        processingMs,
        schedulingMs: [0, 0, 0],
        totalMs: processingMs,
        digests: expectedDigests(lines, run),
      });
    },
  };
}

test('paired runs alternate the order, leave out the warm-up, and give the throughput ratio', async (t) => {
  const order: string[] = [];
  const check = new DigestCheck(lines);
  const paired = await pairedRuns(fake('kindling', 8, order), fake('plain-js', 6, order), spec, 4, 1, check);
  t.deepEqual(order, [
    'kindling',
    'plain-js',
    'plain-js',
    'kindling',
    'kindling',
    'plain-js',
    'plain-js',
    'kindling',
  ]);
  t.is(paired.firstMs, 8);
  t.is(paired.secondMs, 6);
  t.is(paired.ratio, 0.75);
  t.deepEqual(check.problems, []);
});
