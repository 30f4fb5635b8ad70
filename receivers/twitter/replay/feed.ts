/**
 * The tweets a replay server sends: the lines of a v1.1 JSON-lines file, each in both formats
 * (v1.1 as in the file, v2 converted), and when each is due in the replay.
 */
import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../../../lib/index.js';
import { isObject } from '../normalize.js';
import { parseV1Time } from '../twitter-time.js';
import type { TweetFormat } from '../tweet.js';
import type { RuleMatcher } from './rules.js';
import { toV2Message } from './to-v2.js';

/** How the replay is paced. */
export type Pace =
  /** As fast as the clients read. */
  | { readonly kind: 'asFast' }
  /** `perSecond` tweets a second. */
  | { readonly kind: 'rate'; readonly perSecond: number }
  /** The tweets' own timing (`created_at`), `factor` times faster. */
  | { readonly kind: 'speedup'; readonly factor: number };

/**
 * The lines of a replay file; see the file summary.
 *
 * @example
 * const feed = await Feed.load('tweets.jsonl', { kind: 'rate', perSecond: 10 }, new RuleMatcher(SANDERS_RULES));
 * feed.offsets[3]   // 300: line 3 is due 300 ms into the pass
 * feed.line(3, 'v2') // its v2 stream line
 */
export class Feed {
  private readonly v2 = new Map<number, string>();

  private constructor(
    /** The file's lines, as in the file (blank lines left out). */
    readonly lines: readonly string[],
    /** ms from the start of a pass at which each line is due. */
    readonly offsets: readonly number[],
    /** ms from the start of one pass to the start of the next (with `loop`). */
    readonly passLength: number,
    private readonly rules: RuleMatcher,
  ) {}

  /**
   * Reads `file` (v1.1 statuses, one per line, in time order) and times its lines by `pace`.
   * Lines that are no status are kept: the server sends them as they are.
   *
   * @throws ConfigurationError when the file cannot be read or holds no line.
   */
  static async load(file: string, pace: Pace, rules: RuleMatcher): Promise<Feed> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigurationError(`replay: cannot read ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const lines = text
      .split('\n')
      .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
      .filter((l) => l.trim() !== '');
    if (lines.length === 0)
      throw new ConfigurationError(
        `replay: ${file} holds no line; give a file of v1.1 statuses, one per line`,
      );
    const offsets = new Array<number>(lines.length);
    let passLength: number;
    if (pace.kind === 'rate') {
      for (let i = 0; i < lines.length; i++) offsets[i] = (i * 1000) / pace.perSecond;
      passLength = (lines.length * 1000) / pace.perSecond;
    } else if (pace.kind === 'speedup') {
      const times = lines.map(timeOf);
      const first = times.find((t) => t !== undefined) ?? 0;
      let last = 0;
      for (let i = 0; i < lines.length; i++) {
        // A line without a time (or out of order) goes with the one before it.
        last = Math.max(last, ((times[i] ?? first) - first) / pace.factor);
        offsets[i] = last;
      }
      passLength = last + 1000 / pace.factor;
    } else {
      offsets.fill(0);
      passLength = 0;
    }
    return new Feed(lines, offsets, passLength, rules);
  }

  /** Line `index` as a client of `format` gets it (without the line end). */
  line(index: number, format: TweetFormat): string {
    const raw = this.lines[index] as string;
    if (format === 'v1.1') return raw;
    let converted = this.v2.get(index);
    if (converted === undefined) {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined; // not JSON: sent as it is, for the client's dead letters
      }
      const message = json === undefined ? undefined : toV2Message(json, this.rules);
      converted = message === undefined ? raw : JSON.stringify(message);
      // Kept for other clients of the same pass; bounded by the file.
      this.v2.set(index, converted);
    }
    return converted;
  }
}

/** The `created_at` of a status line, ms; `undefined` when there is none. */
function timeOf(line: string): number | undefined {
  try {
    const json: unknown = JSON.parse(line);
    return isObject(json) && typeof json['created_at'] === 'string'
      ? parseV1Time(json['created_at'])
      : undefined;
  } catch {
    return undefined; // not JSON: timed with the line before it
  }
}
