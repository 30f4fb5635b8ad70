/**
 * The JSON Lines parser every connector uses: one JSON value per non-blank line. A line that is
 * not JSON throws with its (1-based) number as `line`, for messages that name the file and line.
 */
import { KindlingError } from '../../lib/index.js';

/** One value of a JSON Lines text and the (1-based) line it is on. */
export interface JsonLine {
  readonly value: unknown;
  readonly line: number;
}

/**
 * The values of `text` in order, blank lines skipped, parsed as they are taken (so a caller's
 * check of one line runs before later lines are parsed). A line that is not JSON throws a
 * KindlingError `not JSON (...)` with the line's number as `line`.
 *
 * @example
 * [...jsonLines('{"id":1}\n\n{"id":2}\n')] // [{ value: { id: 1 }, line: 1 }, { value: { id: 2 }, line: 3 }]
 */
export function* jsonLines(text: string): Generator<JsonLine> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const source = (lines[i] as string).trim();
    if (source === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw Object.assign(new KindlingError(`not JSON (${(error as Error).message})`), { line: i + 1 });
    }
    yield { value, line: i + 1 };
  }
}
