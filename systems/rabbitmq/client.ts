/**
 * What the RabbitMQ receiver and the RabbitMQ output share: connection options, their checks, and
 * a connect whose errors never carry the password.
 */
import type * as Amqp from 'amqplib';
import type { ChannelModel, Options, SocketOptions } from 'amqplib';
import { ConfigurationError, KindlingError } from '../../lib/index.js';
import { loadOptional } from '../optional.js';
import { redact, safeError } from '../redact.js';
import type { RabbitMQConnectionOptions } from './options.js';

export type { RabbitMQConnectionOptions } from './options.js';

/** amqplib, loaded on the first call; `forWhat` names who needs it in the error. */
export function amqplib(forWhat: string): typeof Amqp {
  return loadOptional<typeof Amqp>('amqplib', forWhat);
}

/** An open connection and a description of where it goes (without credentials), for messages. */
export interface RabbitMQConnection {
  readonly model: ChannelModel;
  readonly target: string;
}

/**
 * Checks the connection options of `what` (a receiver's or output's name), and loads amqplib;
 * throws ConfigurationError.
 */
export function checkConnectionOptions(what: string, options: RabbitMQConnectionOptions): void {
  // The connector's first use: its client library is loaded now, so that a missing one fails
  // where the connector is made, with the install command.
  amqplib(what);
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ConfigurationError(
        `${what}: url is not a URL; write it as amqp://user:password@127.0.0.1:5672/vhost`,
      );
    }
    if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') {
      throw new ConfigurationError(`${what}: url must start with amqp:// or amqps://, not ${url.protocol}//`);
    }
  }
  const port = options.port;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new ConfigurationError(`${what}: port must be a whole number from 1 to 65535, got ${port}`);
  }
  const sasl = options.sasl;
  if (sasl !== undefined && sasl !== 'PLAIN' && sasl !== 'AMQPLAIN' && sasl !== 'EXTERNAL') {
    throw new ConfigurationError(
      `${what}: sasl must be 'PLAIN', 'AMQPLAIN' or 'EXTERNAL', got '${String(sasl)}'`,
    );
  }
  for (const key of ['heartbeat', 'connectTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new ConfigurationError(
        `${what}: ${key} must be a number of ${key === 'heartbeat' ? 's' : 'ms'} >= 0, got ${value}`,
      );
    }
  }
}

/** The connect settings amqplib takes, and the secrets that must never be shown. */
function resolve(options: RabbitMQConnectionOptions): {
  readonly connect: Options.Connect;
  readonly target: string;
  readonly secrets: string[];
} {
  const url = options.url === undefined ? undefined : new URL(options.url);
  const tls = options.tls !== undefined || url?.protocol === 'amqps:';
  const decoded = (part: string | undefined): string | undefined =>
    part === undefined || part === '' ? undefined : decodeURIComponent(part);
  const hostname = options.hostname ?? (url?.hostname || '127.0.0.1');
  const port = options.port ?? (url?.port ? Number(url.port) : tls ? 5671 : 5672);
  const path = url?.pathname.slice(1);
  const vhost = options.vhost ?? decoded(path) ?? '/';
  const password = options.password ?? decoded(url?.password) ?? 'guest';
  const settings: Options.Connect = {
    protocol: tls ? 'amqps' : 'amqp',
    hostname,
    port,
    vhost,
    username: options.username ?? decoded(url?.username) ?? 'guest',
    password,
    ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
  };
  const secrets = [password, url?.password ?? ''].filter((s) => s.length > 0);
  return {
    connect: settings,
    target: `${settings.protocol}://${hostname}:${port}${vhost === '/' ? '' : `/${vhost}`}`,
    secrets,
  };
}

/** Where the options connect to, without credentials, e.g. `amqp://127.0.0.1:5672`. */
export function describeTarget(options: RabbitMQConnectionOptions): string {
  return resolve(options).target;
}

/**
 * Connects (the first call loads amqplib for `forWhat`, which is named with the install command
 * when it is missing); a failure rejects with a KindlingError that names the target and whose message and
 * cause hold no secret (retriable, except a refused login).
 */
export async function openConnection(
  options: RabbitMQConnectionOptions,
  forWhat: string,
): Promise<RabbitMQConnection> {
  const { connect, credentials } = amqplib(forWhat);
  const { connect: settings, target, secrets } = resolve(options);
  const sasl = options.sasl ?? 'PLAIN';
  const user = settings.username ?? 'guest';
  const socket: SocketOptions = {
    ...options.socketOptions,
    ...options.tls,
    timeout: options.connectTimeoutMs ?? 10_000,
    credentials:
      sasl === 'EXTERNAL'
        ? credentials.external()
        : sasl === 'AMQPLAIN'
          ? credentials.amqplain(user, settings.password ?? '')
          : credentials.plain(user, settings.password ?? ''),
  };
  try {
    return { model: await connect(settings, socket), target };
  } catch (error) {
    throw new KindlingError(
      `could not connect to RabbitMQ at ${target} as '${user}': ${redact(error, secrets)}`,
      {
        cause: safeError(error, secrets),
        // A refused login stays refused until someone changes the credentials.
        retriable: !/ACCESS.REFUSED/.test(String((error as Error | undefined)?.message)),
      },
    );
  }
}

/** The secrets of `options`, for {@link redact} of errors raised after connecting. */
export function secretsOf(options: RabbitMQConnectionOptions): string[] {
  return resolve(options).secrets;
}
