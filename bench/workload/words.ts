/**
 * The tokeniser of the streaming benchmarks, shared by every JavaScript system (Kindling on one
 * and two threads, the plain loops, the reference counts) and, being a module of its own, loadable
 * by a worker thread (a function cannot cross threads).
 *
 * It finds each space with `indexOf` and slices the word before it: the algorithm of Java's
 * `String.split` for a one-character separator, which the Spark baseline calls. V8's `split(' ')`
 * gives the same words but goes through the engine's runtime and looks short words up in its
 * string table, at two to three times the cost a word on these lines (the streaming-wordcount
 * benchmark measures both on its input and prints them); with it, the tokeniser of one language
 * against the other's would be measured rather than the engines.
 */

/**
 * The words of `line`: what `line.split(' ')` gives, for every string (empty words between two
 * spaces and at either end included).
 *
 * @example
 * words('to be or'); // ['to', 'be', 'or']
 */
export function words(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const end = line.indexOf(' ', start);
    if (end < 0) {
      out.push(line.slice(start));
      return out;
    }
    out.push(line.slice(start, end));
    start = end + 1;
  }
}
