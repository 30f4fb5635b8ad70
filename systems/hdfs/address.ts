/**
 * `hdfs://`, `webhdfs://` and `swebhdfs://` addresses, and the client options every HDFS
 * connector takes: what turns an address into a {@link WebHdfsClient} and a path.
 */
import { ConfigurationError } from '../../lib/index.js';
import { WebHdfsClient, type WebHdfsOptions } from './webhdfs.js';

/** How an HDFS connector reaches the NameNode (besides the address it is given). */
export interface HdfsConnectionOptions extends Omit<WebHdfsOptions, 'endpoint'> {
  /** A client to use as it is (its endpoint and settings win; the address gives only the path). */
  readonly client?: WebHdfsClient;
  /**
   * The NameNode's web (WebHDFS) port for `hdfs://` addresses, whose port is the RPC port that
   * WebHDFS does not use. Default 9870 (Hadoop 3's default).
   */
  readonly httpPort?: number;
}

/** A client and the absolute HDFS path an address names. */
export interface HdfsLocation {
  /** A WebHDFS client of the address's NameNode. */
  readonly client: WebHdfsClient;
  /** The absolute path, without a trailing `/` (except the root `/`). */
  readonly path: string;
  /** The address as given, for messages (it never holds credentials). */
  readonly url: string;
}

const ADDRESS = /^(hdfs|webhdfs|swebhdfs):\/\/([^/:]+)(?::(\d+))?(\/.*)?$/;

/**
 * The client and path of `url`: `hdfs://host[:rpcPort]/path` (WebHDFS on `http://host:httpPort`),
 * `webhdfs://host:port/path` (http) or `swebhdfs://host:port/path` (https).
 *
 * @param what - the connector, for messages.
 * @example
 * connectHdfs('hdfsLookup', 'hdfs://nn:8020/users.jsonl', { httpPort: 9870 }).path // '/users.jsonl'
 * @throws ConfigurationError when the address or an option is wrong.
 */
export function connectHdfs(what: string, url: string, options: HdfsConnectionOptions = {}): HdfsLocation {
  const match = typeof url === 'string' ? ADDRESS.exec(url) : null;
  if (!match) {
    throw new ConfigurationError(
      `${what}: ${JSON.stringify(url)} is not an HDFS address; write it as hdfs://namenode:8020/path ` +
        '(with httpPort for WebHDFS) or webhdfs://namenode:9870/path',
    );
  }
  const [, scheme, host, port, rawPath] = match;
  const path = rawPath === undefined || rawPath === '/' ? '/' : rawPath.replace(/\/+$/, '');
  if (options.client) return { client: options.client, path, url };
  const httpPort = options.httpPort ?? 9870;
  if (!(Number.isInteger(httpPort) && httpPort > 0 && httpPort < 65536)) {
    throw new ConfigurationError(`${what}: httpPort must be a TCP port number, got ${httpPort}`);
  }
  if (scheme !== 'hdfs' && port === undefined) {
    throw new ConfigurationError(
      `${what}: ${url} needs the NameNode's web port, e.g. ${scheme}://${host}:9870/`,
    );
  }
  const endpoint =
    scheme === 'hdfs'
      ? `http://${host}:${httpPort}`
      : `${scheme === 'swebhdfs' ? 'https' : 'http'}://${host}:${port}`;
  const { client: _unused, httpPort: _port, ...rest } = options;
  return { client: new WebHdfsClient({ ...rest, endpoint }), path, url };
}

/** `child` joined under folder `parent` (both absolute HDFS paths or names). */
export function joinPath(parent: string, child: string): string {
  if (child === '') return parent;
  return parent.endsWith('/') ? `${parent}${child}` : `${parent}/${child}`;
}
