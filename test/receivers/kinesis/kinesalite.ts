/**
 * What the Kinesis tests share: a client for the kinesalite server that `scripts/servers.ts`
 * runs (port and fake credentials from its environment variables), streams with unique names,
 * and a way to wait for what a job's output has seen.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { serverEnv, uniqueName } from '../../helpers/servers.js';

/** How the connectors reach the test server (fake credentials from the server's settings). */
export function connection(): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  const env = serverEnv('kinesis');
  return {
    endpoint: `http://127.0.0.1:${env.KINDLING_KINESIS_PORT}`,
    region: env.KINDLING_KINESIS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: env.KINDLING_KINESIS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.KINDLING_KINESIS_SECRET_ACCESS_KEY ?? '',
    },
  };
}

/** A client of the test server, for the tests' own calls. */
export function testClient(): KinesisClient {
  return new KinesisClient({ ...connection(), requestHandler: new NodeHttpHandler() });
}

/** Creates a stream with a unique name and `shards` shards; resolves once it is ACTIVE. */
export async function createStream(client: KinesisClient, shards: number): Promise<string> {
  const name = uniqueName('kindling');
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return name;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

/** Resolves once `streamName` is ACTIVE with `count` shards (open and closed), as after a split. */
export async function waitForShards(client: KinesisClient, streamName: string, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' && Shards.length === count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${streamName} did not reach ${count} shards`);
}

/** Puts `records` ([partition key, text]) in calls of 500; returns the shard of each, in order. */
export async function put(
  client: KinesisClient,
  streamName: string,
  records: readonly (readonly [string, string])[],
): Promise<string[]> {
  const shards: string[] = [];
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const answer = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: chunk.map(([key, text]) => ({ PartitionKey: key, Data: Buffer.from(text) })),
      }),
    );
    if (answer.FailedRecordCount) throw new Error(`${answer.FailedRecordCount} test records failed`);
    for (const r of answer.Records ?? []) shards.push(r.ShardId ?? '');
  }
  return shards;
}

/** Collects records; `reached(n)` and `until(done)` wait for what was collected. */
export class Collector<T> {
  readonly records: T[] = [];
  private waiters: { done: (records: readonly T[]) => boolean; resolve: () => void }[] = [];

  add(batch: readonly T[]): void {
    this.records.push(...batch);
    this.waiters = this.waiters.filter((w) => {
      if (!w.done(this.records)) return true;
      w.resolve();
      return false;
    });
  }

  reached(n: number): Promise<void> {
    return this.until((records) => records.length >= n);
  }

  /** Resolves once `done` holds of the records collected so far. */
  until(done: (records: readonly T[]) => boolean): Promise<void> {
    if (done(this.records)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }
}

/** True when the decimal sequence numbers grow strictly. */
export function increasing(sequenceNumbers: readonly string[]): boolean {
  for (let i = 1; i < sequenceNumbers.length; i++) {
    if (BigInt(sequenceNumbers[i] as string) <= BigInt(sequenceNumbers[i - 1] as string)) return false;
  }
  return true;
}

/** Every record now in `streamName`, shard by shard (each in sequence order). */
export async function readAll(
  client: KinesisClient,
  streamName: string,
): Promise<{ shardId: string; sequenceNumber: string; partitionKey: string; text: string }[]> {
  const out: { shardId: string; sequenceNumber: string; partitionKey: string; text: string }[] = [];
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  for (const shard of Shards) {
    const shardId = shard.ShardId as string;
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      const records = page.Records ?? [];
      for (const r of records) {
        out.push({
          shardId,
          sequenceNumber: r.SequenceNumber as string,
          partitionKey: r.PartitionKey as string,
          text: Buffer.from(r.Data ?? new Uint8Array()).toString(),
        });
      }
      if (records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}
