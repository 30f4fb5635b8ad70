/**
 * MinIO, the S3 server of the S3 connector tests: built once from source with `go install` (the
 * Go module proxy serves MinIO only as a pseudo-version, pinned below), cached under
 * `.cache/servers/minio-<version>/minio`, run on 127.0.0.1:
 *
 * - `KINDLING_S3_PORT` (19000): the S3 API; the web console on the next port;
 * - root user `KINDLING_S3_ACCESS_KEY_ID` / `KINDLING_S3_SECRET_ACCESS_KEY` (given to MinIO as
 *   `MINIO_ROOT_USER` / `MINIO_ROOT_PASSWORD`; masked in the scripts' log lines);
 * - region `KINDLING_S3_REGION` (us-east-1).
 *
 * Ready once `/minio/health/live` answers 200. The first build takes several minutes (two cores:
 * about 5); later starts take a second. Unlike s3rver, MinIO handles the AWS SDK's default
 * checksums (aws-chunked uploads), so the tests use the client as production would.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { ServerContext, ServerSpec } from './spec.js';

/** The pinned MinIO build: the only version of `github.com/minio/minio` the module proxy serves. */
const version = 'v0.0.0-20260212201848-7aac2a2c5b7c';

const binDir = (ctx: ServerContext): string => join(ctx.cacheDir, `minio-${version}`);

export const minio: ServerSpec = {
  name: 'minio',
  env: {
    KINDLING_S3_PORT: '19000',
    KINDLING_S3_REGION: 'us-east-1',
    KINDLING_S3_ACCESS_KEY_ID: 'kindling',
    KINDLING_S3_SECRET_ACCESS_KEY: 'kindling-test-secret',
  },
  readyTimeoutMs: 60_000,

  async install(ctx) {
    const dir = binDir(ctx);
    if (existsSync(join(dir, 'minio'))) return;
    ctx.log(`building MinIO ${version} with go install into ${dir} (takes minutes, once)`);
    await ctx.run('go', ['install', `github.com/minio/minio@${version}`], {
      env: { GOBIN: dir },
    });
  },

  async start(ctx) {
    const port = Number(ctx.env.KINDLING_S3_PORT);
    return ctx.spawn(
      join(binDir(ctx), 'minio'),
      [
        'server',
        join(ctx.dataDir, 'data'),
        '--address',
        `127.0.0.1:${port}`,
        '--console-address',
        `127.0.0.1:${port + 1}`,
        '--quiet',
      ],
      {
        env: {
          MINIO_ROOT_USER: ctx.env.KINDLING_S3_ACCESS_KEY_ID as string,
          MINIO_ROOT_PASSWORD: ctx.env.KINDLING_S3_SECRET_ACCESS_KEY as string,
          MINIO_REGION: ctx.env.KINDLING_S3_REGION as string,
          MINIO_BROWSER: 'off',
          MINIO_UPDATE: 'off',
          MINIO_CI_CD: 'on',
        },
      },
    );
  },

  ready: (ctx) => healthy(Number(ctx.env.KINDLING_S3_PORT)),
};

/** True when MinIO on 127.0.0.1:`port` answers its liveness check with 200. */
function healthy(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'GET', path: '/minio/health/live', timeout: 2000 },
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
    req.end();
  });
}
