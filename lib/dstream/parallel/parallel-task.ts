/**
 * Worker tasks: what a parallel stage runs. A function cannot be sent to a worker thread, so a
 * task names a module and one of its exports, which each thread imports once. This module holds
 * the task descriptor and the loop over one slice of a batch, which worker threads and the main
 * thread both run, so that a stage gives the same records wherever it runs.
 */
import { isAbsolute } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigurationError, describe } from '../../errors.js';
import { KeyTable, combineInto, countInto, reducer } from '../operators/key-table.js';
import type { Key } from '../operators/pairs.js';

/**
 * How a task's function is applied: to each record (`map`, `flatMap`, `filter`, as the narrow
 * operators) or to a whole slice of a batch (`mapPartitions`, Spark's name: `(records, batchTime)
 * => results`, which may be async).
 */
export type WorkerTaskKind = 'map' | 'flatMap' | 'filter' | 'mapPartitions';

const KINDS: readonly WorkerTaskKind[] = ['map', 'flatMap', 'filter', 'mapPartitions'];

/**
 * A function a parallel stage runs, named by module and export (see {@link workerTask}). `T` is
 * the type of the records it takes, `U` of those it gives; both are phantom types, for the
 * stage's signature.
 */
export interface WorkerTask<T, U> {
  /** The module's URL (`file:` for a file), as `import()` takes it. */
  readonly module: string;
  /** The name of the export to call. */
  readonly exportName: string;
  /** How the export is applied to a batch slice (`map`, `flatMap`, `filter` or `mapPartitions`). */
  readonly kind: WorkerTaskKind;
  /** @internal Never set: carries `T` and `U`. */
  readonly types?: (record: T) => U;
}

/**
 * Names a function for a parallel stage (`DStream.parallel`): the export `exportName` of the
 * module at `module`, which every worker thread imports once, and which the main thread imports at
 * start too (to check the export, and to run its share of slices or the whole stage inline).
 *
 * @param module the module: a `URL` (write `new URL('./score.ts', import.meta.url)`), an absolute
 *   path, or a `file:` or `data:` URL string. For a package, `import.meta.resolve('pkg')`.
 * @param exportName the export to call; `'default'` for the default export.
 * @param options.kind how it is applied: `'map'` (default: one result per record), `'flatMap'`
 *   (an iterable per record), `'filter'` (true keeps the record) or `'mapPartitions'` (the
 *   slice's array and the batch time in, an array or its promise out).
 *
 * @example
 * // score.ts
 * export function score(line: string): Scored { const t = JSON.parse(line) as Tweet; return { id: t.id, score: rate(t.text) }; }
 * // job.ts
 * lines.parallel(workerTask<string, Scored>(new URL('./score.ts', import.meta.url), 'score'));
 *
 * Gotchas: records and results cross threads by structured clone, so they must be cloneable
 * (no functions; a class instance arrives as a plain object). The module runs once per thread,
 * so module-level state is per thread, not shared. A TypeScript module loads in the workers when
 * the app runs under tsx (`tsx job.ts` or `node --import tsx`): workers inherit `execArgv`. On
 * Node 20 the workers get only tsx's `require` hook, so there a TypeScript module is required:
 * it must not use top-level `await`.
 */
export function workerTask<T, U>(
  module: URL | string,
  exportName: string,
  options: { readonly kind?: WorkerTaskKind } = {},
): WorkerTask<T, U> {
  const kind = options.kind ?? 'map';
  if (!KINDS.includes(kind)) {
    throw new ConfigurationError(
      `workerTask: kind must be one of ${KINDS.join(', ')}, got '${String(kind)}'`,
    );
  }
  if (typeof exportName !== 'string' || exportName === '') {
    throw new ConfigurationError(
      `workerTask(${String(module)}): give the name of the export to call ('default' for the default export)`,
    );
  }
  return { module: moduleUrl(module), exportName, kind };
}

/** The module's URL as `import()` takes it from any file; relative and bare names are refused. */
function moduleUrl(module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string') {
    throw new ConfigurationError(`workerTask: module must be a URL or a string, got ${typeof module}`);
  }
  if (/^(file|data):/.test(module)) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new ConfigurationError(
    `workerTask('${module}'): a worker resolves names from Kindling's folder, not from yours; ` +
      `give new URL('${module}', import.meta.url), an absolute path, or import.meta.resolve('${module}')`,
  );
}

/** What a slice's function threw: the record's index in the slice (-1: the whole slice) and the error. */
export interface SliceFailure<E = unknown> {
  readonly index: number;
  readonly error: E;
}

/**
 * What one slice gave. `out` holds the results (`map`, `flatMap`, `mapPartitions`); for `filter`,
 * `kept` holds the indexes of the records kept, so the records need not come back from a worker.
 */
export interface SliceResult<E = unknown> {
  readonly out?: unknown[];
  readonly kept?: number[];
  /** With `collect`: every record that threw, in order. Without: at most one, which ended the slice. */
  readonly failures: SliceFailure<E>[];
}

/**
 * How a slice's results are merged by key on the thread that made them, when a by-key operator
 * is fused with the stage: `reduceByKey` merges `[key, value]` results with `reduce`,
 * `countByValue` counts the results themselves.
 */
