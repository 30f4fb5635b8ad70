/**
 * A small WebHDFS client over Node's fetch: what the HDFS lookup, output, text stream and
 * checkpoint store share. Every HTTP request it makes is counted (`requests`), so tests and
 * benchmarks can state round trips; failed calls that may pass again are retried with back-off.
 */
import { request as httpRequest, type Agent } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  ConfigurationError,
  KindlingError,
  SystemClock,
  TimeoutError,
  retry,
  type BackoffPolicy,
  type Clock,
} from '../../lib/index.js';

/** One entry of `GETFILESTATUS` or `LISTSTATUS`, as WebHDFS reports it. */
export interface HdfsFileStatus {
  /** The entry's name inside its folder (empty for GETFILESTATUS of the path itself). */
  readonly pathSuffix: string;
  /** What the entry is, as WebHDFS names it. */
  readonly type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  /** Bytes; 0 for a folder. */
  readonly length: number;
  /** Last change, ms since the epoch (the NameNode's clock). */
  readonly modificationTime: number;
}

/** How to reach a NameNode's WebHDFS. */
export interface WebHdfsOptions {
  /**
   * The NameNode's web address: `http://host:9870` or `https://host:9871`. Reads and writes are
   * redirected from there to the DataNodes.
   */
  readonly endpoint: string;
  /** `user.name` of every request (simple authentication). Default `HADOOP_USER_NAME`, else none. */
  readonly user?: string;
  /** A delegation token (`delegation=`); never logged. */
  readonly delegationToken?: string;
  /**
   * Extra `fetch` settings for every request: TLS through an undici `dispatcher`
   * (`new Agent({ connect: { ca } })`), headers (e.g. Kerberos/SPNEGO `Authorization`).
   */
  readonly requestInit?: RequestInit & {
    /** An undici `Dispatcher` (an `Agent`) for the requests: TLS settings, connection pooling. */
    readonly dispatcher?: unknown;
  };
  /**
   * The `node:http`/`node:https` agent of writes to DataNodes (e.g. `new https.Agent({ ca })`),
   * which do not go through fetch (see {@link WebHdfsClient}). Headers of `requestInit` apply too.
   */
  readonly agent?: Agent;
  /** Time limit of one HTTP request, ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Attempts in all for a call, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** How retries back off. Default: 100 ms doubling up to 5 s, with jitter. */
  readonly backoff?: BackoffPolicy;
  /** The clock retries wait on. Default: system time. */
  readonly clock?: Pick<Clock, 'sleep'>;
}

/**
 * An error of a WebHDFS call: the RemoteException's message and class when the NameNode or a
 * DataNode answered with one, `retriable` when trying again may help (no answer, 5xx, safe mode,
 * standby).
 */
export class WebHdfsError extends KindlingError {
  /** The Java exception's simple name, e.g. `FileNotFoundException`; undefined without an answer. */
  readonly exception: string | undefined;
  /** The HTTP status; undefined without an answer. */
  readonly status: number | undefined;

  constructor(
    message: string,
    options: { cause?: unknown; retriable: boolean; exception?: string; status?: number },
  ) {
    super(message, { cause: options.cause, retriable: options.retriable });
    this.exception = options.exception;
    this.status = options.status;
  }
}

/** Exceptions that say the NameNode cannot answer now but will soon. */
const TRANSIENT = new Set([
  'SafeModeException',
  'StandbyException',
  'RetriableException',
  'ConnectException',
]);

/**
 * A WebHDFS client: LISTSTATUS, GETFILESTATUS, OPEN, CREATE, RENAME, DELETE, MKDIRS. Paths are
 * absolute HDFS paths (`/data/users.jsonl`).
 *
 * @example
 * const fs = new WebHdfsClient({ endpoint: 'http://127.0.0.1:9870', user: 'etl' });
 * await fs.create('/in/a.txt', 'hello\n');
 * new TextDecoder().decode(await fs.open('/in/a.txt')); // 'hello\n'
 * fs.requests; // 4: CREATE to the NameNode and to the DataNode, OPEN to both
 *
 * The body of a write goes to the DataNode through `node:http` rather than fetch: DataNodes answer
 * a PUT with `100 Continue` whether asked or not, which fetch (undici) takes for a broken answer.
 *
 * Gotchas: a missing path is `undefined` from `getFileStatus`, `[]` from `listStatus`, false from
 * `delete`, and a `WebHdfsError` with `exception` `FileNotFoundException` from `open`. `create`
 * retried after a lost answer writes the file again (it overwrites), so it is safe to retry;
 * `rename` of a file replaces the target. The delegation token is never part of a message.
 */
