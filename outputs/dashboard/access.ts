/**
 * Who may see the dashboard. On a loopback address with no token, anyone on this machine (and
 * requests must name a loopback host, which stops DNS-rebinding pages). Anywhere else a token is
 * required, and every request carries it: `?token=` once (answered with a cookie and a redirect
 * that drops it from the address), then the cookie; or an `Authorization: Bearer` header.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigurationError } from '../../lib/index.js';

/** The shortest token accepted. */
export const minTokenLength = 16;

/**
 * True for an address or name that only this machine can reach: `localhost`, 127.0.0.0/8, `::1`.
 *
 * @example
 * isLoopback('127.0.0.1'); // true
 * isLoopback('0.0.0.0');   // false: every interface
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Checks the host and token options before anything listens.
 * @throws ConfigurationError when a non-loopback host has no token, or the token is too short.
 * @example
 * checkAccessOptions('0.0.0.0', process.env.KINDLING_DASHBOARD_TOKEN);
 */
export function checkAccessOptions(host: string, token: string | undefined): void {
  if (token === undefined) {
    if (isLoopback(host)) return;
    throw new ConfigurationError(
      `dashboard: host '${host}' is reachable from other machines, so the dashboard needs a token: ` +
        `pass { token } (at least ${minTokenLength} characters, e.g. from \`openssl rand -hex 16\`, ` +
        `read from the environment or a config file), or bind host '127.0.0.1'`,
    );
  }
  if (typeof token !== 'string' || token.length < minTokenLength) {
    throw new ConfigurationError(
      `dashboard: the token must be a string of at least ${minTokenLength} characters ` +
        `(e.g. from \`openssl rand -hex 16\`); the one given is shorter`,
    );
  }
}

/** What {@link Access.check} decided. */
export type AccessDecision =
  | { readonly allowed: true }
  /** The token came in the address: set the cookie and send the browser to `location` without it. */
  | { readonly allowed: 'redirect'; readonly location: string; readonly cookie: string }
  | { readonly allowed: false; readonly status: 401 | 403; readonly message: string };

/**
 * Decides whether a request may see the dashboard.
 *
 * @example
 * const access = new Access('127.0.0.1', 4040, undefined);
 * access.check(req); // { allowed: true } for a request to http://127.0.0.1:4040/
 */
export class Access {
  private readonly tokenDigest: Buffer | undefined;
  private readonly session: string | undefined;
  private readonly cookieName: string;

  constructor(
    private readonly host: string,
    port: number,
    token: string | undefined,
  ) {
    checkAccessOptions(host, token);
    this.cookieName = `kindling_dashboard_${port}`;
    if (token !== undefined) {
      this.tokenDigest = digest(token);
      // The cookie holds a value derived from the token, not the token itself.
      this.session = createHmac('sha256', token).update('kindling dashboard session').digest('base64url');
    }
  }

  /** Whether `req` may be answered, and how. */
  check(req: IncomingMessage): AccessDecision {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (this.tokenDigest === undefined) {
      const named = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (isLoopback(this.host) && !isLoopback(named)) {
        return {
          allowed: false,
          status: 403,
          message:
            `this dashboard listens on a loopback address and answers only requests for 127.0.0.1 or ` +
            `localhost, not '${named}'; to reach it from elsewhere, start it with a host and a token`,
        };
      }
      return { allowed: true };
    }
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null) {
      if (!this.matches(fromQuery)) return this.refuse('the token in the address is wrong');
      url.searchParams.delete('token');
      return {
        allowed: 'redirect',
        location: url.pathname + url.search,
        cookie: `${this.cookieName}=${this.session}; HttpOnly; SameSite=Strict; Path=/`,
      };
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      return this.matches(bearer) ? { allowed: true } : this.refuse('the bearer token is wrong');
    }
    const cookie = cookies(req.headers.cookie)[this.cookieName];
    if (cookie !== undefined && same(cookie, this.session as string)) return { allowed: true };
    return this.refuse(
      cookie === undefined ? 'this dashboard needs its token' : 'the session cookie is stale',
    );
  }

  private matches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.tokenDigest as Buffer);
  }

  private refuse(why: string): AccessDecision {
    return {
      allowed: false,
      status: 401,
      message:
        `${why}: open /?token=<the token the dashboard was started with> once (a cookie keeps it ` +
        `for this browser), or send the header 'Authorization: Bearer <token>'`,
    };
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The cookies of a `Cookie` header by name. */
function cookies(header: string | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) found[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return found;
}
