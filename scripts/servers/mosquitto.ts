/**
 * Mosquitto (Debian package, 2.0.x), the MQTT broker of the MQTT connector tests. Two listeners on
 * 127.0.0.1: one anonymous (`KINDLING_MQTT_PORT`), one that needs a user name and password
 * (`KINDLING_MQTT_AUTH_PORT`, user `KINDLING_MQTT_USER` / `KINDLING_MQTT_PASSWORD`).
 * Offline clients' queues are unbounded so a persistent session misses nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { aptInstall } from './debian.js';
import type { ServerSpec } from './spec.js';

/** True once an MQTT client connects to `port` on 127.0.0.1 (with `auth` when given). */
async function mqttConnects(port: number, auth?: { username: string; password: string }): Promise<boolean> {
  const client = await connectAsync(`mqtt://127.0.0.1:${port}`, {
    reconnectPeriod: 0,
    connectTimeout: 2000,
    ...auth,
  });
  await client.endAsync();
  return true;
}

export const mosquitto: ServerSpec = {
  name: 'mosquitto',
  env: {
    KINDLING_MQTT_PORT: '11883',
    KINDLING_MQTT_AUTH_PORT: '11884',
    KINDLING_MQTT_USER: 'kindling',
    KINDLING_MQTT_PASSWORD: 'kindling-secret',
  },
  readyTimeoutMs: 20_000,

  async install(ctx) {
    await aptInstall(ctx, 'mosquitto', '/usr/sbin/mosquitto');
  },

  async start(ctx) {
    const passwords = join(ctx.dataDir, 'passwords');
    // -c creates the file; -b takes the password from the command line.
    await ctx.run('mosquitto_passwd', [
      '-c',
      '-b',
      passwords,
      ctx.env.KINDLING_MQTT_USER as string,
      ctx.env.KINDLING_MQTT_PASSWORD as string,
    ]);
    const config = join(ctx.dataDir, 'mosquitto.conf');
    writeFileSync(
      config,
      [
        // Run as the user who starts it (root on the project's machines) so it can read its files.
        'user root',
        'per_listener_settings true',
        'persistence false',
        // Its own writes, unbuffered, to the log the tests print (stdout would be block-buffered).
        `log_dest file ${ctx.logFile}`,
        'log_type error',
        'log_type warning',
        'log_type notice',
        'log_type information',
        // No limit on what waits for an offline persistent session (the default drops past 1000).
        'max_queued_messages 0',
        `listener ${ctx.env.KINDLING_MQTT_PORT} 127.0.0.1`,
        'allow_anonymous true',
        `listener ${ctx.env.KINDLING_MQTT_AUTH_PORT} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${passwords}`,
        '',
      ].join('\n'),
    );
    return ctx.spawn('mosquitto', ['-c', config]);
  },

  async ready(ctx) {
    return (
      (await mqttConnects(Number(ctx.env.KINDLING_MQTT_PORT))) &&
      (await mqttConnects(Number(ctx.env.KINDLING_MQTT_AUTH_PORT), {
        username: ctx.env.KINDLING_MQTT_USER as string,
        password: ctx.env.KINDLING_MQTT_PASSWORD as string,
      }))
    );
  },
};
