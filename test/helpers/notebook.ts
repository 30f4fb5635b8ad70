/**
 * Runs a Jupyter notebook in Jupyter with the TypeScript kernel tslab (`scripts/jupyter.ts`:
 * nbconvert, pinned, with the project's kernelspec) and gives back what each code cell printed.
 * The notebook test compares those texts with the outputs saved in the notebook, so a notebook's
 * shown outputs are always what its code prints today, in the kernel its users run.
 *
 *   npx tsx test/helpers/notebook.ts notebooks/NAME.ipynb           prints each cell's output
 *   npx tsx test/helpers/notebook.ts --write notebooks/NAME.ipynb   saves them into the notebook
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeNotebook, installJupyterKernel } from '../../scripts/jupyter.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface NotebookOutput {
  output_type?: string;
  name?: string;
  text?: string | string[];
}

interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  outputs?: NotebookOutput[];
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

/** What a cell printed on stdout, as its outputs hold it (Jupyter splits it into several). */
function stdoutOf(cell: NotebookCell): string {
  return (cell.outputs ?? [])
    .filter((output) => output.output_type === 'stream' && output.name === 'stdout')
    .map((output) => text(output.text ?? ''))
    .join('');
}

export async function readNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await readFile(path, 'utf8')) as Notebook;
}

/**
 * Runs every cell of the notebook in Jupyter (tslab), as `jupyter nbconvert --execute` does
 * (installing what it needs on first use, and building `dist/` when stale); rejects with the
 * failing cell and its error.
 */
export async function runNotebook(path: string): Promise<CellRun[]> {
  await installJupyterKernel();
  const out = join(root, 'test-artifacts', 'notebooks', basename(path));
  await rm(out, { force: true });
  await executeNotebook(path, out);
  const [saved, executed] = await Promise.all([readNotebook(path), readNotebook(out)]);
  return saved.cells.flatMap((cell, index) =>
    cell.cell_type === 'code'
      ? [
          {
            index,
            source: text(cell.source),
            printed: stdoutOf(executed.cells[index] as NotebookCell),
            saved: stdoutOf(cell),
          },
        ]
      : [],
  );
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
