/**
 * A paired comparison of two systems on the same batches: runs alternate between them (A B, then
 * B A, ...), so that a machine shared with other work slows both alike, which searches run one
 * after the other cannot promise. The ratio of their median batch times is their throughput
 * ratio at that batch size.
 */
import { median } from '../result.js';
import type { DigestCheck } from './check.js';
import type { RunSpec } from './run-spec.js';
import type { System } from './systems.js';

/** What a paired comparison found. */
export interface Paired {
  /** Median processing time of a measured batch, ms, of each system. */
  readonly firstMs: number;
  readonly secondMs: number;
  /** `secondMs / firstMs`: how many times the first system's throughput the second's is. */
  readonly ratio: number;
}

/**
 * Runs `spec` `rounds` times on each of `first` and `second`, alternating their order, every run
 * checked by `check`; the first `warmup` batches of each run are left out.
 *
 * @example
 * const { ratio } = await pairedRuns(systems.kindling, systems.plain, spec, 5, 2, check);
 */
export async function pairedRuns(
  first: System,
  second: System,
  spec: RunSpec,
  rounds: number,
  warmup: number,
  check: DigestCheck,
): Promise<Paired> {
  const times = new Map<System, number[]>([
    [first, []],
    [second, []],
  ]);
  for (let round = 0; round < rounds; round++) {
    for (const system of round % 2 === 0 ? [first, second] : [second, first]) {
      const measured = await system.run(spec);
      check.verify(system.name, spec, measured);
      times.get(system)?.push(...measured.processingMs.slice(warmup));
    }
  }
  const firstMs = median(times.get(first) ?? []);
  const secondMs = median(times.get(second) ?? []);
  return { firstMs, secondMs, ratio: secondMs / firstMs };
}
