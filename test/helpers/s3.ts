/**
 * What the S3 integration tests share: MinIO's settings, connection options, a fresh bucket per
 * test, a GetObject counter (an SDK middleware), and a TCP proxy to MinIO that can be cut to
 * play a server that went down.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { minio } from '../../scripts/servers/minio.js';
import { uniqueName } from './servers.js';

/** MinIO's settings: the spec's defaults, overridden by the environment. */
export function s3Env(): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(minio.env).map(([k, v]) => [k, process.env[k] ?? v]));
}

/** Connection options for the connectors (endpoint, region, credentials), on `port` if given. */
export function s3Options(port?: number): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  const env = s3Env();
  return {
    endpoint: `http://127.0.0.1:${port ?? env.KINDLING_S3_PORT}`,
    region: env.KINDLING_S3_REGION as string,
    credentials: {
      accessKeyId: env.KINDLING_S3_ACCESS_KEY_ID as string,
      secretAccessKey: env.KINDLING_S3_SECRET_ACCESS_KEY as string,
    },
  };
}

/** A client of the tests' own (for setting objects up), path-style, on MinIO. */
export function testClient(): S3Client {
  return new S3Client({ ...s3Options(), forcePathStyle: true, requestHandler: new NodeHttpHandler() });
}

/** Creates a bucket no other test uses and returns its name. */
export async function freshBucket(client: S3Client): Promise<string> {
  const bucket = uniqueName('kt').toLowerCase();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Puts a text object. */
export async function putText(client: S3Client, bucket: string, key: string, text: string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }));
}

/** Counts the commands `client` sends, by name (e.g. `GetObjectCommand`). */
export function countCommands(client: S3Client): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'kindlingCountCommands' },
  );
  return counts;
}

/** A TCP proxy on 127.0.0.1 to MinIO; `cut()` closes it and every connection (the server "down"). */
export async function minioProxy(): Promise<{ port: number; cut(): Promise<void> }> {
  const target = Number(s3Env().KINDLING_S3_PORT);
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}

/** A clock whose sleeps return at once and are recorded (back-off without waiting). */
export function recordingSleeper(): { sleep(ms: number): Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}
