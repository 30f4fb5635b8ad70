/**
 * What the HDFS integration tests share: the test server's WebHDFS address (ports from the same
 * environment variables as `scripts/servers/hdfs.ts`), a client, and a unique folder per test.
 */
import { hdfs } from '../../scripts/servers/hdfs.js';
import { WebHdfsClient, type WebHdfsOptions } from '../../systems/hdfs/webhdfs.js';
import { uniqueName } from './servers.js';

/** The HDFS server's settings: its defaults, overridden by the environment. */
export function hdfsEnv(): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(hdfs.env).map(([k, v]) => [k, process.env[k] ?? v]));
}

/** The NameNode's RPC and web ports, and the user every test acts as. */
export function hdfsPorts(): { rpc: number; http: number; user: string } {
  const env = hdfsEnv();
  return {
    rpc: Number(env.KINDLING_HDFS_RPC_PORT),
    http: Number(env.KINDLING_HDFS_HTTP_PORT),
    user: env.KINDLING_HDFS_USER ?? 'kindling',
  };
}

/** A client of the test server's WebHDFS. */
export function hdfsClient(options: Partial<WebHdfsOptions> = {}): WebHdfsClient {
  const { http, user } = hdfsPorts();
  return new WebHdfsClient({ endpoint: `http://127.0.0.1:${http}`, user, ...options });
}

/** A folder no other test uses, e.g. `/kindling-test/lookup-lq2x-1a2b3c4d`. */
export function uniqueHdfsDir(prefix: string): string {
  return `/kindling-test/${uniqueName(prefix)}`;
}

/** `hdfs://127.0.0.1:<rpc><path>`, the address the connectors take (with `httpPort`). */
export function hdfsUrl(path: string): string {
  return `hdfs://127.0.0.1:${hdfsPorts().rpc}${path}`;
}