export class WebHdfsClient {
  /** The NameNode's web address, without a trailing `/`. */
  readonly endpoint: string;
  /** HTTP requests made so far (a redirected read or write counts two). */
  requests = 0;
  /** Told of each failed attempt that will be tried again (for `connectorError` events). */
  onRetry?: (message: string, error: unknown, retryIn: number) => void;
  private readonly options: WebHdfsOptions;
  private readonly timeout: number;
  private readonly attempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly clock: Pick<Clock, 'sleep'>;

  /** @throws ConfigurationError when an option is wrong. */
  constructor(options: WebHdfsOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new ConfigurationError(
        `WebHDFS endpoint ${JSON.stringify(options.endpoint)} is not a URL; write it as http://namenode:9870`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigurationError(`WebHDFS endpoint ${url.origin} must be http:// or https://`);
    }
    const timeout = options.requestTimeoutMs ?? 30_000;
    if (!(Number.isFinite(timeout) && timeout > 0)) {
      throw new ConfigurationError(
        `WebHDFS requestTimeoutMs must be a positive number of ms, got ${timeout}`,
      );
    }
    const attempts = options.maxAttempts ?? 5;
    if (!(Number.isInteger(attempts) && attempts >= 1)) {
      throw new ConfigurationError(
        `WebHDFS maxAttempts must be a whole number of at least 1, got ${attempts}`,
      );
    }
    this.endpoint = url.origin;
    this.options = options;
    this.timeout = timeout;
    this.attempts = attempts;
    this.backoff = { initialDelay: 100, maxDelay: 5000, ...options.backoff };
    this.clock = options.clock ?? new SystemClock();
  }

  /** The entries of folder `path`, or `[]` when it does not exist. */
  async listStatus(path: string): Promise<HdfsFileStatus[]> {
    const body = await this.json('GET', path, 'LISTSTATUS', {}, true);
    if (body === undefined) return [];
    return (body as { FileStatuses: { FileStatus: HdfsFileStatus[] } }).FileStatuses.FileStatus;
  }

  /** The status of `path`, or undefined when it does not exist. */
  async getFileStatus(path: string): Promise<HdfsFileStatus | undefined> {
    const body = await this.json('GET', path, 'GETFILESTATUS', {}, true);
    return (body as { FileStatus: HdfsFileStatus } | undefined)?.FileStatus;
  }

  /** The bytes of file `path` (read from a DataNode through the NameNode's redirect). */
  open(path: string): Promise<Uint8Array> {
    return this.call(`reading ${path}`, async (signal) => {
      const located = await this.send('GET', path, 'OPEN', {}, undefined, signal);
      const response = await this.follow(located, 'GET', undefined, signal);
      return new Uint8Array(await response.arrayBuffer());
    });
  }

  /** Writes file `path` (parents created), replacing it unless `overwrite` is false. */
  create(path: string, data: string | Uint8Array, options: { overwrite?: boolean } = {}): Promise<void> {
    const overwrite = String(options.overwrite ?? true);
    return this.call(`writing ${path}`, async (signal) => {
      const located = await this.send('PUT', path, 'CREATE', { overwrite }, undefined, signal);
      await this.follow(located, 'PUT', data, signal);
    });
  }

  /** Moves `from` to `to` (whose parent must exist); a file at `to` is replaced. */
  async rename(from: string, to: string): Promise<void> {
    await this.json('PUT', from, 'RENAME', { destination: to, renameoptions: 'OVERWRITE' });
  }

  /** Deletes `path` (with everything under it when `recursive`); false when it did not exist. */
  async delete(path: string, recursive = true): Promise<boolean> {
    const body = await this.json('DELETE', path, 'DELETE', { recursive: String(recursive) });
    return (body as { boolean: boolean }).boolean;
  }

  /** Creates folder `path` and its parents; true also when it existed. */
  async mkdirs(path: string): Promise<boolean> {
    const body = await this.json('PUT', path, 'MKDIRS', {});
    return (body as { boolean: boolean }).boolean;
  }

  /** One NameNode call answered with JSON; `missingOk`: a FileNotFoundException is undefined. */
  private json(
    method: string,
    path: string,
    op: string,
    params: Record<string, string>,
    missingOk = false,
  ): Promise<unknown> {
    return this.call(`${op} ${path}`, async (signal) => {
      const response = await this.send(method, path, op, params, undefined, signal);
      if (response.ok) {
        const text = await response.text(); // RENAME with options answers with an empty body
        return text === '' ? {} : JSON.parse(text);
      }
      const error = await this.failure(response, `${op} ${path}`);
      if (missingOk && error.exception === 'FileNotFoundException') return undefined;
      throw error;
    });
  }

