/**
 * Runs kinesalite (an in-memory Kinesis emulator) on 127.0.0.1, for `scripts/servers/kinesis.ts`.
 * Spawned as its own Node.js process so that `scripts/servers.ts down` can stop it with a signal.
 *
 *   node --import tsx scripts/servers/kinesis/serve.ts <port> <shardLimit>
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';

interface KinesaliteOptions {
  readonly createStreamMs: number;
  readonly deleteStreamMs: number;
  readonly updateStreamMs: number;
  readonly shardLimit: number;
}

const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: KinesaliteOptions) => Server;

const port = Number(process.argv[2]);
const shardLimit = Number(process.argv[3]);
if (!Number.isInteger(port) || !Number.isInteger(shardLimit)) {
  console.error('usage: serve.ts <port> <shardLimit>');
  process.exit(2);
}

// No CREATING/UPDATING delays: a stream is ACTIVE as soon as it is created, split or merged.
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit });
server.listen(port, '127.0.0.1', () => console.log(`kinesalite listening on 127.0.0.1:${port}`));
const close = (): void => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
