/**
 * Installs a Debian package for a server spec, once: skipped when its binary is there already.
 * Runs `apt-get update` only when the package is not in the package lists yet, and keeps the
 * package's own service from starting (this machine has no init system, and the tests start
 * their own instance on 127.0.0.1).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerContext } from './spec.js';

const policy = '/usr/sbin/policy-rc.d';

/**
 * `apt-get install -y <pkg>` unless `binary` exists. Needs root (as on the project's machines).
 *
 * @example
 * await aptInstall(ctx, 'mosquitto', '/usr/sbin/mosquitto');
 */
export async function aptInstall(ctx: ServerContext, pkg: string, binary: string): Promise<void> {
  if (existsSync(binary)) return;
  ctx.log(`installing the Debian package ${pkg}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const known = await ctx.run('apt-cache', ['show', pkg], { env }).then(
    () => true,
    () => false,
  );
  if (!known) await ctx.run('apt-get', ['update'], { env });
  // Exit code 101 tells invoke-rc.d not to start the package's service during the install.
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    await ctx.run('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  if (!existsSync(binary)) throw new Error(`apt-get installed ${pkg} but ${binary} is still missing`);
}