  /** Runs `attempt` with a time limit per try, retrying retriable errors with back-off. */
  private call<T>(what: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const failure = (error: unknown): ConfigurationError | WebHdfsError =>
      error instanceof ConfigurationError ? error : this.wrap(error, what);
    return retry((_n, signal) => attempt(signal), this.clock, {
      ...this.backoff,
      maxAttempts: this.attempts,
      tryTimeout: this.timeout,
      shouldRetry: (caught) => failure(caught).retriable,
      onRetry: (caught, n, wait) => {
        const error = failure(caught);
        this.onRetry?.(`${error.message} (attempt ${n}); retrying in ${wait} ms`, error, wait);
      },
      giveUp: (caught, n) => {
        const error = failure(caught);
        if (n === 1 || error instanceof ConfigurationError) return error;
        return new WebHdfsError(`${error.message} (gave up after ${n} attempts)`, {
          cause: error.cause ?? error,
          retriable: error.retriable,
          ...(error.exception === undefined ? {} : { exception: error.exception }),
          ...(error.status === undefined ? {} : { status: error.status }),
        });
      },
    });
  }

  private async send(
    method: string,
    path: string,
    op: string,
    params: Record<string, string>,
    body: string | Uint8Array | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    if (!path.startsWith('/'))
      throw new ConfigurationError(`HDFS path '${path}' must be absolute (start with /)`);
    const query = new URLSearchParams({ op, ...params });
    const user = this.options.user ?? process.env.HADOOP_USER_NAME;
    if (user !== undefined) query.set('user.name', user);
    if (this.options.delegationToken !== undefined) query.set('delegation', this.options.delegationToken);
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return this.fetch(`${this.endpoint}/webhdfs/v1${encoded}?${query}`, method, body, signal);
  }

  /** Follows the NameNode's 307 to the DataNode and returns the DataNode's successful answer. */
  private async follow(
    located: Response,
    method: string,
    body: string | Uint8Array | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    if (located.status !== 307 && located.status !== 302) {
      if (located.ok) return located; // a gateway (HttpFS) that answers at once
      throw await this.failure(located, `${method} ${new URL(located.url).pathname}`);
    }
    await located.body?.cancel();
    const location = located.headers.get('location');
    if (!location) throw new WebHdfsError('WebHDFS redirect without a Location header', { retriable: true });
    const response =
      method === 'PUT'
        ? await this.upload(location, body ?? '', signal)
        : await this.fetch(location, method, body, signal);
    if (!response.ok) throw await this.failure(response, `${method} ${new URL(location).pathname}`);
    return response;
  }

  /** PUTs `body` to a DataNode with node:http (which skips the unasked-for `100 Continue`). */
  private upload(url: string, body: string | Uint8Array, signal: AbortSignal): Promise<Response> {
    this.requests++;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const extra = new Headers(this.options.requestInit?.headers);
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'PUT',
          signal,
          headers: {
            ...Object.fromEntries(extra),
            'content-type': 'application/octet-stream',
            'content-length': String(bytes.byteLength),
          },
          ...(this.options.agent === undefined ? {} : { agent: this.options.agent }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500 })),
          );
        },
      );
      req.on('error', reject);
      req.end(bytes);
    });
  }

  private fetch(
    url: string,
    method: string,
    body: string | Uint8Array | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    this.requests++;
    const init = this.options.requestInit ?? {};
    return fetch(url, {
      ...init,
      method,
      redirect: 'manual',
      signal,
      ...(body === undefined ? {} : { body }),
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/octet-stream' }),
        ...init.headers,
      },
    } as RequestInit);
  }

  /** The error of a non-2xx answer, with the RemoteException's class and message when present. */
  private async failure(response: Response, what: string): Promise<WebHdfsError> {
    const text = await response.text().catch(() => '');
    let remote: { exception?: string; message?: string } | undefined;
    try {
      remote = (JSON.parse(text) as { RemoteException?: { exception?: string; message?: string } })
        .RemoteException;
    } catch {
      remote = undefined;
    }
    const exception = remote?.exception;
    const detail = remote
      ? `${exception}: ${remote.message}`
      : `HTTP ${response.status} ${text.slice(0, 200)}`;
    const retriable =
      (exception !== undefined && TRANSIENT.has(exception)) ||
      (remote === undefined && (response.status >= 500 || response.status === 429));
    return new WebHdfsError(`WebHDFS ${what} failed: ${detail}`, {
      retriable,
      status: response.status,
      ...(exception === undefined ? {} : { exception }),
    });
  }

  /** Any error as a WebHdfsError naming `what` (no answer at all is retriable). */
  private wrap(error: unknown, what: string): WebHdfsError {
    if (error instanceof WebHdfsError) return error;
    if (error instanceof KindlingError && !(error instanceof TimeoutError)) {
      return new WebHdfsError(error.message, { cause: error, retriable: error.retriable });
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
    const timedOut = (error as Error).name === 'TimeoutError' ? `timed out after ${this.timeout} ms` : reason;
    return new WebHdfsError(`WebHDFS ${what} at ${this.endpoint} failed: ${timedOut}`, {
      cause: error,
      retriable: true,
    });
  }
}
