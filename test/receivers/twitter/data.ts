/**
 * Real lines of the bundled Sanders tweets (v1.1 statuses) for the Twitter receiver's tests, and
 * small replay files made of them in a temporary directory.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The bundled file of 4,460 v1.1 statuses, in id order. */
export const SANDERS_TWEETS = new URL('../../../examples/tweets/data/sanders_tweets.jsonl', import.meta.url);

let cached: string[] | undefined;

/** The lines of the bundled file. */
export function sandersLines(): string[] {
  cached ??= readFileSync(SANDERS_TWEETS, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  return cached;
}

/** Line `index` (from 0) of the bundled file, parsed. */
export function sandersStatus(index: number): Record<string, unknown> {
  return JSON.parse(sandersLines()[index] as string) as Record<string, unknown>;
}

/** The temporary directories made by `replayFile` in this process, removed when it exits. */
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Writes `lines` as a file in a new temporary directory (removed at exit); returns its path. */
export async function replayFile(lines: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-twitter-'));
  made.push(dir);
  const file = join(dir, 'tweets.jsonl');
  await writeFile(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}
