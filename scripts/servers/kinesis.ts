/**
 * Kinesis for the tests: kinesalite (npm devDependency, so nothing to install), in memory, on
 * 127.0.0.1. Streams become ACTIVE at once (no CREATING/UPDATING delay). The emulator accepts
 * any credentials; the tests take theirs from `KINDLING_KINESIS_ACCESS_KEY_ID`/`..._SECRET_ACCESS_KEY`.
 *
 * Gotchas (see scripts/README.md): the v3 client must use HTTP/1.1 (`new NodeHttpHandler()`),
 * there is no SubscribeToShard, and an AT_TIMESTAMP iterator with no record at or after the time
 * may never answer.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import type { ServerSpec } from './spec.js';

export const kinesis: ServerSpec = {
  name: 'kinesis',
  env: {
    KINDLING_KINESIS_PORT: '14567',
    KINDLING_KINESIS_REGION: 'us-east-1',
    KINDLING_KINESIS_ACCESS_KEY_ID: 'kindling-test',
    KINDLING_KINESIS_SECRET_ACCESS_KEY: 'kindling-test-secret',
    KINDLING_KINESIS_SHARD_LIMIT: '200',
  },
  readyTimeoutMs: 20_000,
  async install() {
    // kinesalite is an npm devDependency: `npm ci` installed it.
  },
  async start(ctx) {
    const script = join(ctx.root, 'scripts', 'servers', 'kinesis', 'serve.ts');
    return ctx.spawn(process.execPath, [
      '--import',
      'tsx',
      script,
      ctx.env.KINDLING_KINESIS_PORT ?? '14567',
      ctx.env.KINDLING_KINESIS_SHARD_LIMIT ?? '200',
    ]);
  },
  ready: (ctx) => listStreamsAnswers(Number(ctx.env.KINDLING_KINESIS_PORT)),
};

/** True when a ListStreams call on 127.0.0.1:`port` answers 200. */
function listStreamsAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        timeout: 2000,
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': 'Kinesis_20131202.ListStreams',
          // kinesalite checks that a signature is there, not that it is right.
          Authorization:
            'AWS4-HMAC-SHA256 Credential=ready/20240101/us-east-1/kinesis/aws4_request, ' +
            'SignedHeaders=host, Signature=0',
          'X-Amz-Date': '20240101T000000Z',
        },
      },
      (res) => {
        res.resume();
        done(res.statusCode === 200);
      },
    );
    req.on('error', () => done(false));
    req.on('timeout', () => {
      req.destroy();
      done(false);
    });
    req.end('{}');
  });
}
