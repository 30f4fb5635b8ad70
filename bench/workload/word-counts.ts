/**
 * The plain loops' word counts: a hash table of word -> count written for the job, as a
 * hand-written counting loop at its best would have one. Its slots are open-addressed in an
 * `Int32Array` (an index into the words and the word's hash side by side) and the hash is FNV-1a
 * computed here, so that counting a word takes one probe and usually one string comparison,
 * where a `Map` takes a `get` and a `set`, each hashing the freshly sliced word in the engine:
 * counting 1.25M words of the benchmarks' lines takes about half the time of a `Map`'s (the way
 * Kindling's by-key table and Spark's map-side combine count). Lines are split as `words.ts`
 * splits them, without an array per line.
 */

const EMPTY = -1;

/** The 32-bit FNV-1a hash of `word`'s UTF-16 code units, as a signed 32-bit number (the slots'). */
function hashOf(word: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * Words with a count each, in the order they were first counted; reusable from batch to batch
 * ({@link clear}).
 *
 * @example
 * const counts = new WordCounts();
 * counts.addLines(['to be or', 'not to be'], 0, 2);
 * counts.words; // ['to', 'be', 'or', 'not']
 * counts.counts; // [2, 2, 1, 1]
 */
export class WordCounts {
  /** The words, in the order they were first counted. */
  readonly words: string[] = [];
  /** `counts[i]` is the count of `words[i]` (0 or less once taken out, until {@link dropZeros}). */
  readonly counts: number[] = [];
  /** Two numbers a slot: an index into `words` (or EMPTY) and that word's hash. */
  private slots = new Int32Array(2 * 1024).fill(EMPTY);

  /** Adds `n` to `word`'s count (a new word starts at `n`). */
  add(word: string, n: number): void {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const hash = hashOf(word);
    let slot = hash & mask;
    for (;;) {
      const index = slots[2 * slot] as number;
      if (index === EMPTY) break;
      if (slots[2 * slot + 1] === hash && this.words[index] === word) {
        this.counts[index] = (this.counts[index] as number) + n;
        return;
      }
      slot = (slot + 1) & mask;
    }
    const index = this.words.length;
    this.words.push(word);
    this.counts.push(n);
    // At most a quarter of the slots taken, so that probes stay short.
    if (4 * this.words.length > slots.length) this.rehash(2 * slots.length);
    else {
      slots[2 * slot] = index;
      slots[2 * slot + 1] = hash;
    }
  }

  /** Counts the words of `lines[from]` to `lines[to - 1]`: what `line.split(' ')` gives of each. */
  addLines(lines: readonly string[], from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const line = lines[i] as string;
      let start = 0;
      for (;;) {
        const end = line.indexOf(' ', start);
        if (end < 0) {
          this.add(line.slice(start), 1);
          break;
        }
        this.add(line.slice(start, end), 1);
        start = end + 1;
      }
    }
  }

  /**
   * Counts the words of `count` lines of `lines` from line `first` on, wrapping around at the end
   * of `lines` (the lines of a batch: see `batchLines`), read where they lie.
   */
  addLinesFrom(lines: readonly string[], first: number, count: number): void {
    let from = first % lines.length;
    for (let left = count; left > 0; from = 0) {
      const to = Math.min(lines.length, from + left);
      this.addLines(lines, from, to);
      left -= to - from;
    }
  }

  /** Forgets every word; the table keeps its size. */
  clear(): void {
    this.words.length = 0;
    this.counts.length = 0;
    this.slots.fill(EMPTY);
  }

  /** Forgets the words whose count is 0 or less (the order of the others is kept). */
  dropZeros(): void {
    const { words, counts } = this;
    let kept = 0;
    for (let i = 0; i < words.length; i++) {
      const count = counts[i] as number;
      if (count <= 0) continue;
      words[kept] = words[i] as string;
      counts[kept] = count;
      kept++;
    }
    words.length = kept;
    counts.length = kept;
    this.rehash(this.slots.length);
  }

  /** Places every word again in `size` slots' numbers. */
  private rehash(size: number): void {
    const slots = new Int32Array(size).fill(EMPTY);
    const mask = (size >> 1) - 1;
    for (let index = 0; index < this.words.length; index++) {
      const hash = hashOf(this.words[index] as string);
      let slot = hash & mask;
      while (slots[2 * slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[2 * slot] = index;
      slots[2 * slot + 1] = hash;
    }
    this.slots = slots;
  }
}
