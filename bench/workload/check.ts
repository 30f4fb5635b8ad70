/**
 * Checks every run of every system against the plain reference count over the same batches (see
 * `digest.ts`), and keeps the mismatches for the benchmark's `correct` flag.
 */
import { expectedDigests } from './digest.js';
import { windowBatches, type Measured, type RunSpec } from './run-spec.js';

/** Collects the disagreements of the runs it is shown. */
export class DigestCheck {
  /** What disagreed, one line each (system, run and the first differing batch). */
  readonly problems: string[] = [];
  private readonly expected = new Map<string, string[]>();

  constructor(private readonly lines: readonly string[]) {}

  /**
   * Compares `measured`'s digests with the reference for `spec`; returns true when they agree.
   * With `partial`, a run cut off early (fewer batches) is checked on the batches it completed.
   *
   * @example
   * const check = new DigestCheck(lines);
   * check.verify('kindling', spec, await kindlingRun(lines, spec));
   */
  verify(system: string, spec: RunSpec, measured: Measured, partial = false): boolean {
    const window = windowBatches(spec);
    const key = `${spec.linesPerBatch}/${window ?? '-'}`;
    let expected = this.expected.get(key);
    if (!expected || expected.length < spec.batches) {
      expected = expectedDigests(this.lines, {
        linesPerBatch: spec.linesPerBatch,
        batches: spec.batches,
        ...(window === undefined ? {} : { windowBatches: window }),
      });
      this.expected.set(key, expected);
    }
    const run = `${spec.workload} ${spec.clock} ${spec.intervalMs} ms, ${spec.linesPerBatch} lines/batch`;
    const complete = measured.digests.length === spec.batches;
    if (!complete && !(partial && measured.digests.length < spec.batches)) {
      this.problems.push(`${system} (${run}): ${measured.digests.length} batches, expected ${spec.batches}`);
      return false;
    }
    for (let n = 0; n < measured.digests.length; n++) {
      if (measured.digests[n] !== expected[n]) {
        this.problems.push(
          `${system} (${run}): batch ${n + 1} digest ${measured.digests[n]}, expected ${expected[n]}`,
        );
        return false;
      }
    }
    return true;
  }
}
