/** fsync of a directory, so that new entries and renames in it survive a crash. */
import { open, type FileHandle } from 'node:fs/promises';

/**
 * fsyncs `dir`. A no-op where a directory cannot be opened (Windows) or synced (some file systems);
 * a rename is still atomic there.
 *
 * @example
 * await rename(temp, final);
 * await syncDirectory(dirname(final));
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (!['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP'].includes(String(code))) throw error;
  } finally {
    await handle.close();
  }
}
