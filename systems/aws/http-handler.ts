/**
 * The HTTP/1.1 request handler the S3 and Kinesis clients are made with (kinesalite and some
 * proxies do not speak HTTP/2), from `@smithy/node-http-handler`, loaded on first use.
 */
import type * as SmithyHttp from '@smithy/node-http-handler';
import { loadOptional } from '../optional.js';

/** A new `NodeHttpHandler` with the SDK's defaults, for `forWhat` (named if the package is missing). */
export function nodeHttpHandler(forWhat: string): SmithyHttp.NodeHttpHandler {
  const { NodeHttpHandler } = loadOptional<typeof SmithyHttp>('@smithy/node-http-handler', forWhat);
  return new NodeHttpHandler();
}
