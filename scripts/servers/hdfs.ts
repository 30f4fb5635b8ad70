/**
 * HDFS 3.4.1 for the HDFS lookup, output, text stream and checkpoint store tests: one NameNode and
 * one DataNode (two JVMs started by one small shell wrapper, so both are in the process group the
 * framework stops), jars from Maven Central (`scripts/servers/hdfs/pom.xml`, copied once into
 * `.cache/servers/hadoop-3.4.1/libs`), everything on 127.0.0.1:
 *
 * - `KINDLING_HDFS_RPC_PORT` (19820): `fs.defaultFS` (`hdfs://127.0.0.1:19820`);
 * - `KINDLING_HDFS_HTTP_PORT` (19870): the NameNode's web server and WebHDFS
 *   (`http://127.0.0.1:19870/webhdfs/v1/...`), what the Kindling clients speak;
 * - `KINDLING_HDFS_DATANODE_PORT` (19866), `KINDLING_HDFS_DATANODE_HTTP_PORT` (19864, where
 *   WebHDFS redirects reads and writes), `KINDLING_HDFS_DATANODE_IPC_PORT` (19867).
 *
 * Single-node settings: replication 1, permissions off (any `user.name` may write anywhere),
 * no safe-mode extension, `dfs.datanode.hostname=127.0.0.1` so redirects name 127.0.0.1. The
 * NameNode is formatted on every start (the data folder is wiped by `up` anyway). Ready means a
 * DataNode is live: before that, WebHDFS answers but a write fails.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerContext, ServerSpec } from './spec.js';

const version = '3.4.1';

const libs = (ctx: ServerContext): string => join(ctx.cacheDir, `hadoop-${version}`, 'libs');

/** `--add-opens` for JDK 17, the set Hadoop's launcher and its tests use on JDK 11+. */
const jdk17Flags = [
  'java.base/java.lang',
  'java.base/java.lang.reflect',
  'java.base/java.io',
  'java.base/java.net',
  'java.base/java.nio',
  'java.base/java.util',
  'java.base/java.util.concurrent',
  'java.base/java.util.concurrent.atomic',
  'java.base/java.util.regex',
  'java.base/jdk.internal.ref',
  'java.base/sun.nio.ch',
  'java.base/sun.nio.cs',
  'java.base/sun.security.action',
  'java.base/sun.util.calendar',
  'java.security.jgss/sun.security.krb5',
].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`);

function siteXml(properties: Readonly<Record<string, string>>): string {
  const body = Object.entries(properties)
    .map(([name, value]) => `  <property><name>${name}</name><value>${value}</value></property>`)
    .join('\n');
  return `<?xml version="1.0"?>\n<configuration>\n${body}\n</configuration>\n`;
}

function coreSite(ctx: ServerContext): Record<string, string> {
  return {
    'fs.defaultFS': `hdfs://127.0.0.1:${ctx.env.KINDLING_HDFS_RPC_PORT}`,
    'hadoop.tmp.dir': join(ctx.dataDir, 'tmp'),
    'hadoop.http.staticuser.user': 'kindling',
  };
}

function hdfsSite(ctx: ServerContext): Record<string, string> {
  const e = ctx.env;
  return {
    'dfs.replication': '1',
    'dfs.namenode.name.dir': `file://${join(ctx.dataDir, 'name')}`,
    'dfs.datanode.data.dir': `file://${join(ctx.dataDir, 'data')}`,
    'dfs.namenode.rpc-address': `127.0.0.1:${e.KINDLING_HDFS_RPC_PORT}`,
    'dfs.namenode.rpc-bind-host': '127.0.0.1',
    'dfs.namenode.http-address': `127.0.0.1:${e.KINDLING_HDFS_HTTP_PORT}`,
    'dfs.namenode.http-bind-host': '127.0.0.1',
    'dfs.namenode.https-address': '127.0.0.1:0',
    'dfs.namenode.secondary.http-address': '127.0.0.1:0',
    'dfs.namenode.secondary.https-address': '127.0.0.1:0',
    'dfs.namenode.backup.address': '127.0.0.1:0',
    'dfs.namenode.backup.http-address': '127.0.0.1:0',
    'dfs.datanode.address': `127.0.0.1:${e.KINDLING_HDFS_DATANODE_PORT}`,
    'dfs.datanode.http.address': `127.0.0.1:${e.KINDLING_HDFS_DATANODE_HTTP_PORT}`,
    'dfs.datanode.https.address': '127.0.0.1:0',
    'dfs.datanode.ipc.address': `127.0.0.1:${e.KINDLING_HDFS_DATANODE_IPC_PORT}`,
    'dfs.datanode.hostname': '127.0.0.1',
    'dfs.datanode.use.datanode.hostname': 'false',
    'dfs.client.use.datanode.hostname': 'false',
    'dfs.permissions.enabled': 'false',
    'dfs.webhdfs.enabled': 'true',
    'dfs.namenode.safemode.extension': '0',
    'dfs.namenode.safemode.min.datanodes': '0',
    // A small test disk must not put the NameNode into safe mode or refuse the DataNode's volume.
    'dfs.namenode.resource.du.reserved': '0',
    'dfs.datanode.du.reserved': '0',
    // Heartbeats every second, so the first DataNode is live soon after the NameNode starts.
    'dfs.heartbeat.interval': '1',
    'dfs.namenode.heartbeat.recheck-interval': '10000',
  };
}

