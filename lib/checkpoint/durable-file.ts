/**
 * Small helpers for files that must survive a crash: write every byte, fsync a directory, read
 * an error's code.
 */
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Writes every byte of `chunks` from the start of the file: one `write` call may stop short
 * (on Linux, past about 2 GB), so this loops until all is written.
 *
 * @param handle - a file opened for writing.
 * @param chunks - written back to back.
 * @example
 * await writeAll(handle, header, payload);
 * await handle.sync();
 */
export async function writeAll(handle: FileHandle, ...chunks: Uint8Array[]): Promise<void> {
  let position = 0;
  for (const chunk of chunks) {
    for (let done = 0; done < chunk.byteLength;) {
      const { bytesWritten } = await handle.write(chunk, done, chunk.byteLength - done, position);
      done += bytesWritten;
      position += bytesWritten;
    }
  }
}

/**
 * fsyncs a directory, so that renames and new entries in it survive a crash.
 *
 * Gotchas: a no-op on Windows (a directory cannot be opened there) and on file systems that
 * refuse fsync on a directory; rename is still atomic on both.
 *
 * @param dir - the directory whose entries changed.
 * @example
 * await rename(tempPath, finalPath);
 * await syncDirectory(dirname(finalPath));
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (process.platform === 'win32') return; // directories cannot be opened, nor need to be
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems do not support fsync on a directory; the rename is still atomic there.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/**
 * The `code` of a Node.js system error (`ENOENT`, `EACCES`), or undefined.
 *
 * @param error - anything thrown.
 * @example
 * if (errorCode(error) === 'ENOENT') return [];
 */
export function errorCode(error: unknown): string | undefined {
  const value = (error as { code?: unknown } | null)?.code;
  return typeof value === 'string' ? value : undefined;
}
