/**
 * How the streaming benchmarks check that the systems agree: each batch's word counts are reduced
 * to a digest `pairs:sum:hash` (the number of (word, count) pairs, the sum of the counts, and the
 * sum modulo 2^32 of the 32-bit FNV-1a hash of each `word\tcount`), which does not depend on the
 * order of the pairs and is computed the same way by the Spark baseline. The expected digests come
 * from a reference count over the same batches, whose window is written apart from the plain
 * loop's.
 */
import { WordCounts } from './word-counts.js';

/**
 * The 32-bit FNV-1a hash of `text`'s UTF-16 code units (the benchmarks' words are ASCII, so the
 * same as of its bytes), as an unsigned number.
 *
 * @example
 * fnv1a('a'); // 0xe40c292c
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Folds (word, count) pairs into a digest; see the module's summary. */
export class DigestBuilder {
  private pairs = 0;
  private sum = 0;
  private hash = 0;

  add(word: string, count: number): void {
    this.pairs++;
    this.sum += count;
    this.hash = (this.hash + fnv1a(`${word}\t${count}`)) >>> 0;
  }

  toString(): string {
    return `${this.pairs}:${this.sum}:${this.hash}`;
  }
}

/** The digest of `pairs`. */
export function digestPairs(pairs: Iterable<readonly [string, number]>): string {
  const digest = new DigestBuilder();
  for (const [word, count] of pairs) digest.add(word, count);
  return digest.toString();
}

/**
 * The digests a run must produce, batch by batch: the word counts of each batch, or with
 * `windowBatches` of each window of that many batches ending at the batch (words whose count
 * fell to 0 left out). Each batch is counted once (a {@link WordCounts} table); the window is a
 * `Map` that takes each batch's counts in and, `windowBatches` later, out again.
 *
 * @example
 * expectedDigests(lines, { linesPerBatch: 1000, batches: 5 }); // ['1000:10000:…', …]
 */
export function expectedDigests(
  lines: readonly string[],
  run: { readonly linesPerBatch: number; readonly batches: number; readonly windowBatches?: number },
): string[] {
  const digests: string[] = [];
  const window = new Map<string, number>();
  const inWindow: WordCounts[] = [];
  const add = (counts: WordCounts, sign: number): void => {
    for (let i = 0; i < counts.words.length; i++) {
      const word = counts.words[i] as string;
      window.set(word, (window.get(word) ?? 0) + sign * (counts.counts[i] as number));
    }
  };
  for (let n = 0; n < run.batches; n++) {
    const batch = new WordCounts();
    batch.addLinesFrom(lines, n * run.linesPerBatch, run.linesPerBatch);
    const digest = new DigestBuilder();
    if (run.windowBatches === undefined) {
      for (let i = 0; i < batch.words.length; i++)
        digest.add(batch.words[i] as string, batch.counts[i] as number);
      digests.push(digest.toString());
      continue;
    }
    add(batch, 1);
    inWindow.push(batch);
    if (inWindow.length > run.windowBatches) add(inWindow.shift() as WordCounts, -1);
    for (const [word, count] of window) {
      if (count > 0) digest.add(word, count);
      else window.delete(word);
    }
    digests.push(digest.toString());
  }
  return digests;
}
