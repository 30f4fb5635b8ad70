import test from 'ava';
import { DigestCheck } from '../../../bench/workload/check.js';
import { kindlingRun } from '../../../bench/workload/kindling.js';
import { generateLines } from '../../../bench/workload/lines.js';
import { plainRun } from '../../../bench/workload/plain.js';
import { PlainTwoThreads, plainRun2 } from '../../../bench/workload/plain-threads.js';
import type { RunSpec } from '../../../bench/workload/run-spec.js';

const lines = generateLines({ lines: 300, wordsPerLine: 5, vocabulary: 50, seed: 11 });

const specs: RunSpec[] = [
  { workload: 'wordcount', clock: 'manual', intervalMs: 1000, linesPerBatch: 70, batches: 6 },
  { workload: 'windowed', clock: 'manual', intervalMs: 1000, windowMs: 3000, linesPerBatch: 70, batches: 8 },
  // 400 lines a batch: more than the input (300 lines), so a batch wraps around it.
  { workload: 'windowed', clock: 'manual', intervalMs: 1000, windowMs: 2000, linesPerBatch: 400, batches: 5 },
  {
    workload: 'wordcount',
    clock: 'manual',
    intervalMs: 1000,
    linesPerBatch: 70,
    batches: 6,
    checkpointMs: 1000,
  },
  {
    workload: 'windowed',
    clock: 'manual',
    intervalMs: 1000,
    windowMs: 3000,
    linesPerBatch: 70,
    batches: 8,
    checkpointMs: 2000,
  },
];

for (const spec of specs) {
  const checkpoints = spec.checkpointMs === undefined ? '' : `, checkpoint every ${spec.checkpointMs} ms`;
  test(`Kindling and the plain loop agree with the reference: ${spec.workload}, ${spec.linesPerBatch} lines${checkpoints}`, async (t) => {
    const check = new DigestCheck(lines);
    const kindling = await kindlingRun(lines, spec);
    const plain = await plainRun(lines, spec);
    t.true(check.verify('kindling', spec, kindling), check.problems.join('; '));
    t.true(check.verify('plain-js', spec, plain), check.problems.join('; '));
    t.is(kindling.processingMs.length, spec.batches);
    t.deepEqual(
      kindling.schedulingMs,
      kindling.processingMs.map(() => 0),
    );
  });
}

test('a run with the system clock reports each batch with its delays', async (t) => {
  const spec: RunSpec = {
    workload: 'wordcount',
    clock: 'system',
    intervalMs: 20,
    linesPerBatch: 30,
    batches: 4,
  };
  const measured = await kindlingRun(lines, spec);
  const check = new DigestCheck(lines);
  t.true(check.verify('kindling', spec, measured), check.problems.join('; '));
  t.is(measured.totalMs.length, 4);
  measured.totalMs.forEach((total, i) =>
    t.is(total, (measured.schedulingMs[i] ?? NaN) + (measured.processingMs[i] ?? NaN)),
  );
});

test('a wrong digest is reported with the system and the batch', (t) => {
  const spec = specs[0] as RunSpec;
  const check = new DigestCheck(lines);
  const wrong = { processingMs: [1], schedulingMs: [0], totalMs: [1], digests: ['1:1:1'] };
  t.false(check.verify('spark', { ...spec, batches: 1 }, wrong));
  t.regex(
    check.problems[0] ?? '',
    /^spark \(wordcount manual 1000 ms, 70 lines\/batch\): batch 1 digest 1:1:1, expected /,
  );
  t.false(check.verify('spark', spec, wrong), 'too few batches');
  t.true(
    check.verify('spark', spec, { ...wrong, digests: [] }, true),
    'a cut-off run is checked on what it completed',
  );
});

test('the plain loop refuses the system clock, and a window must be a multiple of the interval', async (t) => {
  await t.throwsAsync(plainRun(lines, { ...(specs[0] as RunSpec), clock: 'system' }), {
    message: /manual clock only/,
  });
  await t.throwsAsync(plainRun(lines, { ...(specs[1] as RunSpec), windowMs: 2500 }), {
    message: /window 2500 ms is not a positive multiple of the batch interval 1000 ms/,
  });
});

test('the plain loop on two threads serves run after run on one worker thread', async (t) => {
  const check = new DigestCheck(lines);
  const loop = await PlainTwoThreads.start();
  try {
    for (const linesPerBatch of [70, 1, 450]) {
      const spec = { ...(specs[0] as RunSpec), linesPerBatch };
      t.true(
        check.verify('plain-js-2-threads', spec, await loop.run(lines, spec)),
        check.problems.join('; '),
      );
    }
  } finally {
    await loop.close();
  }
});

test('the plain loop on two threads agrees with the reference, and builds the word count only', async (t) => {
  const check = new DigestCheck(lines);
  const spec = specs[0] as RunSpec;
  const two = await plainRun2(lines, spec);
  t.true(check.verify('plain-js-2-threads', spec, two), check.problems.join('; '));
  t.is(two.processingMs.length, spec.batches);
  await t.throwsAsync(plainRun2(lines, specs[1] as RunSpec), { message: /'windowed' version is not built/ });
  await t.throwsAsync(plainRun2(lines, { ...spec, clock: 'system' }), { message: /manual clock only/ });
});
