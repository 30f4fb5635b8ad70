/** Console outputs: `stdoutOutput`, `stderrOutput` and `linesOutput` (any Writable). */
export { linesOutput, stderrOutput, stdoutOutput } from './output.js';
export type { ConsoleOutputOptions } from './output.js';
