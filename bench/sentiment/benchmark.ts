/**
 * The sentiment benchmark: Kindling's scorer (`SentimentScorer`, AFINN-165 through natural, with
 * the tweet tokenizer's negation scopes, emoticons and HTML decoding) against the `sentiment` npm
 * package (AFINN-165 with its own tokenizer and negation) as the baseline, on the 359 positive
 * and negative rows of the Sentiment140 hand-labeled test set. Same two-class rule for both: a
 * score above 0 is positive, below 0 negative, exactly 0 is no answer and counts as wrong.
 * Reports accuracy and macro-F1 of each, tweets scored per second of each (median of several
 * runs of many passes over the rows, the two scorers' runs alternating), and the time to import
 * natural whole, natural's sentiment module, Kindling's core and kindling/analytics in a fresh
 * process. Correct when both were evaluated on exactly 359 rows, every figure is finite and
 * within [0, 1], every timed pass gave the same answers as the evaluation, Kindling beats always
 * answering the majority class, and importing kindling/analytics prints nothing on stdout.
 */
import { readFile } from 'node:fs/promises';
import Sentiment from 'sentiment';
import { classificationMetrics, type ClassificationMetrics } from '../../analytics/metrics.js';
import { SentimentScorer } from '../../analytics/sentiment.js';
import { median, type BenchOptions, type BenchResult, type BenchRow } from '../result.js';
import { timeImport } from './imports.js';

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface SentimentSettings {
  /** Passes over the rows per timed run. */
  readonly passes: number;
  /** Timed runs of each scorer (after a warm-up pass each); the median is reported. */
  readonly runs: number;
  /** Fresh processes per import timing; the median is reported. */
  readonly importRuns: number;
}

/** What `npm run bench -- sentiment` runs. */
export const FULL: SentimentSettings = { passes: 100, runs: 7, importRuns: 3 };
/** What `--quick` runs: fewer passes and runs, one process per import timing. */
export const QUICK: SentimentSettings = { passes: 10, runs: 2, importRuns: 1 };

type Polarity = 'positive' | 'negative';

/** A row of the test set with a two-class label. */
export interface LabeledText {
  readonly text: string;
  readonly label: Polarity;
}

/** The positive and negative rows of the bundled Sentiment140 test set, in file order. */
export async function loadSentiment140(): Promise<LabeledText[]> {
  const file = new URL('../../examples/tweets/data/sentiment140_test.jsonl', import.meta.url);
  const rows: LabeledText[] = [];
  const lines = (await readFile(file, 'utf8')).split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] as string;
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { text?: unknown; label?: unknown };
    if (typeof row.text !== 'string' || !['positive', 'negative', 'neutral'].includes(String(row.label))) {
      throw new Error(
        `sentiment140_test.jsonl line ${n + 1}: expected {text, label: positive|negative|neutral}`,
      );
    }
    if (row.label !== 'neutral') rows.push({ text: row.text, label: row.label as Polarity });
  }
  return rows;
}

/** The two-class rule both scorers follow: > 0 positive, < 0 negative, 0 no answer. */
export function polarityOf(score: number): Polarity | undefined {
  return score > 0 ? 'positive' : score < 0 ? 'negative' : undefined;
}

/** A scorer under test: the score of one English text. */
type Score = (text: string) => number;

function answers(rows: readonly LabeledText[], score: Score): (Polarity | undefined)[] {
  return rows.map((row) => polarityOf(score(row.text)));
}

function evaluate(
  rows: readonly LabeledText[],
  predicted: readonly (Polarity | undefined)[],
): ClassificationMetrics<Polarity> {
  return classificationMetrics(
    rows.map((row, i) => [predicted[i], row.label] as const),
    ['positive', 'negative'],
  );
}

