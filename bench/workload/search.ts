/**
 * The search for the highest rate a system sustains: probe a rate, see whether the batches'
 * processing time stays within the limit, and move towards the boundary. The next rate comes from
 * the last probe's cost (processing time grows about linearly with the rate), kept inside the
 * bracket of the best passing and the lowest failing rate so far, and halving that bracket
 * (geometrically) when the estimate falls outside it, like bisection.
 */

/** What one probe found at `rate`. */
export interface ProbeOutcome {
  readonly rate: number;
  /** The processing-time figure compared with the limit (e.g. the p90 of the measured batches), ms. */
  readonly processingMs: number;
  /** True when the rate is sustained (`processingMs` within the limit). */
  readonly ok: boolean;
}

/** How the search proceeds. */
export interface SearchOptions {
  /** The first rate probed. */
  readonly startRate: number;
  /** The processing time a sustained rate stays within, ms (half the batch interval). */
  readonly limitMs: number;
  /** At most this many probes. */
  readonly maxProbes: number;
  /** Stop once the lowest failing rate is within this factor of the best passing one (e.g. 1.1). */
  readonly precision: number;
  /** Never probe below this rate (default 1); failing at it ends the search with rate 0. */
  readonly minRate?: number;
}

/** The search's answer. */
export interface SearchResult {
  /** The highest rate that passed; 0 when none did. */
  readonly rate: number;
  /** The lowest rate that failed, or Infinity when none did. */
  readonly failedAt: number;
  readonly probes: readonly ProbeOutcome[];
}

/**
 * Finds the highest rate that `probe` sustains.
 *
 * @example
 * const found = await searchSustainedRate(async (rate) => {
 *   const ms = await measure(rate);
 *   return { rate, processingMs: ms, ok: ms <= 500 };
 * }, { startRate: 100_000, limitMs: 500, maxProbes: 8, precision: 1.1 });
 */
export async function searchSustainedRate(
  probe: (rate: number) => Promise<ProbeOutcome>,
  options: SearchOptions,
): Promise<SearchResult> {
  const { limitMs, maxProbes, precision } = options;
  const minRate = options.minRate ?? 1;
  if (!(precision > 1) || !(limitMs > 0) || !(maxProbes >= 1) || !(options.startRate >= minRate)) {
    throw new RangeError(
      `bad search options: precision ${precision} must exceed 1, limit ${limitMs} ms and probes ${maxProbes} be positive, start rate ${options.startRate} be at least ${minRate}`,
    );
  }
  const probes: ProbeOutcome[] = [];
  let passed = 0;
  let failedAt = Infinity;
  let rate = Math.round(options.startRate);
  while (probes.length < maxProbes) {
    const outcome = await probe(rate);
    probes.push(outcome);
    if (outcome.ok) passed = Math.max(passed, rate);
    else failedAt = Math.min(failedAt, rate);
    if (failedAt <= minRate) break;
    if (passed > 0 && failedAt / passed <= precision) break;
    const next = nextRate(outcome, passed, failedAt, limitMs, precision);
    if (next === rate || (next < minRate && rate === minRate)) break;
    rate = Math.max(minRate, next);
  }
  return { rate: passed, failedAt, probes };
}

/** The next rate to probe (see the module's summary). */
export function nextRate(
  last: ProbeOutcome,
  passed: number,
  failedAt: number,
  limitMs: number,
  precision: number,
): number {
  // Aim a little under the limit, so that the estimate tends to land on the passing side.
  const estimate = (last.rate * (0.95 * limitMs)) / Math.max(last.processingMs, 1e-3);
  let next: number;
  if (failedAt === Infinity) next = Math.min(Math.max(estimate, last.rate * 1.25), last.rate * 8);
  else if (passed === 0) next = Math.max(Math.min(estimate, last.rate * 0.8), last.rate / 8);
  else {
    const margin = Math.sqrt(precision);
    next =
      estimate > passed * margin && estimate < failedAt / margin ? estimate : Math.sqrt(passed * failedAt);
  }
  return Math.max(1, Math.round(next));
}
