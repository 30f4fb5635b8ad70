/**
 * `@aws-sdk/client-s3`, an optional peer, loaded on first use; and a connection's client with the
 * SDK's types (the public `S3Connection` names it by its shape only).
 */
import type * as S3Sdk from '@aws-sdk/client-s3';
import { loadOptional } from '../optional.js';
import type { S3Connection } from './options.js';

/** `@aws-sdk/client-s3`, loaded on the first call; `forWhat` names who needs it in the error. */
export function s3Sdk(forWhat: string): typeof S3Sdk {
  return loadOptional<typeof S3Sdk>('@aws-sdk/client-s3', forWhat);
}

/** The connection's client, with the SDK's types (it is an `S3Client`: connectS3 made it, or the caller did). */
export function s3Client(conn: S3Connection): S3Sdk.S3Client {
  return conn.client as S3Sdk.S3Client;
}
