/**
 * Kafka 3.9.1 for the Kafka connector tests: one node in KRaft mode (broker and controller in one
 * JVM), jars from Maven Central (`scripts/servers/kafka/pom.xml`, copied once into
 * `.cache/servers/kafka-3.9.1/libs`), everything on 127.0.0.1:
 *
 * - `KINDLING_KAFKA_PORT` (19092): PLAINTEXT clients;
 * - `KINDLING_KAFKA_SASL_PORT` (19094): SASL_PLAINTEXT with mechanism PLAIN, one user
 *   `KINDLING_KAFKA_SASL_USER` / `KINDLING_KAFKA_SASL_PASSWORD` (for the credential tests);
 * - `KINDLING_KAFKA_CONTROLLER_PORT` (19093): the KRaft controller.
 *
 * Single-node settings: replication factors and `transaction.state.log.min.isr` of 1, no initial
 * rebalance delay, no automatic topic creation (tests create their topics). The log directory is
 * formatted only when it is new, so a stop and start (see `restartServer` in `scripts/servers.ts`)
 * keeps every topic and committed offset.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { ServerContext, ServerSpec } from './spec.js';

const version = '3.9.1';
/** The KRaft cluster id: any 22-character base64 UUID; fixed, so a restart finds its own logs. */
const clusterId = 'S2luZGxpbmdUZXN0S2Fma2';

const libs = (ctx: ServerContext): string => join(ctx.cacheDir, `kafka-${version}`, 'libs');

function serverProperties(ctx: ServerContext): string {
  const { KINDLING_KAFKA_PORT: port, KINDLING_KAFKA_SASL_PORT: sasl } = ctx.env;
  const controller = ctx.env.KINDLING_KAFKA_CONTROLLER_PORT;
  const { KINDLING_KAFKA_SASL_USER: user, KINDLING_KAFKA_SASL_PASSWORD: password } = ctx.env;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controller}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${sasl},CONTROLLER://127.0.0.1:${controller}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${sasl}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'sasl.enabled.mechanisms=PLAIN',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config=' +
      'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
      `user_${user}="${password}";`,
    `log.dirs=${join(ctx.dataDir, 'logs')}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=10',
    'group.initial.rebalance.delay.ms=0',
    // The crash tests restart killed jobs: a short session lets the group drop a dead member soon.
    'group.min.session.timeout.ms=1000',
    '',
  ].join('\n');
}

const log4j = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.request.logger=WARN',
  'log4j.logger.state.change.logger=WARN',
  'log4j.logger.kafka.log.LogCleaner=WARN',
  'log4j.logger.org.apache.kafka.storage=WARN',
  'log4j.logger.kafka.log=WARN',
  '',
].join('\n');

function java(ctx: ServerContext, main: string, args: readonly string[]): [string, string[]] {
  return [
    'java',
    [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${join(ctx.dataDir, 'log4j.properties')}`,
      '-cp',
      `${libs(ctx)}/*`,
      main,
      ...args,
    ],
  ];
}

export const kafka: ServerSpec = {
  name: 'kafka',
  env: {
    KINDLING_KAFKA_PORT: '19092',
    KINDLING_KAFKA_CONTROLLER_PORT: '19093',
    KINDLING_KAFKA_SASL_PORT: '19094',
    KINDLING_KAFKA_SASL_USER: 'kindling',
    KINDLING_KAFKA_SASL_PASSWORD: 'kindling-test-secret',
  },
  readyTimeoutMs: 90_000,

  async install(ctx) {
    const dir = libs(ctx);
    if (existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(`kafka_2.13-${version}`))) return;
    ctx.log(`downloading Kafka ${version} jars with Maven into ${dir}`);
    await ctx.run(
      'mvn',
      ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${dir}`],
      { cwd: join(ctx.root, 'scripts', 'servers', 'kafka') },
    );
  },

  async start(ctx) {
    mkdirSync(ctx.dataDir, { recursive: true });
    const properties = join(ctx.dataDir, 'server.properties');
    writeFileSync(properties, serverProperties(ctx));
    writeFileSync(join(ctx.dataDir, 'log4j.properties'), log4j);
    // Formats a new log directory; one formatted before (a restart) is kept as it is.
    const format = ['format', '-t', clusterId, '-c', properties, '--ignore-formatted'];
    await ctx.run(...java(ctx, 'kafka.tools.StorageTool', format));
    return ctx.spawn(...java(ctx, 'kafka.Kafka', [properties]));
  },

  async ready(ctx) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    const admin = new Kafka({
      clientId: 'kindling-servers',
      brokers: [`127.0.0.1:${ctx.env.KINDLING_KAFKA_PORT}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
};
