/** How the benchmarks state a target of issue 7 against a measured ratio. */

/**
 * `"<what>: 2.41 (target ≥ 3): missed by 20 %"`, or `met`; `unmeasured` when the ratio is not a
 * number (a system was skipped or found no sustained rate).
 *
 * @example
 * targetNote('kindling / spark', 3.4, 3); // 'kindling / spark: 3.40 (target ≥ 3): met'
 */
export function targetNote(what: string, ratio: number | undefined, target: number): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return `${what}: unmeasured (target ≥ ${target})`;
  const short = (1 - ratio / target) * 100;
  // Below 1 % a whole number would read "missed by 0 %".
  const verdict = ratio >= target ? 'met' : `missed by ${short < 1 ? short.toFixed(1) : Math.round(short)} %`;
  return `${what}: ${ratio.toFixed(2)} (target ≥ ${target}): ${verdict}`;
}
