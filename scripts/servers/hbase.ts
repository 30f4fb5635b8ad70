/**
 * HBase 2.6.4 (`-hadoop3` artifacts) for the HBase lookup and output tests: standalone mode, one
 * JVM running ZooKeeper, the master and one region server, storing under the data dir on the
 * local file system. Jars from Maven Central (`scripts/servers/hbase/pom.xml`, copied once into
 * `.cache/servers/hbase-2.6.4/libs`); everything binds 127.0.0.1:
 *
 * - `KINDLING_HBASE_ZK_PORT` (12181): ZooKeeper, where clients find `hbase:meta`;
 * - `KINDLING_HBASE_MASTER_PORT` (16000) and `KINDLING_HBASE_REGIONSERVER_PORT` (16020): RPC.
 *
 * Admin steps (create, drop, split a table) go through `KindlingHBaseAdmin.java` beside this file,
 * compiled once into `.cache/servers/hbase-2.6.4/tool` and run with {@link hbaseAdmin}; `ready`
 * is its `ready` command: the master is initialised and a probe table is written and read back.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { ServerContext, ServerSpec } from './spec.js';

const version = '2.6.4';

const home = (cacheDir: string): string => join(cacheDir, `hbase-${version}`);
const libs = (cacheDir: string): string => join(home(cacheDir), 'libs');
const tool = (cacheDir: string): string => join(home(cacheDir), 'tool');
const toolSource = (root: string): string =>
  join(root, 'scripts', 'servers', 'hbase', 'KindlingHBaseAdmin.java');

/** What HBase's own `bin/hbase` adds on JDK 11+ so that its netty and Hadoop code run on JDK 17. */
const jdk17Flags = [
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  '--add-exports=java.base/sun.net.dns=ALL-UNNAMED',
  '--add-exports=java.base/sun.net.util=ALL-UNNAMED',
  '-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true',
];

function siteXml(ctx: ServerContext): string {
  const e = ctx.env;
  const properties: Record<string, string> = {
    'hbase.cluster.distributed': 'false',
    'hbase.rootdir': `file://${join(ctx.dataDir, 'hbase')}`,
    'hbase.tmp.dir': join(ctx.dataDir, 'tmp'),
    'hbase.zookeeper.property.dataDir': join(ctx.dataDir, 'zookeeper'),
    'hbase.zookeeper.quorum': '127.0.0.1',
    'hbase.zookeeper.property.clientPort': e.KINDLING_HBASE_ZK_PORT ?? '',
    'hbase.zookeeper.property.clientPortAddress': '127.0.0.1',
    'hbase.localcluster.assign.random.ports': 'false',
    'hbase.master.port': e.KINDLING_HBASE_MASTER_PORT ?? '',
    'hbase.master.ipc.address': '127.0.0.1',
    'hbase.master.hostname': '127.0.0.1',
    'hbase.master.info.port': '-1',
    'hbase.regionserver.port': e.KINDLING_HBASE_REGIONSERVER_PORT ?? '',
    'hbase.regionserver.ipc.address': '127.0.0.1',
    'hbase.regionserver.hostname': '127.0.0.1',
    'hbase.regionserver.info.port': '-1',
    'hbase.unsafe.stream.capability.enforce': 'false',
    // One region server: stop waiting for more as soon as it has checked in.
    'hbase.master.wait.on.regionservers.mintostart': '1',
    'hbase.master.wait.on.regionservers.maxtostart': '1',
  };
  const body = Object.entries(properties)
    .map(([k, v]) => `  <property><name>${k}</name><value>${v}</value></property>`)
    .join('\n');
  return `<?xml version="1.0"?>\n<configuration>\n${body}\n</configuration>\n`;
}

const log4j2 = [
  'status = warn',
  'appender.console.type = Console',
  'appender.console.name = STDOUT',
  'appender.console.layout.type = PatternLayout',
  'appender.console.layout.pattern = %d{ISO8601} %-5p [%t] %c{2}: %m%n',
  'rootLogger = INFO,STDOUT',
  'logger.zookeeper.name = org.apache.zookeeper',
  'logger.zookeeper.level = WARN',
  'logger.hadoop.name = org.apache.hadoop',
  'logger.hadoop.level = WARN',
  'logger.hbase.name = org.apache.hadoop.hbase',
  'logger.hbase.level = INFO',
  '',
].join('\n');

