/**
 * The few S3 calls the connectors make, each retried through `s3Call`: list a prefix, read an
 * object, write one, delete some.
 */
import { KindlingError } from '../../lib/index.js';
import { s3Call, type S3Connection } from './client.js';
import { s3Client, s3Sdk } from './sdk.js';

/** The SDK's command classes (already loaded: a connection was made with the SDK). */
const commands = (): ReturnType<typeof s3Sdk> => s3Sdk('the S3 connectors');

/** One object of a listing. */
export interface S3ObjectInfo {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

/**
 * Every object under `prefix` in key order (all pages), directory markers (keys ending `/`) left out.
 *
 * @example
 * const parts = await listObjects(conn, 'data', 'users/');
 */
export async function listObjects(
  conn: S3Connection,
  bucket: string,
  prefix: string,
): Promise<S3ObjectInfo[]> {
  const objects: S3ObjectInfo[] = [];
  let token: string | undefined;
  do {
    const page = await s3Call(conn, `listing s3://${bucket}/${prefix}`, (abortSignal) =>
      s3Client(conn).send(
        new (commands().ListObjectsV2Command)({
          Bucket: bucket,
          Prefix: prefix,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
        { abortSignal },
      ),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined || o.Key.endsWith('/')) continue;
      objects.push({ key: o.Key, etag: o.ETag ?? '', size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The bytes and ETag of one object, or `undefined` when there is no such key.
 *
 * @example
 * const got = await getObject(conn, 'data', 'users.jsonl');
 */
export async function getObject(
  conn: S3Connection,
  bucket: string,
  key: string,
): Promise<{ readonly data: Uint8Array; readonly etag: string } | undefined> {
  try {
    return await s3Call(conn, `reading s3://${bucket}/${key}`, async (abortSignal) => {
      const out = await s3Client(conn).send(new (commands().GetObjectCommand)({ Bucket: bucket, Key: key }), {
        abortSignal,
      });
      if (!out.Body) throw new KindlingError(`s3://${bucket}/${key} has no body`);
      return { data: await out.Body.transformToByteArray(), etag: out.ETag ?? '' };
    });
  } catch (error) {
    const cause = error instanceof KindlingError ? error.cause : error;
    if (cause instanceof Error && cause.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/**
 * Writes one object (replacing one of the same key).
 *
 * @example
 * await putObject(conn, 'out', 'batch=1000/part-00000.jsonl', bytes, 'application/x-ndjson');
 */
export async function putObject(
  conn: S3Connection,
  bucket: string,
  key: string,
  body: Uint8Array,
  contentType = 'application/octet-stream',
): Promise<void> {
  await s3Call(conn, `writing s3://${bucket}/${key}`, (abortSignal) =>
    s3Client(conn).send(
      new (commands().PutObjectCommand)({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      { abortSignal },
    ),
  );
}

/**
 * Deletes `keys` (1000 per call); a key already gone is no error.
 *
 * @example
 * await deleteObjects(conn, 'out', ['batch=1000/part-00003.jsonl']);
 */
export async function deleteObjects(
  conn: S3Connection,
  bucket: string,
  keys: readonly string[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    const out = await s3Call(conn, `deleting ${chunk.length} objects in s3://${bucket}`, (abortSignal) =>
      s3Client(conn).send(
        new (commands().DeleteObjectsCommand)({
          Bucket: bucket,
          Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
        }),
        { abortSignal },
      ),
    );
    const failed = out.Errors ?? [];
    if (failed.length > 0) {
      const list = failed.map((e) => `${e.Key}: ${e.Code ?? ''} ${e.Message ?? ''}`.trim()).join('; ');
      throw new KindlingError(`deleting objects in s3://${bucket} failed for ${failed.length}: ${list}`, {
        retriable: true,
      });
    }
  }
}
