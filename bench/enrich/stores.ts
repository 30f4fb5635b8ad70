/**
 * The three stores the enrich benchmark joins through, each filled with the same profiles and
 * behind a Kindling lookup: a local JSON Lines file (`jsonlFileLookup`), a MongoDB collection on
 * the FerretDB test server (`mongoLookup`, `$in` on `id`, counted by command monitoring), and an
 * HBase table on the HBase test server (`hbaseLookup`, counted by the adapter's `roundTrips`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Lookup } from '../../lib/index.js';
import { HBaseAdapter, hbaseLookup, jsonlFileLookup, mongoLookup } from '../../lookups/index.js';
import { ferretdbUrl } from '../../scripts/servers/ferretdb.js';
import { admin, createTable, zookeeper } from '../../test/helpers/hbase.js';
import { serverEnv, uniqueName } from '../../test/helpers/servers.js';
import type { Profile } from './data.js';

/** A filled store behind a lookup. */
export interface BenchStore {
  /** `file`, `mongodb` or `hbase`. */
  readonly name: string;
  /** The store's Kindling lookup (used by the join and, one key at a time, by the naive baseline). */
  readonly lookup: Lookup<string, unknown>;
  /** Requests sent to the server so far; undefined for the file, which is read once into memory. */
  roundTrips(): number | undefined;
  /** Closes connections and removes the benchmark's data. */
  close(): Promise<void>;
}

/** The profiles as a JSON Lines file in a temporary folder. */
export async function fileStore(table: readonly Profile[]): Promise<BenchStore> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-bench-enrich-'));
  const path = join(dir, 'profiles.jsonl');
  await writeFile(path, table.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const lookup = jsonlFileLookup<Profile, string>(path, { key: 'id', name: 'profiles.jsonl' });
  return {
    name: 'file',
    lookup,
    roundTrips: () => undefined,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The profiles as documents of a new database on the FerretDB server, with an index on `id`. */
export async function mongoStore(table: readonly Profile[], chunkSize: number): Promise<BenchStore> {
  const client = new MongoClient(ferretdbUrl(serverEnv('ferretdb')), {
    monitorCommands: true,
    serverSelectionTimeoutMS: 10_000,
  });
  let finds = 0;
  client.on('commandStarted', (event) => {
    if (event.commandName === 'find' || event.commandName === 'getMore') finds++;
  });
  const db = uniqueName('bench_enrich').replace(/[^a-zA-Z0-9_-]/g, '_');
  const collection = client.db(db).collection('profiles');
  for (let i = 0; i < table.length; i += 10_000) {
    await collection.insertMany(table.slice(i, i + 10_000).map((p) => ({ ...p })));
  }
  await collection.createIndex({ id: 1 }, { unique: true });
  const lookup = mongoLookup<string, Profile>({
    client,
    db,
    collection: 'profiles',
    keyField: 'id',
    projection: { _id: 0, id: 1, name: 1, city: 1, followers: 1 },
    chunkSize,
    requestTimeoutMs: 300_000,
  });
  return {
    name: 'mongodb',
    lookup,
    roundTrips: () => finds,
    async close() {
      await lookup.close?.();
      await client.db(db).dropDatabase();
      await client.close();
    },
  };
}

/** The profiles as rows of a new HBase table (family `p`), row key the user id. */
export async function hbaseStore(table: readonly Profile[], chunkSize: number): Promise<BenchStore> {
  const name = uniqueName('bench_enrich').replace(/[^a-zA-Z0-9_.-]/g, '_');
  await createTable(name, 'p');
  const adapter = new HBaseAdapter({ zookeeper: zookeeper(), requestTimeoutMs: 60_000 });
  try {
    for (let i = 0; i < table.length; i += 1000) {
      const puts = table.slice(i, i + 1000).map((p) => ({
        row: Buffer.from(p.id),
        cells: new Map([
          ['p:id', Buffer.from(p.id)],
          ['p:name', Buffer.from(p.name)],
          ['p:city', Buffer.from(p.city)],
          ['p:followers', Buffer.from(String(p.followers))],
        ]),
      }));
      await adapter.multiPut(name, puts);
    }
  } catch (error) {
    await adapter.close();
    throw error;
  }
  const lookup = hbaseLookup<string, Profile>({
    adapter,
    table: name,
    columns: { id: 'p:id', name: 'p:name', city: 'p:city', followers: 'p:followers' },
    decode: (value, field) => (field === 'followers' ? Number(value.toString()) : value.toString()),
    chunkSize,
  });
  return {
    name: 'hbase',
    lookup,
    roundTrips: () => adapter.roundTrips.total,
    async close() {
      await lookup.close?.();
      await adapter.close();
      await admin('drop', name).catch(() => undefined);
    },
  };
}
