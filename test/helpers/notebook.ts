/**
 * Runs a Jupyter notebook's TypeScript code cells the way the tslab kernel would, top to bottom
 * in one module, and splits what they print back into one text per cell. The notebook test
 * compares those texts with the outputs saved in the notebook, so a notebook's shown outputs are
 * always what its code prints today.
 *
 *   npx tsx test/helpers/notebook.ts notebooks/NAME.ipynb           prints each cell's output
 *   npx tsx test/helpers/notebook.ts --write notebooks/NAME.ipynb   saves them into the notebook
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MARK = '\u241ecell\u241e';

interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}

/** A notebook as stored: the fields this helper reads and writes. */
export interface Notebook {
  cells: NotebookCell[];
  metadata: { kernelspec?: { name?: string; language?: string } } & Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** One code cell: its source and the text it printed (stdout), as run now and as saved. */
export interface CellRun {
  index: number;
  source: string;
  printed: string;
  saved: string;
}

const text = (source: string | string[]): string => (Array.isArray(source) ? source.join('') : source);

/** The stdout text saved in a cell's outputs (stream outputs to stdout only). */
function savedOutput(cell: NotebookCell): string {
  return (cell.outputs ?? [])
    .map((output) => output as { output_type?: string; name?: string; text?: string | string[] })
    .filter((output) => output.output_type === 'stream' && output.name === 'stdout')
    .map((output) => text(output.text ?? ''))
    .join('');
}

export async function readNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await readFile(path, 'utf8')) as Notebook;
}

/**
 * Runs the notebook's code cells in one child process (`node --import tsx`), from a module placed
 * inside the package so that `import ... from 'kindling'` resolves as it does for a user.
 */
export async function runNotebook(path: string, timeoutMs = 90_000): Promise<CellRun[]> {
  const notebook = await readNotebook(path);
  const code = notebook.cells
    .map((cell, index) => ({ cell, index }))
    .filter(({ cell }) => cell.cell_type === 'code');
  const module = code
    .map(({ cell }) => `console.log(${JSON.stringify(MARK)});\n${text(cell.source)}\n`)
    .join('');
  const dir = join(root, 'test-artifacts', 'notebooks');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${relative(join(root, 'notebooks'), path).replace(/[\\/]/g, '_')}.ts`);
  await writeFile(file, module);
  try {
    const stdout = await new Promise<string>((done, fail) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', file],
        { cwd: dirname(path), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
        (error, out, err) => {
          if (error) fail(new Error(`${path} failed: ${error.message}\n${err}`));
          else done(out);
        },
      );
    });
    const parts = stdout.split(`${MARK}\n`).slice(1);
    if (parts.length !== code.length) {
      throw new Error(`${path}: expected output of ${code.length} cells, got ${parts.length}`);
    }
    return code.map(({ cell, index }, i) => ({
      index,
      source: text(cell.source),
      printed: parts[i] as string,
      saved: savedOutput(cell),
    }));
  } finally {
    await rm(file, { force: true });
  }
}

/** Saves each code cell's printed text as its output, numbering the cells as a kernel would. */
export async function writeOutputs(path: string, runs: readonly CellRun[]): Promise<void> {
  const notebook = await readNotebook(path);
  runs.forEach((run, i) => {
    const cell = notebook.cells[run.index] as NotebookCell;
    cell.execution_count = i + 1;
    cell.outputs =
      run.printed === ''
        ? []
        : [{ output_type: 'stream', name: 'stdout', text: run.printed.split(/(?<=\n)/) }];
  });
  await writeFile(path, `${JSON.stringify(notebook, null, 1)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  for (const path of args.filter((a) => a !== '--write')) {
    const runs = await runNotebook(resolve(path));
    if (write) await writeOutputs(resolve(path), runs);
    else for (const run of runs) process.stdout.write(`--- cell ${run.index}\n${run.printed}`);
  }
}
