/**
 * The CPU-heavy per-record function of the parallel benchmark: parse one tweet's API JSON, then
 * tokenise its text, strip suffixes and score it against a small word list with negation, as
 * a lexicon sentiment scorer does. Self-contained, so that every thread runs exactly this code;
 * the worker threads import it by name (`workerTask(new URL('./score.ts', ...), 'scoreTweet')`).
 */

/** What the stage gives for a tweet. */
export interface ScoredTweet {
  readonly id: string;
  readonly user: string;
  /** Sum of the weights of the scored words; a negation word flips the next scored word. */
  readonly score: number;
  readonly tokens: number;
}

/** Weights of word stems (after {@link stem}): a short hand-made list, enough to give work. */
const WEIGHTS = new Map<string, number>([
  ['lov', 3],
  ['lik', 2],
  ['good', 2],
  ['great', 3],
  ['awesom', 4],
  ['amaz', 4],
  ['best', 3],
  ['happ', 3],
  ['happi', 3],
  ['thank', 2],
  ['cool', 1],
  ['nic', 2],
  ['fast', 1],
  ['win', 2],
  ['fix', 1],
  ['hat', -3],
  ['bad', -3],
  ['wors', -3],
  ['worst', -3],
  ['terribl', -3],
  ['suck', -3],
  ['fail', -2],
  ['brok', -2],
  ['broken', -2],
  ['crash', -2],
  ['slow', -2],
  ['annoy', -2],
  ['problem', -2],
  ['bug', -1],
  ['lost', -2],
  ['sad', -2],
  ['wtf', -4],
  ['angr', -3],
]);

const NEGATIONS = new Set(['not', 'no', 'never', "don't", "can't", "isn't", "won't", 'cannot']);
const SUFFIXES = ['ations', 'ation', 'ness', 'ing', 'ies', 'ied', 'ed', 'ly', 'es', 'er', 's', 'y', 'e'];

/** A crude suffix stripper: the longest listed suffix that leaves at least 3 letters goes. */
export function stem(word: string): string {
  for (const suffix of SUFFIXES) {
    if (word.length - suffix.length >= 3 && word.endsWith(suffix)) {
      const base = word.slice(0, word.length - suffix.length);
      return suffix === 'ies' || suffix === 'ied' ? `${base}i` : base;
    }
  }
  return word;
}

/** Scores one line of Twitter API JSON. Throws on a line that is not JSON. */
export function scoreTweet(line: string): ScoredTweet {
  const tweet = JSON.parse(line) as { id_str: string; text: string; user?: { screen_name?: string } };
  const tokens = tweet.text.toLowerCase().match(/[a-z']+/g) ?? [];
  let score = 0;
  let negate = false;
  for (const token of tokens) {
    if (NEGATIONS.has(token)) {
      negate = true;
      continue;
    }
    const weight = WEIGHTS.get(stem(token));
    if (weight !== undefined) {
      score += negate ? -weight : weight;
      negate = false;
    }
  }
  return { id: tweet.id_str, user: tweet.user?.screen_name ?? '', score, tokens: tokens.length };
}
