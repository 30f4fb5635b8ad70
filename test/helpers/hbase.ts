/**
 * What the HBase tests need of the test server (`scripts/servers/hbase.ts`): its settings, the
 * ZooKeeper quorum, and admin steps (create, drop, split a table) through the server's Java tool.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hbase, hbaseAdmin } from '../../scripts/servers/hbase.js';

const cacheDir = join(fileURLToPath(new URL('../..', import.meta.url)), '.cache', 'servers');

/** The HBase server's settings: its defaults, overridden by the environment. */
export function hbaseEnv(): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(hbase.env).map(([k, v]) => [k, process.env[k] ?? v]));
}

/** The ZooKeeper quorum of the test server, e.g. `127.0.0.1:12181`. */
export function zookeeper(): string {
  return `127.0.0.1:${hbaseEnv().KINDLING_HBASE_ZK_PORT}`;
}

/** Runs a `KindlingHBaseAdmin` command (see `scripts/servers/hbase/KindlingHBaseAdmin.java`). */
export function admin(...args: string[]): Promise<string> {
  return hbaseAdmin(cacheDir, hbaseEnv(), args);
}

/** Creates `table` with `families` (comma-separated), pre-split at `splits`; waits until it is available. */
export async function createTable(table: string, families: string, ...splits: string[]): Promise<void> {
  await admin('create', table, families, ...splits);
}

/** Creates several tables in one admin call, e.g. `createTables({ users: 'p', tweets: 'p,m' })`. */
export async function createTables(tables: Readonly<Record<string, string>>): Promise<void> {
  await admin('tables', ...Object.entries(tables).map(([table, families]) => `${table}=${families}`));
}