/** Seconds for `passes` passes of `score` over `rows`; `check` sees the answers of each pass. */
function timePasses(
  rows: readonly LabeledText[],
  score: Score,
  passes: number,
  check: (answers: string) => void,
): number {
  const start = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) {
    let signature = '';
    for (const row of rows) {
      const s = score(row.text);
      signature += s > 0 ? '+' : s < 0 ? '-' : '0';
    }
    check(signature);
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runSentiment(
  options: BenchOptions,
  settings?: SentimentSettings,
): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  const rows = await loadSentiment140();
  log(`sentiment: ${rows.length} Sentiment140 rows, ${s.runs} runs of ${s.passes} passes per scorer`);

  const scorer = new SentimentScorer();
  const baseline = new Sentiment();
  const scorers: Record<'kindling' | 'sentiment', Score> = {
    kindling: (text) => {
      const result = scorer.score(text, 'en');
      if (!result.scored) throw new Error(`English was not scored: ${result.reason}`);
      return result.score;
    },
    sentiment: (text) => baseline.analyze(text).score,
  };

  const problems: string[] = [];
  const rowsOut: BenchRow[] = [];
  const metrics = {} as Record<keyof typeof scorers, ClassificationMetrics<Polarity>>;
  const rates = {} as Record<keyof typeof scorers, number>;
  const names = ['kindling', 'sentiment'] as const;
  const checks = {} as Record<keyof typeof scorers, (signature: string) => void>;
  for (const name of names) {
    const predicted = answers(rows, scorers[name]);
    const m = evaluate(rows, predicted);
    metrics[name] = m;
    if (m.total !== 359) problems.push(`${name}: evaluated on ${m.total} rows, expected 359`);
    for (const [figure, value] of [
      ['accuracy', m.accuracy],
      ['macro-F1', m.macroF1],
    ] as const) {
      if (!(Number.isFinite(value) && value >= 0 && value <= 1))
        problems.push(`${name}: ${figure} ${value} is not within [0, 1]`);
    }
    const expected = predicted.map((p) => (p === 'positive' ? '+' : p === 'negative' ? '-' : '0')).join('');
    checks[name] = (signature) => {
      if (signature !== expected)
        problems.push(`${name}: a timed pass answered differently from the evaluation`);
    };
    timePasses(rows, scorers[name], 1, checks[name]);
  }
  // The runs of the two scorers alternate, so that a busy machine slows both alike.
  const times = { kindling: [] as number[], sentiment: [] as number[] };
  for (let run = 0; run < s.runs; run++) {
    for (const name of run % 2 === 0 ? names : [...names].reverse()) {
      times[name].push(timePasses(rows, scorers[name], s.passes, checks[name]));
    }
  }
  // One pass each with a new scorer (built, and English loaded, before the clock starts): for
  // Kindling, every word is a memo miss, as in the first batches of a stream.
  const fresh: Record<keyof typeof scorers, () => Score> = {
    kindling: () => {
      const cold = new SentimentScorer();
      cold.score('', 'en');
      return (text) => (cold.score(text, 'en') as { score: number }).score;
    },
    sentiment: () => {
      const cold = new Sentiment();
      return (text) => cold.analyze(text).score;
    },
  };
  const firstPass = { kindling: [] as number[], sentiment: [] as number[] };
  for (let run = 0; run < s.runs; run++) {
    for (const name of names) firstPass[name].push(timePasses(rows, fresh[name](), 1, checks[name]));
  }
  for (const name of names) {
    const m = metrics[name];
    rates[name] = (rows.length * s.passes) / median(times[name]);
    log(
      `  ${name}: accuracy ${m.accuracy.toFixed(3)}, macro-F1 ${m.macroF1.toFixed(3)}, ${Math.round(rates[name])} tweets/s`,
    );
    rowsOut.push(
      { system: name, metric: 'accuracy', value: m.accuracy },
      { system: name, metric: 'macro-F1', value: m.macroF1 },
      { system: name, metric: 'no answer (score 0)', value: m.abstained },
      { system: name, metric: 'tweets/s', value: rates[name] },
      {
        system: name,
        metric: 'tweets/s (one pass, new scorer)',
        value: rows.length / median(firstPass[name]),
      },
    );
  }
  const majority = metrics.kindling.majorityAccuracy;
  rowsOut.push({ system: 'majority class', metric: 'accuracy', value: majority });
  if (!(metrics.kindling.accuracy > majority)) {
    problems.push(
      `kindling: accuracy ${metrics.kindling.accuracy} does not beat the majority class ${majority}`,
    );
  }

  const imports: [system: string, specifier: string, tsx: boolean][] = [
    ['kindling (core, lib/)', './lib/index.ts', true],
    ['natural (whole)', 'natural', false],
    ['natural (sentiment module)', 'natural/lib/natural/sentiment/index.js', false],
    ['kindling/analytics', './analytics/index.ts', true],
  ];
  for (const [system, specifier, tsx] of imports) {
    const timings = [];
    for (let run = 0; run < s.importRuns; run++) timings.push(await timeImport(specifier, { tsx }));
    const printed = timings[0]?.stdoutLines.length ?? 0;
    log(`  import ${system}: ${median(timings.map((x) => x.ms)).toFixed(0)} ms, ${printed} lines on stdout`);
    rowsOut.push(
      { system, metric: 'import (ms)', value: median(timings.map((x) => x.ms)) },
      { system, metric: 'import: lines on stdout', value: printed },
    );
    if (system === 'kindling/analytics' && printed > 0) {
      problems.push(`importing kindling/analytics printed on stdout: ${timings[0]?.stdoutLines.join(' | ')}`);
    }
  }
  rowsOut.push({ system: 'input', metric: 'rows (positive + negative)', value: rows.length });

  for (const problem of problems) log(`  PROBLEM ${problem}`);
  return {
    name: 'sentiment',
    rows: rowsOut,
    ratios: {
      'kindling / sentiment (accuracy)': metrics.kindling.accuracy / metrics.sentiment.accuracy,
      'kindling / sentiment (macro-F1)': metrics.kindling.macroF1 / metrics.sentiment.macroF1,
      'kindling / sentiment (tweets/s)': rates.kindling / rates.sentiment,
    },
    correct: problems.length === 0,
    notes: [
      'Two-class rule for both: score > 0 positive, < 0 negative, 0 = no answer, counted as wrong.',
      'tweets/s: median of runs of many passes over the 359 rows, in one process, after a warm-up pass.',
      "Kindling's scorer memoises natural's score per word (up to 100k words per language): later passes hit the memo, as a stream's common words do.",
      'Import times: one fresh node process per measurement; kindling modules through tsx, so they include transpiling (compare kindling/analytics with kindling core).',
    ],
    quick: options.quick,
  };
}

/** The entry point `bench/run.ts` calls. */
export default function sentiment(options: BenchOptions): Promise<BenchResult> {
  return runSentiment(options);
}
