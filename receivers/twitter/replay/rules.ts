/**
 * The filtered-stream rules the replay server pretends to have: each tweet's `matching_rules` in
 * the v2 format are the rules whose terms it contains.
 */
import { ConfigurationError } from '../../../lib/index.js';

/**
 * A rule of the replay server: matches a tweet whose text, hashtags or mentions hold one of `terms` as a word.
 *
 * @example
 * startReplayServer({ file, rules: [{ id: '1', tag: 'phones', terms: ['iphone', 'android'] }] });
 */
export interface ReplayRule {
  /** The rule's id, a string of digits as the API's. */
  readonly id: string;
  /** The rule's tag, what the receiver puts in `Tweet.matchingRules`. */
  readonly tag: string;
  /** Words matched case-insensitively, with or without `#` or `@` (`apple` matches `#Apple` and `@apple`). */
  readonly terms: readonly string[];
}

/**
 * The rules of the Sanders corpus: it was collected by searching the four topics `apple`,
 * `google`, `microsoft` and `twitter`, and each of its tweets matches at least one.
 *
 * @example
 * SANDERS_RULES.map((r) => r.tag) // ['apple', 'google', 'microsoft', 'twitter']
 */
export const SANDERS_RULES: readonly ReplayRule[] = ['apple', 'google', 'microsoft', 'twitter'].map(
  (topic, i) => ({ id: String(1_450_000_000_000_000_001n + BigInt(i)), tag: topic, terms: [topic] }),
);

/** Rules compiled to regular expressions, in the order given. */
export class RuleMatcher {
  private readonly compiled: readonly { readonly rule: ReplayRule; readonly pattern: RegExp }[];

  /** @throws ConfigurationError for a rule without an id of digits, a tag or terms. */
  constructor(rules: readonly ReplayRule[]) {
    this.compiled = rules.map((rule, i) => {
      if (!/^\d{1,20}$/.test(String(rule.id)) || typeof rule.tag !== 'string' || rule.tag === '') {
        throw new ConfigurationError(
          `replay rule ${i}: give it an id of digits and a tag, e.g. { id: '1', tag: 'apple', terms: ['apple'] }`,
        );
      }
      const terms = (rule.terms ?? []).filter((t) => typeof t === 'string' && t.trim() !== '');
      if (terms.length === 0) {
        throw new ConfigurationError(`replay rule '${rule.tag}': terms must hold at least one word`);
      }
      const words = terms.map((t) =>
        t
          .trim()
          .toLowerCase()
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      );
      const pattern = new RegExp(`(?:^|[^\\p{L}\\p{N}_])(?:${words.join('|')})(?:$|[^\\p{L}\\p{N}_])`, 'u');
      return { rule, pattern };
    });
  }

  /**
   * The rules that `texts` (a tweet's text, hashtags, mentions) match, as v2's `matching_rules`.
   *
   * @example
   * new RuleMatcher(SANDERS_RULES).match(['Loving my new #iPhone from @Apple'])
   * // [{ id: '1450000000000000001', tag: 'apple' }]
   */
  match(texts: readonly string[]): { id: string; tag: string }[] {
    const haystack = texts.join('\n').toLowerCase();
    return this.compiled
      .filter((c) => c.pattern.test(haystack))
      .map((c) => ({ id: c.rule.id, tag: c.rule.tag }));
  }
}
