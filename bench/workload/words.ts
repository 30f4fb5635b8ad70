/**
 * The worker task of Kindling's two-thread word count (`bench/workload/kindling.ts`): the same
 * split as every other system, in a module of its own since a function cannot cross threads.
 */

/** The words of a line: the benchmarks' lines are lower-case words joined by single spaces. */
export function words(line: string): string[] {
  return line.split(' ');
}
