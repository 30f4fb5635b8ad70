/**
 * The crash test's producers: for each source, a place made fresh for one run (a topic, a stream,
 * a folder, a bucket prefix) and a producer that writes the run's lines there in small chunks
 * for as long as the run lasts, while the job is killed and restarted.
 */
import { DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTopic, kafkaBrokers, testKafka, withAdmin } from '../helpers/kafka.js';
import { hdfsClient, hdfsPorts, hdfsUrl, uniqueHdfsDir } from '../helpers/hdfs.js';
import { freshBucket, s3Options, testClient as s3Client } from '../helpers/s3.js';
import { uniqueName } from '../helpers/servers.js';
import {
  createStream,
  connection as kinesisConnection,
  put,
  testClient as kinesisClient,
} from '../receivers/kinesis/kinesalite.js';
import type { SourceConfig } from './config.js';
import type { SourceKind } from './scenarios.js';

/** A source made for one run: its config for the job, and how to write a chunk of lines to it. */
export interface Input {
  readonly config: SourceConfig;
  /** Writes `lines` (chunk number `n`) so that the job reads them; resolves once they are durable. */
  write(n: number, lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
  /** Deletes what the run made on the server (a long run makes hundreds). */
  remove(): Promise<void>;
}

/** Makes the source of `kind` for one run; `dir` is a local folder of the run's own. */
export async function makeInput(
  kind: SourceKind,
  dir: string,
  commit: 'kafka' | 'checkpoint',
): Promise<Input> {
  switch (kind) {
    case 'kafka': {
      const topic = await createTopic('torture-in', 2);
      const producer = testKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      return {
        config: { kind, brokers: kafkaBrokers(), topic, groupId: uniqueName('torture-group'), commit },
        write: async (n, lines) => {
          await producer.send({
            topic,
            acks: -1,
            messages: lines.map((value, i) => ({ value, partition: (n + i) % 2 })),
          });
        },
        close: () => producer.disconnect(),
        remove: () => withAdmin((admin) => admin.deleteTopics({ topics: [topic] })),
      };
    }
    case 'kinesis': {
      const client = kinesisClient();
      const streamName = await createStream(client, 2);
      return {
        config: { kind, streamName, connection: kinesisConnection() },
        write: async (n, lines) => {
          await put(
            client,
            streamName,
            lines.map((line, i) => [`key-${n}-${i}`, line] as const),
          );
        },
        close: async () => client.destroy(),
        remove: async () => {
          const remover = kinesisClient();
          await remover.send(new DeleteStreamCommand({ StreamName: streamName }));
          remover.destroy();
        },
      };
    }
    case 'files': {
      const input = join(dir, 'input');
      await mkdir(input, { recursive: true });
      return {
        config: { kind, dir: input },
        write: async (n, lines) => {
          const name = `part-${String(n).padStart(6, '0')}.txt`;
          await writeFile(join(input, `.${name}`), lines.join('\n') + '\n');
          await rename(join(input, `.${name}`), join(input, name));
        },
        close: async () => undefined,
        remove: async () => undefined, // in the run's folder
      };
    }
    case 's3': {
      const client = s3Client();
      const bucket = await freshBucket(client);
      const options = s3Options();
      return {
        config: { kind, url: `s3://${bucket}/input/`, connection: options },
        write: async (n, lines) => {
          const key = `input/part-${String(n).padStart(6, '0')}.txt`;
          await client.send(
            new PutObjectCommand({ Bucket: bucket, Key: key, Body: lines.join('\n') + '\n' }),
          );
        },
        close: async () => client.destroy(),
        remove: async () => undefined, // a bucket of its own: cheap to keep
      };
    }
    case 'hdfs': {
      const client = hdfsClient();
      const folder = uniqueHdfsDir('torture-in');
      await client.mkdirs(folder);
      const { http, user } = hdfsPorts();
      return {
        config: { kind, url: hdfsUrl(folder), httpPort: http, user },
        write: async (n, lines) => {
          const name = `part-${String(n).padStart(6, '0')}.txt`;
          await client.create(`${folder}/.${name}.tmp`, lines.join('\n') + '\n');
          await client.rename(`${folder}/.${name}.tmp`, `${folder}/${name}`);
        },
        close: async () => undefined,
        remove: async () => void (await client.delete(folder, true)),
      };
    }
  }
}
