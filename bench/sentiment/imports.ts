/**
 * How long importing a module takes in a fresh Node process, and what the import prints on
 * stdout: `natural` whole pulls in its storage backends, which call dotenv (tips on stdout,
 * and a `.env` file read from the working directory).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MARK = 'KINDLING-IMPORT-MS ';

/** One measured import: milliseconds, and the lines it printed on stdout besides the figure. */
export interface ImportTiming {
  readonly ms: number;
  readonly stdoutLines: readonly string[];
}

/**
 * Imports `specifier` (a package path, or a file of this repository through tsx) in a new
 * process, from the repository's root, and returns the time `import()` took.
 */
export function timeImport(specifier: string, options: { tsx?: boolean } = {}): Promise<ImportTiming> {
  const script =
    `const t = performance.now(); await import(${JSON.stringify(specifier)}); ` +
    `process.stdout.write('\\n${MARK}' + (performance.now() - t) + '\\n');`;
  const args = [...(options.tsx ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`importing ${specifier} failed: ${error.message}\n${stderr}`));
        return;
      }
      const lines = stdout.split('\n').filter((line) => line.trim() !== '');
      const mark = lines.find((line) => line.startsWith(MARK));
      if (mark === undefined) {
        reject(new Error(`importing ${specifier}: no timing on stdout:\n${stdout}`));
        return;
      }
      resolve({ ms: Number(mark.slice(MARK.length)), stdoutLines: lines.filter((line) => line !== mark) });
    });
  });
}
