/**
 * saveAsTextFiles: one directory per batch, `prefix-TIME[.suffix]`, holding `part-00000` and a
 * `_SUCCESS` marker. Written under a temporary name and renamed into place, so a reader never
 * sees half a batch and a re-run of the same batch replaces it (idempotent by batch time).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { formatRecord } from './print.js';

/** The directory name of the batch at `time`, as Spark names it. */
export function batchDirectory(prefix: string, time: number, suffix?: string): string {
  return suffix ? `${prefix}-${time}.${suffix}` : `${prefix}-${time}`;
}

/** Writes one batch as `prefix-TIME[.suffix]/part-00000` with `_SUCCESS`, atomically. */
export async function saveAsTextFiles(
  records: readonly unknown[],
  time: number,
  prefix: string,
  suffix?: string,
): Promise<void> {
  const dir = batchDirectory(prefix, time, suffix);
  const temp = `${dir}._temporary-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  const body = records.map((r) => (typeof r === 'string' ? r : formatRecord(r))).join('\n');
  await writeFile(`${temp}/part-00000`, records.length > 0 ? `${body}\n` : '');
  await writeFile(`${temp}/_SUCCESS`, '');
  await rm(dir, { recursive: true, force: true });
  await rename(temp, dir);
}