export type SliceCombine =
  | { readonly by: 'reduceByKey'; readonly reduce: (a: never, b: never) => unknown }
  | { readonly by: 'countByValue' };

/** A by-key operator fused with a parallel stage, as the graph holds it (the function by task). */
export type StageCombine =
  | { readonly by: 'reduceByKey'; readonly task: WorkerTask<unknown, unknown> }
  | { readonly by: 'countByValue' };

/**
 * Applies `fn` (of `kind`) to `records`. A record on which `fn` throws is skipped and kept in
 * `failures`; unless `collect` is set, the first such record ends the slice (the batch fails).
 * With `combine`, results are merged by key as they come (the map-side combine of Spark's
 * by-key operators): `out` holds one `[key, value]` per key, keys in the order they first came.
 * An error thrown by a `reduce` function is not a record's: it rejects the slice.
 */
export async function runSlice(
  fn: (...args: never[]) => unknown,
  kind: WorkerTaskKind,
  records: readonly unknown[],
  batchTime: number,
  collect: boolean,
  combine?: SliceCombine,
): Promise<SliceResult> {
  const failures: SliceFailure[] = [];
  // Without a combine, results go straight into `out` (no call per result on that path).
  const table = combine && new KeyTable<Key, unknown>();
  const merge = table && combine && mergeInto(table, combine);
  const out: unknown[] = [];
  if (kind === 'mapPartitions') {
    let results: unknown;
    try {
      results = await (fn as (records: readonly unknown[], time: number) => unknown)(records, batchTime);
      if (!Array.isArray(results))
        throw new TypeError(`a mapPartitions function must return an array, got ${typeof results}`);
    } catch (error) {
      return { out: [], failures: [{ index: -1, error }] };
    }
    if (!table || !merge) return { out: results, failures };
    for (let j = 0; j < results.length; j++) merge(results[j]);
    return { out: table.pairs(), failures };
  }
  const f = fn as (record: unknown) => unknown;
  const kept: number[] = [];
  for (let i = 0; i < records.length; i++) {
    let result: unknown;
    try {
      result = f(records[i]);
      if (isThenable(result)) {
        throw new TypeError(
          `a ${kind} worker function returned a promise; it must be synchronous (use kind 'mapPartitions' for async work)`,
        );
      }
      if (kind === 'flatMap' && !Array.isArray(result)) result = Array.from(result as Iterable<unknown>);
    } catch (error) {
      failures.push({ index: i, error });
      if (!collect) break;
      continue;
    }
    if (kind === 'flatMap') {
      const items = result as unknown[];
      if (merge) for (let j = 0; j < items.length; j++) merge(items[j]);
      else for (let j = 0; j < items.length; j++) out.push(items[j]);
    } else if (kind === 'map') {
      if (merge) merge(result);
      else out.push(result);
    } else if (result) {
      if (merge) merge(records[i]);
      else kept.push(i);
    }
  }
  if (table) return { out: table.pairs(), failures };
  return kind === 'filter' ? { kept, failures } : { out, failures };
}

/** The sink that merges a slice's results into `table` as `combine` says. */
function mergeInto(table: KeyTable<Key, unknown>, combine: SliceCombine): (result: unknown) => void {
  if (combine.by === 'countByValue')
    return countInto(table as KeyTable<Key, number>) as (result: unknown) => void;
  const add = combineInto(table, reducer(combine.reduce as (a: unknown, b: unknown) => unknown));
  return (result) => add(result as [Key, unknown]);
}

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Loads the function a task names: imports its module (once per thread, by `import()`'s cache)
 * and checks that the export is a function. Throws a {@link ConfigurationError} saying what is wrong.
 */
export async function loadTaskFunction(
  task: Pick<WorkerTask<unknown, unknown>, 'module' | 'exportName'>,
): Promise<(...args: never[]) => unknown> {
  let module: Record<string, unknown>;
  try {
    module = await importModule(task.module);
  } catch (error) {
    const hint = task.module.endsWith('.ts')
      ? '; a TypeScript module loads only when the app runs under tsx (tsx job.ts, or node --import tsx)'
      : '';
    throw new ConfigurationError(`could not load worker module ${task.module}: ${describe(error)}${hint}`, {
      cause: error,
    });
  }
  const fn = module[task.exportName];
  if (typeof fn !== 'function') {
    const exports = Object.keys(module).filter((k) => typeof module[k] === 'function');
    throw new ConfigurationError(
      `worker module ${task.module} has no function export '${task.exportName}' ` +
        `(function exports: ${exports.length > 0 ? exports.join(', ') : 'none'})`,
    );
  }
  return fn as (...args: never[]) => unknown;
}

/**
 * Imports a module by URL. On Node 20 a worker thread gets tsx's `require` hook from `--import
 * tsx` but not its `import()` hooks, so a TypeScript file that `import()` refuses is required.
 */
async function importModule(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !url.startsWith('file:')) throw error;
    return createRequire(import.meta.url)(fileURLToPath(url)) as Record<string, unknown>;
  }
}
