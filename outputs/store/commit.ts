/**
 * The commit protocol of the folder-per-batch outputs, on any {@link FileStore}: a file is written
 * under a temporary name and renamed into place; a folder is complete once its `_SUCCESS` marker
 * exists; committing a folder again replaces it.
 */
import type { FileStore } from './store.js';

/** The marker whose presence says a folder is complete. */
export const SUCCESS = '_SUCCESS';

/** The temporary name `path` is written under before the rename ('.'-prefixed: readers skip it). */
export function temporaryPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.tmp`;
}

/**
 * Writes a file atomically: to its temporary name (durably), then renamed to `path`.
 *
 * @example
 * await writeAtomically(store, 'batch-1000/part-00000.jsonl', ['{"a":1}\n']);
 */
export async function writeAtomically(
  store: FileStore,
  path: string,
  chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<void> {
  const temp = temporaryPath(path);
  await store.write(temp, chunks);
  await store.rename(temp, path);
}

/** One file of a folder to commit. */
export interface PartFile {
  /** The file's name in the folder, e.g. `part-00000.jsonl`. */
  readonly name: string;
  /** The file's content, in order: strings (written as UTF-8) or bytes. */
  readonly chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;
}

/**
 * Commits `folder` with `parts`: deletes what a former attempt left there (its marker first, so
 * readers stop trusting it), writes each part atomically, then writes `_SUCCESS`.
 *
 * @example
 * await commitFolder(store, 'batch-1000', [{ name: 'part-00000.jsonl', chunks }]);
 */
export async function commitFolder(
  store: FileStore,
  folder: string,
  parts: readonly PartFile[],
): Promise<void> {
  await store.delete(`${folder}/${SUCCESS}`);
  await store.delete(folder);
  for (const part of parts) await writeAtomically(store, `${folder}/${part.name}`, part.chunks);
  await store.write(`${folder}/${SUCCESS}`, []);
}

/** True when `folder` holds its `_SUCCESS` marker. */
export async function isCommitted(store: FileStore, folder: string): Promise<boolean> {
  return (await store.list(folder)).some((e) => e.name === SUCCESS && !e.folder);
}
