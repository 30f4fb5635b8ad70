/**
 * The dashboard's HTTP server (node:http): the page, its script and style, uPlot from the
 * package, a JSON snapshot, and the live event stream. Statistics come from `ssc.events`, the
 * job's panels from the streams given to `board.panel(stream, name, spec)`. `ssc.stop()` closes it.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Subscription } from 'rxjs';
import {
  ConfigurationError,
  IllegalStateError,
  KindlingError,
  addContextOutput,
  addOutput,
  type Delivery,
  type DStream,
  type OutputLifecycle,
  type StreamingContext,
} from '../../lib/index.js';
import { Access } from './access.js';
import { PanelBoard } from './board.js';
import { Panel } from './panel.js';
import type { PanelSpec } from './panel-spec.js';
import { EventHub, sseMessage } from './sse.js';
import { StreamingStatistics } from './statistics.js';

/** Options of {@link dashboard}. */
export interface DashboardOptions {
  /** The port; default 4040 (Spark's UI port). 0 picks a free one (see `listening`). */
  readonly port?: number;
  /** The address to bind; default `127.0.0.1`. Any other than a loopback address needs `token`. */
  readonly host?: string;
  /**
   * The secret every request must carry (at least 16 characters); required off loopback. Read it
   * from the environment or a config file; it is never logged.
   */
  readonly token?: string;
  /** Recent batches kept for the tables, charts and late-joining browsers; default 1000. */
  readonly retainedBatches?: number;
  /** Bytes that may wait for one browser before it is dropped (it reconnects); default 4 MiB. */
  readonly maxBufferedBytes?: number;
}

type StaticFiles = Readonly<Record<string, { readonly path: string; readonly type: string }>>;

/**
 * The files the server answers with, by path: where each is and its content type. Resolved on
 * first use, so importing `kindling/outputs` never depends on uPlot being there.
 */
function staticFiles(): StaticFiles {
  const resolve = createRequire(import.meta.url).resolve;
  const own = (name: string): string => fileURLToPath(new URL(`./static/${name}`, import.meta.url));
  const script = 'text/javascript; charset=utf-8';
  const style = 'text/css; charset=utf-8';
  const modules = ['dashboard.js', 'engine.js', 'panels.js', 'charts.js', 'dom.js', 'format.js'];
  return {
    '/': { path: own('index.html'), type: 'text/html; charset=utf-8' },
    ...Object.fromEntries(modules.map((name) => [`/${name}`, { path: own(name), type: script }])),
    '/dashboard.css': { path: own('dashboard.css'), type: style },
    '/favicon.svg': { path: own('favicon.svg'), type: 'image/svg+xml' },
    '/vendor/uPlot.iife.min.js': { path: resolve('uplot/dist/uPlot.iife.min.js'), type: script },
    '/vendor/uPlot.min.css': { path: resolve('uplot/dist/uPlot.min.css'), type: style },
  };
}

const securityHeaders = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The contexts that have a dashboard: one each. */
const served = new WeakSet<StreamingContext>();

/**
 * The live web dashboard of a streaming context: Spark's Streaming tab (input rate, scheduling
 * delay, processing time and total delay per batch, receivers, recent batches, errors) and the
 * job's own panels ({@link panel}), updated over Server-Sent Events. Listens from construction;
 * one that cannot listen (a port in use) fails `ssc.start()`.
 *
 * @example
 * const board = new Dashboard(ssc, { port: 0 });
 * board.panel(tweets.count(), 'tweets per batch');
 * const { port } = await board.listening;
 * // open http://127.0.0.1:<port>/ ; ssc.stop() closes it
 */
export class Dashboard implements OutputLifecycle {
  readonly name = 'dashboard';
  readonly delivery: Delivery = {
    guarantee: 'at-most-once',
    when: 'per browser: a browser gets the recent history when it connects, then what comes while it is connected',
  };
  /** Resolves with the bound address once listening; rejects (with the reason) when it cannot listen. */
  readonly listening: Promise<AddressInfo>;
  private readonly server: Server;
  private readonly hub: EventHub;
  private readonly statistics: StreamingStatistics;
  private readonly board: PanelBoard;
  private readonly access: Access;
  private readonly subscription: Subscription;
  private readonly cache = new Map<string, Buffer>();
  private files: StaticFiles | undefined;
  private closing: Promise<void> | undefined;

