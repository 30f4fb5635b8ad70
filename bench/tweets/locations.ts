/** The static side of the tweets benchmark's join: each showcase user's profile location. */
import { readFileSync } from 'node:fs';

const USERS = new URL('../../examples/tweets/data/sanders_users.jsonl', import.meta.url);

/** Author id -> the location of their profile (`unknown` when blank). */
export function loadLocations(): Map<string, string> {
  const locations = new Map<string, string>();
  for (const line of readFileSync(USERS, 'utf8').split('\n')) {
    if (line.length === 0) continue;
    const user = JSON.parse(line) as { id_str: string; location?: string | null };
    locations.set(user.id_str, user.location?.trim() || 'unknown');
  }
  return locations;
}
