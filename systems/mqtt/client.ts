/**
 * What the MQTT receiver and the MQTT output share: connection options, their checks, and a
 * connect (one attempt; the caller retries with back-off) whose errors never carry the password.
 */
import type * as Mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { ConfigurationError, KindlingError } from '../../lib/index.js';
import { loadOptional } from '../optional.js';
import { redact, safeError } from '../redact.js';
import type { MqttConnectionOptions } from './options.js';

export type { MqttConnectionOptions } from './options.js';

/** The `mqtt` library, loaded on the first call; `forWhat` names who needs it in the error. */
export function mqttLibrary(forWhat: string): typeof Mqtt {
  return loadOptional<typeof Mqtt>('mqtt', forWhat);
}

/**
 * Checks the connection options of `what` (a receiver's or output's name), and loads `mqtt`;
 * throws ConfigurationError.
 */
export function checkConnectionOptions(what: string, options: MqttConnectionOptions): void {
  // The connector's first use: its client library is loaded now, so that a missing one fails
  // where the connector is made, with the install command.
  mqttLibrary(what);
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ConfigurationError(`${what}: url is not a URL; write it as mqtt://127.0.0.1:1883`);
    }
    if (!['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'].includes(url.protocol)) {
      throw new ConfigurationError(
        `${what}: url must start with mqtt://, mqtts://, ws:// or wss://, not ${url.protocol}//`,
      );
    }
  }
  const port = options.port;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new ConfigurationError(`${what}: port must be a whole number from 1 to 65535, got ${port}`);
  }
  const version = options.protocolVersion;
  if (version !== undefined && version !== 3 && version !== 4 && version !== 5) {
    throw new ConfigurationError(
      `${what}: protocolVersion must be 4 (MQTT 3.1.1), 5 (MQTT 5) or 3, got ${String(version)}`,
    );
  }
  for (const key of ['keepalive', 'connectTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new ConfigurationError(`${what}: ${key} must be a number >= 0, got ${value}`);
    }
  }
}

/** The URL the client connects to (without user info) and the secrets never to show. */
function resolve(options: MqttConnectionOptions): { readonly url: string; readonly secrets: string[] } {
  const url = new URL(options.url ?? (options.tls ? 'mqtts://127.0.0.1' : 'mqtt://127.0.0.1'));
  const secrets = [options.password ?? '', decodeURIComponent(url.password), url.password];
  if (options.hostname !== undefined) url.hostname = options.hostname;
  if (options.port !== undefined) url.port = String(options.port);
  if (!url.port) url.port = url.protocol === 'mqtts:' || url.protocol === 'ssl:' ? '8883' : '1883';
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), secrets: secrets.filter((s) => s.length > 0) };
}

/** Where the options connect to, without credentials, e.g. `mqtt://127.0.0.1:1883`. */
export function describeTarget(options: MqttConnectionOptions): string {
  return resolve(options).url;
}

/** The secrets of `options`, to redact errors raised after connecting. */
export function secretsOf(options: MqttConnectionOptions): string[] {
  return resolve(options).secrets;
}

/**
 * Connects once (no automatic reconnect: the caller restarts with back-off); resolves once the
 * broker accepted the connection. A failure rejects with a retriable KindlingError naming the
 * target, whose message and cause hold no secret.
 *
 * @param forWhat who connects (`the MQTT receiver`): named when `mqtt`, loaded here, is missing.
 * @param settings the caller's own client settings (client id, session).
 * @param prepare called with the client before it connects (to set `handleMessage` in time for
 *   the messages a persistent session delivers right after the broker accepts it).
 */
export function openClient(
  forWhat: string,
  options: MqttConnectionOptions,
  settings: IClientOptions,
  prepare?: (client: MqttClient) => void,
): Promise<MqttClient> {
  const { connect } = mqttLibrary(forWhat);
  const { url, secrets } = resolve(options);
  const given = options.url === undefined ? undefined : new URL(options.url);
  const username = options.username ?? (given?.username ? decodeURIComponent(given.username) : undefined);
  const password = options.password ?? (given?.password ? decodeURIComponent(given.password) : undefined);
  const client = connect(url, {
    ...options.clientOptions,
    ...options.tls,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    protocolVersion: options.protocolVersion ?? 4,
    keepalive: options.keepalive ?? 60,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    reconnectPeriod: 0,
    ...settings,
  } as IClientOptions);
  prepare?.(client);
  return new Promise((done, fail) => {
    let settled = false;
    const failed = (error: unknown): void => {
      if (settled) return;
      settled = true;
      client.removeListener('connect', connected);
      client.end(true);
      fail(
        new KindlingError(
          `could not connect to MQTT at ${url}${username === undefined ? '' : ` as '${username}'`}: ${redact(error, secrets)}`,
          { cause: safeError(error, secrets), retriable: !refusedLogin(error) },
        ),
      );
    };
    const onError = (error: Error): void => failed(error);
    const onClose = (): void => failed(new Error('the connection closed before the broker accepted it'));
    const connected = (): void => {
      settled = true;
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      // An 'error' nobody listens to would end the process; callers add their own listeners.
      client.on('error', () => undefined);
      done(client);
    };
    client.once('connect', connected);
    client.once('error', onError);
    client.once('close', onClose);
  });
}

/** CONNACK codes of a refused login (3.1.1: 4 and 5; MQTT 5: 134 and 135): trying again will not help. */
function refusedLogin(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return code === 4 || code === 5 || code === 134 || code === 135;
}

/** Ends the client at once (pending publishes fail with `Connection closed`); resolves when it is closed. */
export function closeClient(client: MqttClient): Promise<void> {
  return new Promise((done) => {
    const stream = (client as unknown as { stream?: { destroyed?: boolean } }).stream;
    if (stream === undefined || stream.destroyed) {
      client.end(true);
      done();
      return;
    }
    client.end(true, {}, () => done());
  });
}