const log4j = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %c{1}: %m%n',
  'log4j.logger.org.apache.hadoop.hdfs.StateChange=WARN',
  'log4j.logger.org.apache.hadoop.hdfs.server.namenode.FSNamesystem.audit=WARN',
  'log4j.logger.org.apache.hadoop.hdfs.server.datanode.DataNode.clienttrace=WARN',
  'log4j.logger.org.apache.hadoop.util.NativeCodeLoader=ERROR',
  '',
].join('\n');

/** The `java` command line of one Hadoop daemon (`main` is its class). */
function java(ctx: ServerContext, role: string, main: string, args: readonly string[]): string[] {
  return [
    'java',
    '-Xms128m',
    '-Xmx512m',
    '-Djava.net.preferIPv4Stack=true',
    '-Djava.awt.headless=true',
    `-Dhadoop.log.dir=${join(ctx.dataDir, 'logs')}`,
    `-Dhadoop.id.str=${role}`,
    `-Dlog4j.configuration=file:${join(ctx.dataDir, 'conf', 'log4j.properties')}`,
    ...jdk17Flags,
    '-cp',
    `${join(ctx.dataDir, 'conf')}:${libs(ctx)}/*`,
    main,
    ...args,
  ];
}

const quote = (args: readonly string[]): string => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

const nameNode = 'org.apache.hadoop.hdfs.server.namenode.NameNode';
const dataNode = 'org.apache.hadoop.hdfs.server.datanode.DataNode';
/** Who the daemons and the clients act as (permissions are off; names only label files). */
const hadoopEnv = { HADOOP_USER_NAME: 'kindling' };

export const hdfs: ServerSpec = {
  name: 'hdfs',
  env: {
    KINDLING_HDFS_RPC_PORT: '19820',
    KINDLING_HDFS_HTTP_PORT: '19870',
    KINDLING_HDFS_DATANODE_PORT: '19866',
    KINDLING_HDFS_DATANODE_HTTP_PORT: '19864',
    KINDLING_HDFS_DATANODE_IPC_PORT: '19867',
    KINDLING_HDFS_USER: 'kindling',
  },
  readyTimeoutMs: 180_000,

  async install(ctx) {
    const dir = libs(ctx);
    if (existsSync(dir) && readdirSync(dir).includes(`hadoop-hdfs-${version}.jar`)) return;
    ctx.log(`downloading Hadoop ${version} jars with Maven into ${dir}`);
    await ctx.run(
      'mvn',
      ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${dir}`],
      { cwd: join(ctx.root, 'scripts', 'servers', 'hdfs') },
    );
  },

  async start(ctx) {
    const conf = join(ctx.dataDir, 'conf');
    mkdirSync(conf, { recursive: true });
    mkdirSync(join(ctx.dataDir, 'logs'), { recursive: true });
    writeFileSync(join(conf, 'core-site.xml'), siteXml(coreSite(ctx)));
    writeFileSync(join(conf, 'hdfs-site.xml'), siteXml(hdfsSite(ctx)));
    writeFileSync(join(conf, 'log4j.properties'), log4j);
    // The web servers look up `webapps/<name>` on the classpath; the Maven jars do not ship the
    // UI's files (only the distribution does), and WebHDFS needs none of them: empty folders do.
    for (const app of ['hdfs', 'datanode', 'static'])
      mkdirSync(join(conf, 'webapps', app), { recursive: true });
    const [cmd, ...format] = java(ctx, 'namenode', nameNode, ['-format', '-force', '-nonInteractive']);
    await ctx.run(cmd as string, format, { env: hadoopEnv });
    // Both daemons in one process group: when either exits, the wrapper stops the other and exits.
    const script = [
      `${quote(java(ctx, 'namenode', nameNode, []))} &`,
      `${quote(java(ctx, 'datanode', dataNode, []))} &`,
      'wait -n',
      'status=$?',
      "trap '' TERM",
      'kill 0',
      'exit $status',
    ].join('\n');
    return ctx.spawn('bash', ['-c', script], { env: hadoopEnv });
  },

  async ready(ctx) {
    const jmx = `http://127.0.0.1:${ctx.env.KINDLING_HDFS_HTTP_PORT}/jmx?qry=Hadoop:service=NameNode,name=FSNamesystem`;
    const response = await fetch(jmx, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return false;
    const body = (await response.json()) as { beans?: { NumLiveDataNodes?: number }[] };
    const live = body.beans?.[0]?.NumLiveDataNodes ?? 0;
    if (live < 1) return false;
    // A live DataNode is not enough while the NameNode is still in safe mode: writes would fail.
    const safe = `http://127.0.0.1:${ctx.env.KINDLING_HDFS_HTTP_PORT}/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo`;
    const info = (await (await fetch(safe, { signal: AbortSignal.timeout(2000) })).json()) as {
      beans?: { Safemode?: string }[];
    };
    return info.beans?.[0]?.Safemode === '';
  },
};
