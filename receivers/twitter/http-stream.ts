/**
 * Opens one long HTTP GET of a streaming endpoint with `node:http`/`node:https`: one socket per
 * request (no pooling, so an aborted or ended stream leaves nothing open), the bearer token in the
 * Authorization header only.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Sends the request and resolves with the response once its headers arrived; rejects on a network
 * error, or with an AbortError when `signal` aborts. Aborting later destroys the response.
 *
 * @example
 * const response = await openStream(new URL(url), token, abort.signal);
 * for await (const chunk of response) handle(chunk);
 */
export function openStream(
  url: URL,
  token: string | undefined,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      agent: false,
      signal,
      headers: {
        accept: 'application/json',
        'user-agent': 'kindling-twitter-receiver',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

/**
 * The start of a response's body (at most `max` bytes, as text), for an error message; ends the response.
 *
 * @example
 * if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${await bodyExcerpt(response)}`);
 */
export async function bodyExcerpt(response: IncomingMessage, max = 2048): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= max) break;
    }
  } catch {
    // The body is only for the message; what arrived before the error is enough.
  } finally {
    response.destroy();
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8').replace(/\s+/g, ' ').trim();
}