  /**
   * @throws ConfigurationError for bad options (no token off loopback, a bad port), before anything listens;
   *   IllegalStateError for a context that has stopped.
   */
  constructor(
    private readonly ssc: StreamingContext,
    options: DashboardOptions = {},
  ) {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 4040;
    if (typeof host !== 'string' || host === '') {
      throw new ConfigurationError(
        `dashboard: host must be an address such as '127.0.0.1', got ${String(host)}`,
      );
    }
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new ConfigurationError(
        `dashboard: port must be a whole number from 0 to 65535, got ${String(port)}`,
      );
    }
    if (ssc.state === 'stopped') {
      throw new IllegalStateError(
        `dashboard: context '${ssc.name}' has stopped, so there is nothing to show; create the dashboard before ssc.start()`,
      );
    }
    if (served.has(ssc)) {
      throw new ConfigurationError(
        'dashboard: this context already has a dashboard; create one per StreamingContext',
      );
    }
    this.access = new Access(host, port, options.token);
    this.statistics = new StreamingStatistics({
      name: ssc.name,
      batchInterval: ssc.batchInterval,
      ...(options.retainedBatches === undefined ? {} : { retainedBatches: options.retainedBatches }),
    });
    this.hub = new EventHub(options.maxBufferedBytes ?? 4 * 1024 * 1024);
    this.board = new PanelBoard((update) => this.hub.broadcast(sseMessage('panel', update)));
    served.add(ssc);
    this.subscription = ssc.events.subscribe((event) => {
      for (const change of this.statistics.apply(event, ssc.clock.now())) {
        this.hub.broadcast(sseMessage(change.kind, change));
      }
    });
    this.server = createServer((req, res) => this.answer(req, res));
    const madeAfterStart = ssc.state === 'active';
    this.listening = new Promise<AddressInfo>((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) => {
        const message =
          error.code === 'EADDRINUSE'
            ? `dashboard: port ${port} on ${host} is in use; pass another { port }, or 0 for any free one`
            : `dashboard: cannot listen on ${host}:${port}: ${error.message}`;
        // Made before the start, ssc.start() fails with it (see open); made later, it is reported.
        if (madeAfterStart) {
          this.ssc.reportError('dashboard', message.replace(/^dashboard: /, ''), error);
        }
        reject(new ConfigurationError(message, { cause: error }));
      });
      this.server.listen(port, host, () => resolve(this.server.address() as AddressInfo));
    });
    this.listening.catch(() => undefined); // ssc.start() and awaiting `listening` rethrow it
    addContextOutput(ssc, this); // ssc.stop() closes it, once the browsers were told it stopped
  }

  /**
   * Called by `ssc.start()` (for a dashboard made before it): waits until the server listens, so
   * that a port in use fails the start with the reason instead of leaving a job without its
   * dashboard.
   */
  async open(): Promise<void> {
    await this.listening;
  }

  /** The address to open once listening, e.g. `http://127.0.0.1:4040/` (without the token). */
  async url(): Promise<string> {
    const { address, family, port } = await this.listening;
    return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}/`;
  }

  /**
   * Feeds every batch of `stream` into the panel `name`: a line chart over batch time (the
   * default, `{ kind: 'line' }`), a top-k bar chart of `[label, value]` pairs, or a table. An
   * output operation of the dashboard's context: declare it before `ssc.start()`. Panels appear in
   * the order they are declared.
   *
   * @returns this dashboard, to declare the next panel.
   * @throws ConfigurationError at once for a bad spec, a duplicate name, or a stream of another
   *   context; IllegalStateError once the context has started.
   * @example
   * const board = dashboard(ssc);
   * board.panel(tweets.countByWindow(seconds(30), seconds(5)), 'tweets per window');
   * board.panel(hashtagCounts, 'top hashtags', { kind: 'bar', top: 10 });
   * board.panel(latest, 'latest tweets', { kind: 'table', columns: ['user', 'text', 'score'] });
   *
   * Gotcha: a line panel's values must be finite numbers (or null for a gap); a NaN (say, an
   * average of no records) fails the batch with a message naming the panel and the series.
   */
  panel<T>(stream: DStream<T>, name: string, spec: PanelSpec<T> = { kind: 'line' }): this {
    if (stream.context !== this.ssc) {
      throw new ConfigurationError(
        `dashboard panel '${name}': the stream belongs to context '${stream.context.name}', ` +
          `not '${this.ssc.name}', whose dashboard this is`,
      );
    }
    const panel = new Panel<T>(name, spec);
    this.board.assertFree(name);
    addOutput(stream, {
      name: `dashboard panel '${name}'`,
      delivery: this.delivery,
      write: async (records, time) => this.board.publish(panel.update(records, time)),
      close: () => Promise.resolve(), // the dashboard's own close ends what the panel feeds
    });
    this.board.add(panel as Panel<unknown>);
    return this;
  }

  /** How many browsers are connected now. */
  get clients(): number {
    return this.hub.size;
  }

  /**
   * Ends every event stream and stops the server; later panel updates are dropped. `ssc.stop()`
   * calls it (after `contextStopped`, which the browsers are sent); a second call does nothing.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.subscription.unsubscribe();
      this.board.detach();
      this.hub.closeAll(sseMessage('closed', { summary: this.statistics.summary() }));
      // Closed right after construction: let the listen finish first, or it would outlive the close.
      await this.listening.catch(() => undefined);
      await new Promise<void>((resolve) => {
        if (!this.server.listening) return resolve();
        this.server.close(() => resolve());
        this.server.closeIdleConnections();
      });
    })();
    return this.closing;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((error: unknown) => {
      this.ssc.reportError(
        'dashboard',
        `answering ${req.method} ${pathOf(req)}: ${(error as Error).message}`,
        error,
      );
      if (!res.headersSent) send(res, 500, `the dashboard failed to answer: ${(error as Error).message}`);
      else res.destroy();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, `the dashboard only answers GET and HEAD, not ${req.method}`);
    }
    const decision = this.access.check(req);
    if (decision.allowed === false) return send(res, decision.status, decision.message);
    if (decision.allowed === 'redirect') {
      res.writeHead(303, { Location: decision.location, 'Set-Cookie': decision.cookie, ...securityHeaders });
      return void res.end();
    }
    const path = pathOf(req);
    if (path === '/events' && req.method === 'HEAD') return send(res, 200, '', 'text/event-stream', true);
    if (path === '/events') {
      const snapshot = { statistics: this.statistics.snapshot(), panels: this.board.states() };
      return this.hub.open(req, res, sseMessage('snapshot', snapshot));
    }
    if (path === '/api/snapshot') {
      const body = JSON.stringify({ statistics: this.statistics.snapshot(), panels: this.board.states() });
      return send(res, 200, body, 'application/json; charset=utf-8', req.method === 'HEAD');
    }
    this.files ??= staticFiles();
    const file = this.files[path === '/index.html' ? '/' : path];
    if (!file) return send(res, 404, `no such page: ${path}; the dashboard is at /`);
    let body = this.cache.get(file.path);
    if (!body) {
      body = await readFile(file.path).catch((error: unknown) => {
        throw new KindlingError(`cannot read ${file.path}: ${(error as Error).message}`, { cause: error });
      });
      this.cache.set(file.path, body);
    }
    send(res, 200, body, file.type, req.method === 'HEAD');
  }
}

/**
 * Serves the live dashboard of `ssc` (see {@link Dashboard}) on `host:port`, default
 * `127.0.0.1:4040`. Streams feed it panels with `board.panel(stream, name, spec)`.
 *
 * @returns the dashboard; `await board.listening` for its address. `ssc.stop()` closes it.
 * @example
 * import { dashboard } from 'kindling/outputs';
 * const board = dashboard(ssc);                                   // http://127.0.0.1:4040/
 * board.panel(tweets.count(), 'tweets per batch');
 * const shared = dashboard(ssc, { host: '0.0.0.0', token: process.env.KINDLING_DASHBOARD_TOKEN });
 *
 * Gotcha: off loopback the token is required, and a browser opens `/?token=...` once.
 */
export function dashboard(ssc: StreamingContext, options: DashboardOptions = {}): Dashboard {
  return new Dashboard(ssc, options);
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://dashboard').pathname;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type = 'text/plain; charset=utf-8',
  headOnly = false,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(status >= 400 ? `${body}\n` : body) : body;
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': bytes.length,
    'Cache-Control': 'no-store',
    ...securityHeaders,
  });
  res.end(headOnly ? undefined : bytes);
}
