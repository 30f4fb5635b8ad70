/**
 * The HTTP/1.1 request handler the S3 and Kinesis clients are made with (kinesalite and some
 * proxies do not speak HTTP/2), from `@smithy/node-http-handler`, loaded on first use.
 */
import type * as SmithyHttp from '@smithy/node-http-handler';
import { loadOptional } from '../optional.js';

/** `@smithy/node-http-handler`, loaded on the first call; `forWhat` names who needs it in the error. */
export function httpHandlerLibrary(forWhat: string): typeof SmithyHttp {
  return loadOptional<typeof SmithyHttp>('@smithy/node-http-handler', forWhat);
}

/** A new `NodeHttpHandler` with the SDK's defaults, for `forWhat` (named if the package is missing). */
export function nodeHttpHandler(forWhat: string): SmithyHttp.NodeHttpHandler {
  return new (httpHandlerLibrary(forWhat).NodeHttpHandler)();
}
