/**
 * The loader of the optional peer dependencies: each external system's client library (kafkajs,
 * the AWS SDK clients, mongodb, mqtt, amqplib, hbase-rpc-client, natural, DuckDB's Node API) is
 * loaded the first time a connector of that system is made (DuckDB: when a context with SQL
 * streams starts), never when `kindling/receivers` (or any entry point) is imported. A library
 * that is not installed fails there with the command that installs it.
 *
 * Loading is synchronous (`require` from Kindling's own location): every one of these libraries
 * ships CommonJS, Node 20.19+ can `require` an ES module without top-level await, and some first
 * uses are synchronous (`SentimentScorer.score`, the connector factories).
 */
import { createRequire } from 'node:module';
import { ConfigurationError, KindlingError, describeError } from '../lib/index.js';

/**
 * The optional peers and the versions Kindling is tested with: the same ranges as
 * `peerDependencies` in package.json (a test checks that they agree).
 */
export const OPTIONAL_PACKAGES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-kinesis': '^3.1143.0',
  '@aws-sdk/client-s3': '^3.1169.0',
  '@duckdb/node-api': '^1.5.6-r.1',
  '@smithy/node-http-handler': '^4.14.2',
  amqplib: '^2.3.1',
  'hbase-rpc-client': '^0.1.15',
  kafkajs: '^2.2.4',
  mongodb: '^7.9.0',
  mqtt: '^5.16.0',
  natural: '^8.1.1',
};

/** Loads `specifier` (a package, or a file of one: `natural/lib/...`) for `forWhat`. */
export type OptionalLoader = <T>(specifier: string, forWhat: string) => T;

/** The package a specifier names: `@aws-sdk/client-s3`, `natural` for `natural/lib/x.json`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** `npm install kafkajs@^2.2.4`: the range of OPTIONAL_PACKAGES, if it has one. */
export function installCommand(packageName: string): string {
  const range = OPTIONAL_PACKAGES[packageName];
  return `npm install ${packageName}${range === undefined ? '' : `@${range}`}`;
}

/**
 * A loader that resolves from `from` (a file URL or path), and caches what it loaded by
 * specifier. Missing (the specifier itself does not resolve): a ConfigurationError naming the
 * package, `forWhat` and the install command. Any other failure (the package throws while it
 * loads, or a file or dependency inside it is missing): a KindlingError with the error as cause.
 */
export function createOptionalLoader(from: string | URL): OptionalLoader {
  const require = createRequire(from);
  const loaded = new Map<string, unknown>();
  return <T>(specifier: string, forWhat: string): T => {
    if (loaded.has(specifier)) return loaded.get(specifier) as T;
    const packageName = packageOf(specifier);
    let path: string;
    try {
      path = require.resolve(specifier);
    } catch (error) {
      if (!isNotFound(error, specifier)) throw loadFailed(packageName, forWhat, error);
      if (specifier !== packageName && resolves(require, packageName)) {
        throw new ConfigurationError(
          `${forWhat} needs '${specifier}', which the installed '${packageName}' does not have: ` +
            `install a version it has with \`${installCommand(packageName)}\``,
          { cause: error },
        );
      }
      throw new ConfigurationError(
        `${forWhat} needs the package '${packageName}', which is not installed: ` +
          `install it with \`${installCommand(packageName)}\``,
        { cause: error },
      );
    }
    let library: unknown;
    try {
      library = require(path);
    } catch (error) {
      throw loadFailed(packageName, forWhat, error);
    }
    loaded.set(specifier, library);
    return library as T;
  };
}

function resolves(require: NodeJS.Require, specifier: string): boolean {
  try {
    require.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** True when resolving `specifier` failed because it is not there (not: a bad `exports` map). */
function isNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    error instanceof Error &&
    error.message.includes(`'${specifier}'`)
  );
}

function loadFailed(packageName: string, forWhat: string, error: unknown): KindlingError {
  return new KindlingError(
    `${forWhat}: loading the package '${packageName}' failed: ${describeError(error)}`,
    { cause: error },
  );
}

/**
 * Loads an optional peer dependency on first use, from where Kindling is installed.
 *
 * @example
 * const { Kafka } = loadOptional<typeof import('kafkajs')>('kafkajs', 'the Kafka receiver');
 * // not installed: ConfigurationError "the Kafka receiver needs the package 'kafkajs', which is
 * // not installed: install it with `npm install kafkajs@^2.2.4`"
 */
export const loadOptional: OptionalLoader = createOptionalLoader(import.meta.url);
