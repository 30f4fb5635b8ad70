import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResults, renderReport, resultSection } from '../../bench/report.js';
import type { BenchResult } from '../../bench/result.js';

const machine = {
  cpu: 'Test CPU',
  cores: 2,
  memoryGiB: 24,
  node: 'v20.19.0',
  jdk: 'openjdk version "17.0.15"',
};

const result: BenchResult = {
  name: 'streaming-wordcount',
  rows: [
    { system: 'kindling', metric: 'sustained words/s (1 s batches)', value: 12_345_678 },
    { system: 'spark', metric: 'sustained words/s (1 s batches)', value: 1_000_000 },
  ],
  ratios: { 'kindling / spark (sustained words/s)': 12.345678, 'kindling / plain-js': NaN },
  correct: true,
  skipped: [{ system: 'plain-js', reason: 'not asked for' }],
  notes: ['kindling / spark: 12.35 (target ≥ 3): met'],
  quick: true,
  measuredAt: '2026-01-01T00:00:00.000Z',
  loadAverage: [1.5, 1.25, 1],
};

test('a result section lists every figure, ratio, skip and note', (t) => {
  const section = resultSection(result);
  t.regex(section, /^## streaming-wordcount$/m);
  t.regex(section, /`--quick` run; ended 2026-01-01T00:00:00\.000Z; load average then 1\.5 \/ 1\.3 \/ 1\.0/);
  t.regex(section, /^\| kindling \| sustained words\/s \(1 s batches\) \| 12,345,678 \|$/m);
  t.regex(section, /^\| spark \| sustained words\/s \(1 s batches\) \| 1,000,000 \|$/m);
  t.regex(section, /^\| kindling \/ spark \(sustained words\/s\) \| 12\.346 \|$/m);
  t.regex(section, /^\| kindling \/ plain-js \| n\/a \|$/m);
  t.regex(section, /^Results agree with the reference: \*\*yes\*\*\.$/m);
  t.regex(section, /^Skipped \*\*plain-js\*\*: not asked for\.$/m);
  t.regex(section, /^- kindling \/ spark: 12\.35 \(target ≥ 3\): met$/m);
});

test('the report describes the machine, carries the analysis, then each result', (t) => {
  const report = renderReport(
    [result, { ...result, name: 'windowed', correct: false }],
    machine,
    '## Analysis\n\nWhy.\n',
  );
  t.regex(report, /^- CPU: Test CPU, 2 cores$/m);
  t.regex(report, /^- memory: 24 GiB$/m);
  t.regex(report, /^- Node: v20\.19\.0$/m);
  t.regex(report, /^- JDK: openjdk version "17\.0\.15"$/m);
  t.true(report.indexOf('## Analysis') < report.indexOf('## streaming-wordcount'));
  t.true(report.indexOf('## streaming-wordcount') < report.indexOf('## windowed'));
  t.regex(report, /agree with the reference: \*\*NO\*\*/);
  t.true(report.endsWith('\n') && !report.endsWith('\n\n'));
});

test('a report without results says how to make them', (t) => {
  t.regex(renderReport([], machine, ''), /No results yet: run `npm run bench` first\./);
});

test('results are read sorted by name; a file that is not a result is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-report-'));
  try {
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ ...result, name: 'b' }));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ ...result, name: 'a' }));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    t.deepEqual(
      (await readResults(dir)).map((r) => r.name),
      ['a', 'b'],
    );
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ rows: [] }));
    await t.throwsAsync(readResults(dir), { message: /c\.json is not a benchmark result/ });
    t.deepEqual(await readResults(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
