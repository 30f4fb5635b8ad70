/**
 * Every notebook under `notebooks/` runs top to bottom in Jupyter with the tslab kernel (as its
 * users run it: `kindling` imported as an installed package, compiled by tslab's own TypeScript
 * settings), uses only the public API, and shows the outputs its code prints today (refresh them
 * with `npm run notebooks`). The first run installs Jupyter and tslab under `.cache/` (see
 * `scripts/jupyter.ts`) and builds `dist/` when a source is newer than it.
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installJupyterKernel } from '../../scripts/jupyter.js';
import { readNotebook, runNotebook } from '../helpers/notebook.js';

const dir = fileURLToPath(new URL('../../notebooks/', import.meta.url));
const notebooks = readdirSync(dir).filter((name) => name.endsWith('.ipynb'));

test.before('Jupyter, tslab and a built kindling', async (t) => {
  t.timeout(10 * 60_000, 'a first install of Jupyter and tslab, and a build');
  await installJupyterKernel();
});

test('there are notebooks to check', (t) => {
  t.true(notebooks.length >= 2, `notebooks found: ${notebooks.join(', ')}`);
});

for (const name of notebooks) {
  const path = join(dir, name);

  test(`${name} is a TypeScript (tslab) notebook that imports only the public API`, async (t) => {
    const notebook = await readNotebook(path);
    t.is(notebook.metadata.kernelspec?.name, 'tslab');
    const code = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => [c.source].flat().join(''));
    const specifiers = code.flatMap((source) =>
      [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] as string),
    );
    t.true(specifiers.length > 0);
    for (const specifier of specifiers) {
      t.regex(
        specifier,
        /^(kindling(\/(receivers|lookups|outputs|analytics))?|node:[a-z/_]+)$/,
        `${name} imports ${specifier}`,
      );
    }
  });

  test(`${name} runs in Jupyter (tslab) and prints the outputs saved in it`, async (t) => {
    const runs = await runNotebook(path);
    t.true(
      runs.some((run) => run.saved.trim() !== ''),
      'the notebook has saved outputs to compare',
    );
    for (const run of runs) {
      t.is(run.printed, run.saved, `cell ${run.index} of ${name}:\n${run.source}`);
    }
  });
}