/**
 * Runs one `KindlingHBaseAdmin` command (see the Java file) against the server; resolves with its
 * standard output, rejects with its standard error.
 *
 * @example
 * await hbaseAdmin(cacheDir, env, ['create', 'profiles', 'p']);
 */
export function hbaseAdmin(
  cacheDir: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[],
): Promise<string> {
  const classpath = `${tool(cacheDir)}:${libs(cacheDir)}/*`;
  const javaArgs = [...jdk17Flags, '-Xmx256m', '-XX:TieredStopAtLevel=1', '-Dlog4j2.level=ERROR'];
  return new Promise((done, fail) => {
    execFile(
      'java',
      [...javaArgs, '-cp', classpath, 'KindlingHBaseAdmin', ...args],
      { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`hbase admin ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else done(stdout);
      },
    );
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      done(true);
    });
    socket.on('error', () => done(false));
  });
}

export const hbase: ServerSpec = {
  name: 'hbase',
  env: {
    KINDLING_HBASE_ZK_PORT: '12181',
    KINDLING_HBASE_MASTER_PORT: '16000',
    KINDLING_HBASE_REGIONSERVER_PORT: '16020',
  },
  readyTimeoutMs: 180_000,

  async install(ctx) {
    const dir = libs(ctx.cacheDir);
    const have = existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(`hbase-server-${version}`));
    if (!have) {
      ctx.log(`downloading HBase ${version} jars with Maven into ${dir}`);
      await ctx.run(
        'mvn',
        ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${dir}`],
        { cwd: join(ctx.root, 'scripts', 'servers', 'hbase') },
      );
    }
    const source = toolSource(ctx.root);
    const compiled = join(tool(ctx.cacheDir), 'KindlingHBaseAdmin.class');
    if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) {
      ctx.log('compiling KindlingHBaseAdmin.java');
      mkdirSync(tool(ctx.cacheDir), { recursive: true });
      await ctx.run('javac', ['-nowarn', '-d', tool(ctx.cacheDir), '-cp', `${dir}/*`, source]);
    }
  },

  async start(ctx) {
    const conf = join(ctx.dataDir, 'conf');
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'hbase-site.xml'), siteXml(ctx));
    writeFileSync(join(conf, 'log4j2.properties'), log4j2);
    return ctx.spawn('java', [
      ...jdk17Flags,
      '-Xms256m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      '-Djava.net.preferIPv4Stack=true',
      `-Dlog4j2.configurationFile=file:${join(conf, 'log4j2.properties')}`,
      `-Dhbase.log.dir=${ctx.dataDir}`,
      '-cp',
      `${conf}:${libs(ctx.cacheDir)}/*`,
      'org.apache.hadoop.hbase.master.HMaster',
      'start',
    ]);
  },

  async stop(ctx) {
    // On SIGTERM HBase's shutdown hooks close the regions (flushing them) within a second or two,
    // but the JVM then stays up on non-daemon threads (ZooKeeper's session tracker): give the
    // hooks a few seconds, then kill the group. (The pid file is the one scripts/servers.ts keeps.)
    const pidFile = join(ctx.cacheDir, 'run', 'hbase.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const signal = (sig: NodeJS.Signals): boolean => {
      try {
        process.kill(-pid, sig);
        return true;
      } catch {
        return false;
      }
    };
    if (!signal('SIGTERM')) return;
    const hooksDone = (): boolean =>
      existsSync(ctx.logFile) && readFileSync(ctx.logFile, 'utf8').includes('Shutdown MiniZK cluster');
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && !hooksDone()) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 500));
    signal('SIGKILL');
  },

  async ready(ctx) {
    // The region server's port opens last; only then is the (slow) Java probe worth starting.
    if (!(await portOpen(Number(ctx.env.KINDLING_HBASE_REGIONSERVER_PORT)))) return false;
    await hbaseAdmin(ctx.cacheDir, ctx.env, ['ready']);
    return true;
  },
};
