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
  const verdict = ratio >= target ? 'met' : `missed by ${Math.round((1 - ratio / target) * 100)} %`;
  return `${what}: ${ratio.toFixed(2)} (target ≥ ${target}): ${verdict}`;
}
