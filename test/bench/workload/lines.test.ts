import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  batchLines,
  generateLines,
  inputLines,
  seededRandom,
  wordOf,
} from '../../../bench/workload/lines.js';

test('the generator is deterministic: same seed, same sequence; another seed, another', (t) => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  const c = seededRandom(8);
  const first = [a(), a(), a()];
  t.deepEqual([b(), b(), b()], first);
  t.notDeepEqual([c(), c(), c()], first);
  t.true(first.every((x) => x >= 0 && x < 1));
});

test('words are distinct lower-case names, one per rank', (t) => {
  const words = Array.from({ length: 1000 }, (_, rank) => wordOf(rank));
  t.is(new Set(words).size, 1000);
  t.true(words.every((w) => /^[a-z]{2,}$/.test(w)));
});

test('generated lines have the asked shape, and common words come first', (t) => {
  const lines = generateLines({ lines: 2000, wordsPerLine: 10, vocabulary: 500, seed: 3 });
  t.is(lines.length, 2000);
  t.true(lines.every((line) => line.split(' ').length === 10));
  const counts = new Map<string, number>();
  for (const line of lines) for (const w of line.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  t.true((counts.get(wordOf(0)) ?? 0) > (counts.get(wordOf(400)) ?? 0) * 10);
  t.deepEqual(generateLines({ lines: 2000, wordsPerLine: 10, vocabulary: 500, seed: 3 }), lines);
  t.throws(() => generateLines({ lines: 1, wordsPerLine: 0, vocabulary: 10, seed: 1 }), {
    instanceOf: RangeError,
  });
});

test('the input file is written once and read back whole', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-lines-'));
  try {
    const spec = { lines: 50, wordsPerLine: 3, vocabulary: 20, seed: 1 };
    const { file, lines } = inputLines(spec, dir);
    t.deepEqual(lines, generateLines(spec));
    t.is(readFileSync(file, 'ascii'), `${lines.join('\n')}\n`);
    t.deepEqual(inputLines(spec, dir).lines, lines);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('batches are cut from (n * perBatch) mod size on, wrapping around', (t) => {
  const lines = ['0', '1', '2', '3', '4'];
  t.deepEqual(batchLines(lines, 0, 2), ['0', '1']);
  t.deepEqual(batchLines(lines, 2, 2), ['4', '0']);
  t.deepEqual(batchLines(lines, 1, 7), ['2', '3', '4', '0', '1', '2', '3']);
});
