/**
 * The crash test's outputs: a place made fresh for each (a folder, a bucket prefix, an HDFS
 * folder, a database, a table, a topic), and a reader of what a reader of that output would see
 * once the job is done: committed folders only, `read_committed` Kafka records, upserted rows.
 */
import { MongoClient } from 'mongodb';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SystemClock, retry } from '../../lib/index.js';
import { hbaseLookup } from '../../lookups/hbase/index.js';
import { connectS3 } from '../../systems/s3/client.js';
import { listObjects } from '../../systems/s3/objects.js';
import {
  LocalFileStore,
  HdfsFileStore,
  S3_MANIFEST,
  readS3Batch,
  type FileStore,
} from '../../outputs/index.js';
import { admin, createTable, zookeeper } from '../helpers/hbase.js';
import { hdfsClient, hdfsPorts, hdfsUrl, uniqueHdfsDir } from '../helpers/hdfs.js';
import { createTopic, kafkaBrokers, readAll, withAdmin } from '../helpers/kafka.js';
import { freshBucket, s3Options, testClient as s3Client } from '../helpers/s3.js';
import { uniqueName } from '../helpers/servers.js';
import { mongoUrl, uniqueDb } from '../lookups/mongodb/ferretdb.js';
import type { OutputsConfig } from './config.js';
import type { OutputKind } from './scenarios.js';

/** What an output holds once the job is done: the line numbers it wrote, or word counts. */
export type Written =
  | { readonly kind: 'ids'; readonly ids: number[] }
  | { readonly kind: 'counts'; readonly counts: Map<string, number> };

/** The outputs of one run: their config for the job, and how to read each back. */
export interface Outputs {
  readonly config: OutputsConfig;
  readonly read: ReadonlyMap<OutputKind, () => Promise<Written>>;
  /** Deletes what the run made on the servers (a database, a table, a topic, a folder). */
  remove(): Promise<void>;
}

/** Makes a fresh place for each output of `kinds`; `dir` is a local folder of the run's own. */
export async function makeOutputs(
  kinds: readonly OutputKind[],
  dir: string,
  vocabulary: readonly string[],
): Promise<Outputs> {
  const config: { -readonly [K in keyof OutputsConfig]: OutputsConfig[K] } = {};
  const read = new Map<OutputKind, () => Promise<Written>>();
  const removals: (() => Promise<unknown>)[] = [];
  for (const kind of kinds) {
    switch (kind) {
      case 'files': {
        config.files = join(dir, 'out-files');
        const store = new LocalFileStore(config.files);
        read.set(kind, async () => ({ kind: 'ids', ids: await committedIds(store) }));
        break;
      }
      case 'files-rolled': {
        config.filesRolled = join(dir, 'out-rolled');
        await mkdir(config.filesRolled, { recursive: true });
        const store = new LocalFileStore(config.filesRolled);
        read.set(kind, async () => ({ kind: 'ids', ids: await committedIds(store) }));
        break;
      }
      case 's3': {
        const bucket = await freshBucket(s3Client());
        const connection = s3Options();
        config.s3 = { url: `s3://${bucket}/out/`, connection };
        read.set(kind, async () => {
          const conn = connectS3('torture reader', { ...connection, forcePathStyle: true });
          const ids: number[] = [];
          for (const o of await listObjects(conn, bucket, 'out/')) {
            const time = /batch=(\d+)\//.exec(o.key)?.[1];
            if (time === undefined || !o.key.endsWith(S3_MANIFEST)) continue;
            for (const row of (await readS3Batch(conn, { bucket, prefix: 'out/' }, Number(time))) ?? []) {
              ids.push((row as { id: number }).id);
            }
          }
          conn.client.destroy();
          return { kind: 'ids', ids };
        });
        break;
      }
      case 'hdfs-rolled': {
        const folder = uniqueHdfsDir('torture-out');
        const { http, user } = hdfsPorts();
        config.hdfsRolled = { url: hdfsUrl(folder), httpPort: http, user };
        const store = new HdfsFileStore(hdfsClient(), folder);
        read.set(kind, async () => ({ kind: 'ids', ids: await committedIds(store) }));
        removals.push(() => hdfsClient().delete(folder, true));
        break;
      }
      case 'mongodb': {
        const db = uniqueDb('torture');
        const url = mongoUrl();
        config.mongodb = { url, db, collection: 'counts' };
        removals.push(async () => {
          const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
          await client.db(db).dropDatabase();
          await client.close();
        });
        read.set(kind, async () => {
          const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
          try {
            const docs = await client
              .db(db)
              .collection<{ _id: string; count: number }>('counts')
              .find()
              .toArray();
            return { kind: 'counts', counts: new Map(docs.map((d) => [d._id, d.count])) };
          } finally {
            await client.close();
          }
        });
        break;
      }
      case 'hbase': {
        const table = uniqueName('torture').replace(/[^A-Za-z0-9_-]/g, '_');
        // A loaded HBase master can time an admin call out.
        await retry(() => createTable(table, 'c'), new SystemClock(), { maxAttempts: 3 });
        config.hbase = { zookeeper: zookeeper(), table };
        removals.push(() => admin('drop', table));
        read.set(kind, async () => {
          const lookup = hbaseLookup<string, { count: string }>({
            zookeeper: zookeeper(),
            table,
            columns: { count: 'c:count' },
          });
          try {
            const rows = await lookup.getAll([...vocabulary]);
            return { kind: 'counts', counts: new Map([...rows].map(([w, r]) => [w, Number(r.count)])) };
          } finally {
            await lookup.close?.();
          }
        });
        break;
      }
      case 'kafka': {
        const topic = await createTopic('torture-out', 1);
        config.kafka = { brokers: kafkaBrokers(), topic, transactionalId: uniqueName('torture-tx') };
        removals.push(() => withAdmin((kafka) => kafka.deleteTopics({ topics: [topic] })));
        read.set(kind, async () => ({
          kind: 'ids',
          ids: (await readAll(topic)).map((m) => Number(m.value?.toString())),
        }));
        break;
      }
    }
  }
  const remove = async (): Promise<void> => {
    for (const removal of removals) await removal();
  };
  return { config, read, remove };
}

/** The `id` of every record in the committed folders (those with `_SUCCESS`) of a folder output. */
async function committedIds(store: FileStore): Promise<number[]> {
  const ids: number[] = [];
  for (const folder of await store.list('')) {
    if (!folder.folder || folder.name.startsWith('_') || folder.name.startsWith('.')) continue;
    const entries = await store.list(folder.name);
    if (!entries.some((e) => e.name === '_SUCCESS')) continue;
    for (const part of entries) {
      if (part.folder || part.name.startsWith('_') || part.name.startsWith('.')) continue;
      let text = '';
      for await (const chunk of store.read(`${folder.name}/${part.name}`))
        text += Buffer.from(chunk).toString();
      for (const line of text.split('\n')) if (line !== '') ids.push((JSON.parse(line) as { id: number }).id);
    }
  }
  return ids;
}
