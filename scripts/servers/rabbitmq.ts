/**
 * RabbitMQ (Debian package, 3.10.x on Erlang 25), the broker of the RabbitMQ connector tests. One
 * node `kindling@localhost` in the foreground, as the user who starts it, with everything under
 * the data folder: AMQP on 127.0.0.1:`KINDLING_RABBITMQ_PORT`, Erlang distribution on
 * `KINDLING_RABBITMQ_DIST_PORT`, its own epmd on 127.0.0.1:`KINDLING_RABBITMQ_EPMD_PORT` (so a
 * system RabbitMQ or Erlang node is never touched). User `guest`, password `guest` (from 127.0.0.1).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { aptInstall } from './debian.js';
import type { ServerContext, ServerSpec } from './spec.js';

const bin = '/usr/lib/rabbitmq/bin';
const node = 'kindling@localhost';

/** The environment every RabbitMQ command of this node runs with (server and rabbitmqctl alike). */
function rabbitEnv(ctx: ServerContext): NodeJS.ProcessEnv {
  return {
    // The Erlang cookie lives in $HOME: the data folder, shared by the server and rabbitmqctl.
    HOME: ctx.dataDir,
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_EPMD_PORT: ctx.env.KINDLING_RABBITMQ_EPMD_PORT,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: ctx.env.KINDLING_RABBITMQ_PORT,
    RABBITMQ_DIST_PORT: ctx.env.KINDLING_RABBITMQ_DIST_PORT,
    RABBITMQ_CONF_ENV_FILE: join(ctx.dataDir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: join(ctx.dataDir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(ctx.dataDir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(ctx.dataDir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(ctx.dataDir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(ctx.dataDir, 'log'),
    RABBITMQ_LOGS: '-',
    ERL_CRASH_DUMP: join(ctx.dataDir, 'erl_crash.dump'),
    // Distribution on 127.0.0.1 only; no busy-waiting schedulers (two cores, other servers beside).
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:
      '-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none',
  };
}

export const rabbitmq: ServerSpec = {
  name: 'rabbitmq',
  env: {
    KINDLING_RABBITMQ_PORT: '35672',
    KINDLING_RABBITMQ_DIST_PORT: '35673',
    KINDLING_RABBITMQ_EPMD_PORT: '34369',
  },
  readyTimeoutMs: 60_000,

  async install(ctx) {
    await aptInstall(ctx, 'rabbitmq-server', `${bin}/rabbitmq-server`);
  },

  async start(ctx) {
    writeFileSync(join(ctx.dataDir, 'rabbitmq-env.conf'), '');
    writeFileSync(join(ctx.dataDir, 'advanced.config'), '[].\n');
    writeFileSync(join(ctx.dataDir, 'enabled_plugins'), '[].\n');
    writeFileSync(
      join(ctx.dataDir, 'rabbitmq.conf'),
      ['loopback_users.guest = true', 'disk_free_limit.absolute = 50MB', ''].join('\n'),
    );
    // Our own epmd, started before the node would start one: it daemonises out of the process
    // group, and -relaxed_command_check lets `stop` end it even while a node is registered.
    const env = rabbitEnv(ctx);
    await ctx.run('epmd', ['-daemon', '-relaxed_command_check'], { cwd: ctx.dataDir, env });
    return ctx.spawn(`${bin}/rabbitmq-server`, [], { cwd: ctx.dataDir, env });
  },

  async ready(ctx) {
    const connection = await connect(`amqp://guest:guest@127.0.0.1:${ctx.env.KINDLING_RABBITMQ_PORT}`);
    await connection.close();
    return true;
  },

  async stop(ctx) {
    const env = rabbitEnv(ctx);
    // Stops the node (the group signal alone may leave it writing its database), then its epmd,
    // which daemonises out of the process group. Without a cookie no node of ours ever ran.
    if (existsSync(join(ctx.dataDir, '.erlang.cookie'))) {
      await ctx
        .run(`${bin}/rabbitmqctl`, ['-n', node, '-t', '20', 'stop'], { cwd: ctx.dataDir, env })
        .catch(() => undefined);
    }
    await ctx.run('epmd', ['-kill'], { env }).catch(() => undefined);
  },
};
