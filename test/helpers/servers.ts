/**
 * What integration tests need of the real servers: their settings (ports from the same
 * environment variables `scripts/servers.ts` uses), unique names per test, and the server's log
 * when a test fails.
 */
import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { logTail } from '../../scripts/servers.js';
import { servers } from '../../scripts/servers/registry.js';

/** A server's settings: its defaults, overridden by the environment. */
export function serverEnv(name: string): Readonly<Record<string, string>> {
  const spec = servers.find((s) => s.name === name);
  if (!spec) throw new Error(`no server '${name}' in scripts/servers/registry.ts`);
  return Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, process.env[k] ?? v]));
}

/** A name no other test uses: for topics, streams, queues, buckets. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Prints the server's last log lines if the test fails (call at the start of the test). */
export function logServerOnFailure(t: ExecutionContext, name: string): void {
  t.teardown(() => {
    if (!t.passed) t.log(`last lines of the ${name} server's log:\n${logTail(name)}`);
  });
}
