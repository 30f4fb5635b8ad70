/**
 * The job the crash test kills: numbered lines in (from Kafka, Kinesis, a directory, S3 or HDFS),
 * each line's number out to every output that claims exactly once (folders per batch and rolled,
 * S3, HDFS, a Kafka topic in transactions), and a word count with state (`updateStateByKey`)
 * upserted to MongoDB and HBase, kept a second time by `mapWithState` (incremental checkpoints). Resumes through `getOrCreate` after every kill.
 *
 * Usage: job.ts '<JobConfig as JSON>'. Prints a JSON line per event on stdout (see `JobEvent`);
 * on SIGTERM it stops gracefully, commits what rolled outputs staged, writes its final word
 * counts (of both) to `stateFile` and exits 0. Set KINDLING_TORTURE_DISCARD=1 to start afresh when every
 * checkpoint is unreadable.
 */
import { writeFileSync } from 'node:fs';
import { StateSpec, StreamingContext, type DStream, type State } from '../../lib/index.js';
import {
  fileOutput,
  hbaseOutput,
  hdfsOutput,
  kafkaOutput,
  mongoOutput,
  s3Output,
} from '../../outputs/index.js';
import {
  hdfsTextFileStream,
  kafkaDirectStream,
  kinesisStream,
  s3TextFileStream,
} from '../../receivers/index.js';
import type { JobConfig, JobEvent } from './config.js';
import { parseLine } from './workload.js';

const config = JSON.parse(process.argv[2] ?? '') as JobConfig;
const say = (event: JobEvent): void => console.log(JSON.stringify(event));
const flushes: (() => Promise<void>)[] = [];
let counts: [string, number][] = [];
let mappedCounts: [string, number][] = [];

function build(): StreamingContext {
  const ssc = new StreamingContext({
    batchInterval: config.batchInterval,
    name: config.name,
    checkpointDir: config.checkpointDir,
    ...(config.checkpointInterval === undefined ? {} : { checkpointInterval: config.checkpointInterval }),
    writeAheadLog: config.source.kind === 'kinesis',
    stopGracefullyOnShutdown: true,
    receiverRestart: { initialDelay: 50, maxDelay: 500 },
    logger: { info: () => undefined, warn: (m) => console.error(m), error: (m) => console.error(m) },
  });
  const lines = input(ssc);
  const ids = lines.map((line) => ({ id: parseLine(line).id }));
  writeIds(ids);
  const words = lines.flatMap((line) => parseLine(line).words).map((word): [string, number] => [word, 1]);
  const state = words
    .updateStateByKey((ones: number[], n: number | undefined) => (n ?? 0) + ones.length)
    .name('counts');
  // The same counts kept by mapWithState, whose checkpoints save only the keys changed since the last.
  words
    .mapWithState(
      StateSpec.function((_word: string, one: number | undefined, n: State<number>) => {
        n.update((n.getOption() ?? 0) + (one ?? 0));
      }),
    )
    .name('mapped-counts')
    .stateSnapshots()
    .foreachBatch((records) => {
      mappedCounts = records;
    });
  state.foreachBatch((records, time) => {
    counts = records;
    say({ type: 'batch', time, words: records.reduce((sum, [, n]) => sum + n, 0) });
  });
  const { mongodb, hbase } = config.outputs;
  const rows = state.map(([word, count]) => ({ word, count }));
  if (mongodb) {
    mongoOutput(rows, {
      url: mongodb.url,
      db: mongodb.db,
      collection: mongodb.collection,
      key: (r) => r.word,
      document: (r) => ({ count: r.count }),
    });
  }
  if (hbase) {
    hbaseOutput(rows, {
      zookeeper: hbase.zookeeper,
      table: hbase.table,
      rowKey: (r) => r.word,
      columns: { count: 'c:count' },
      cellTimestamp: 'batchTime',
    });
  }
  return ssc;
}

/** The lines of the configured source, as a stream named `input`. */
function input(ssc: StreamingContext): DStream<string> {
  const source = config.source;
  switch (source.kind) {
    case 'kafka': {
      const stream = kafkaDirectStream(ssc, {
        brokers: source.brokers,
        topics: [source.topic],
        groupId: source.groupId,
        startingOffsets: 'earliest',
        commit: source.commit,
        sessionTimeout: 2000,
      }).name('input');
      const kafka = config.outputs.kafka;
      if (kafka) {
        kafkaOutput(
          stream.map((r) => r.value ?? ''),
          {
            brokers: kafka.brokers,
            topic: kafka.topic,
            value: (line) => String(parseLine(line).id),
            transactional: { transactionalId: kafka.transactionalId, source: stream },
          },
        );
      }
      return stream.map((r) => r.value ?? '');
    }
    case 'kinesis':
      return kinesisStream<string>(ssc, {
        streamName: source.streamName,
        initialPosition: 'TRIM_HORIZON',
        decoder: 'string',
        pollIntervalMs: 100,
        ...source.connection,
      })
        .name('input')
        .map((r) => r.data);
    case 'files':
      return ssc.textFileStream(source.dir, { includeExisting: true }).name('input');
    case 's3':
      return s3TextFileStream(ssc, source.url, {
        includeExisting: true,
        forcePathStyle: true,
        ...source.connection,
      }).name('input');
    case 'hdfs':
      return hdfsTextFileStream(ssc, source.url, {
        includeExisting: true,
        httpPort: source.httpPort,
        user: source.user,
      }).name('input');
  }
}

/** Every line's number to the folder, S3 and HDFS outputs. */
function writeIds(ids: DStream<{ id: number }>): void {
  const { files, filesRolled, s3, hdfsRolled } = config.outputs;
  const roll = { batches: config.rollBatches };
  if (files) fileOutput(ids, { dir: files });
  if (filesRolled) {
    const out = fileOutput(ids, { dir: filesRolled, roll });
    flushes.push(() => out.flush());
  }
  if (s3) s3Output(ids, { url: s3.url, forcePathStyle: true, ...s3.connection });
  if (hdfsRolled) {
    const out = hdfsOutput(ids, {
      url: hdfsRolled.url,
      httpPort: hdfsRolled.httpPort,
      user: hdfsRolled.user,
      roll,
    });
    flushes.push(() => out.flush());
  }
}

const ssc = await StreamingContext.getOrCreate(config.checkpointDir, build, {
  discardUnreadableCheckpoints: process.env.KINDLING_TORTURE_DISCARD === '1',
});
ssc.events.subscribe((event) => {
  if (event.type === 'checkpointRestored') {
    say({ type: 'restored', batchTime: event.batchTime, replayed: event.replayed.length });
  }
  if (event.type === 'writeAheadLogDamaged') say({ type: 'damaged', detail: event.detail });
});
await ssc.start();
say({ type: 'started' });
await ssc.awaitTermination();
for (const flush of flushes) await flush();
writeFileSync(config.stateFile, JSON.stringify({ updateStateByKey: counts, mapWithState: mappedCounts }));
