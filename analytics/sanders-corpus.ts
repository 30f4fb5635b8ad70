/**
 * The Sanders Twitter Sentiment Corpus's label file (`corpus.csv`): one line per tweet,
 * `"topic","label","tweet id"`, no header. The labels say how the tweet feels about the topic.
 */
import { KindlingError } from '../lib/index.js';

/** A Sanders label: the tweet's sentiment toward its topic, or `irrelevant` (off topic, or not English). */
export type SandersLabel = 'positive' | 'negative' | 'neutral' | 'irrelevant';

/** One labeled tweet of the corpus. */
export interface SandersRow {
  /** The company the tweet was collected for: `apple`, `google`, `microsoft` or `twitter`. */
  readonly topic: string;
  /** How the tweet feels about `topic`, as the corpus's annotators labeled it. */
  readonly label: SandersLabel;
  /** The tweet's id, as a string (it does not fit a JavaScript number). */
  readonly id: string;
}

const LINE = /^"([^"]*)","(positive|negative|neutral|irrelevant)","(\d+)"$/;

/**
 * Parses the corpus file's text into a map from tweet id to its row. Blank lines (a final line
 * break) are skipped; any other line that is not `"topic","label","digits"` throws, naming the
 * line, as does an id given twice.
 *
 * @example
 * const labels = parseSandersCorpus(readFileSync('sanders_corpus.csv', 'utf8'));
 * labels.get('126415614616154112'); // { topic: 'apple', label: 'positive', id: '126415614616154112' }
 */
export function parseSandersCorpus(text: string): Map<string, SandersRow> {
  const rows = new Map<string, SandersRow>();
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] as string;
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) {
      throw new KindlingError(
        `Sanders corpus line ${n + 1}: ${JSON.stringify(line.slice(0, 80))} is not ` +
          '"topic","positive|negative|neutral|irrelevant","tweet id"',
      );
    }
    const [, topic, label, id] = match as unknown as [string, string, SandersLabel, string];
    if (rows.has(id)) throw new KindlingError(`Sanders corpus line ${n + 1}: tweet id ${id} appears twice`);
    rows.set(id, { topic, label, id });
  }
  return rows;
}
