/**
 * The kafka-ingest benchmark: a topic of 2 million 100-byte messages in 2 partitions on the test
 * broker (`scripts/servers.ts` starts it when it is not running, and stops it afterwards), read
 * whole by a Kindling Kafka direct stream that counts the messages (at two batch sizes), by a bare
 * kafkajs `eachBatch` consumer, and by `kcat` (Debian package, installed when missing), in the
 * same run, in turns. Reports messages per second of each (after an untimed round, the median of
 * the rounds) and Kindling's ratio to kafkajs (the target is at least 0.9). Every reader must
 * count exactly the produced messages, per partition.
 */
import { installTool, readyServers, useServers } from '../../scripts/servers.js';
import { serverEnv } from '../../test/helpers/servers.js';
import { median, type BenchOptions, type BenchResult } from '../result.js';
import { targetNote } from '../workload/targets.js';
import { kafkajsRead, kcatRead, kindlingRead, type ReadResult } from './readers.js';
import { deleteTopic, fillTopic, type BenchTopic } from './topic.js';

/** Sizes of one run; the defaults are what `npm run bench` uses. */
export interface KafkaIngestSettings {
  /** Messages produced, all partitions together. */
  readonly messages: number;
  /** Bytes of each message's value (no key). */
  readonly bytes: number;
  readonly partitions: number;
  /** Records one Kindling batch reads per partition at most. */
  readonly recordsPerBatch: number;
  /** The same, for a second Kindling reader with larger batches (shown beside the first). */
  readonly largeRecordsPerBatch: number;
  /** Measured runs of each reader, in turns; the median is reported. */
  readonly runs: number;
}

export const FULL: KafkaIngestSettings = {
  messages: 2_000_000,
  bytes: 100,
  partitions: 2,
  recordsPerBatch: 25_000,
  largeRecordsPerBatch: 100_000,
  runs: 3,
};
export const QUICK: KafkaIngestSettings = {
  messages: 100_000,
  bytes: 100,
  partitions: 2,
  recordsPerBatch: 25_000,
  largeRecordsPerBatch: 50_000,
  runs: 1,
};

const KCAT = '/usr/bin/kcat';

const READERS = ['kindling', 'kindling-large', 'kafkajs', 'kcat'] as const;
type Reader = (typeof READERS)[number];

/** Runs the benchmark with `settings` (default: {@link FULL}, or {@link QUICK} with `quick`). */
export async function runKafkaIngest(
  options: BenchOptions,
  settings?: KafkaIngestSettings,
): Promise<BenchResult> {
  const s = settings ?? (options.quick ? QUICK : FULL);
  const log = options.log ?? (() => undefined);
  if (options.servers === 'running' && (await readyServers(['kafka'])).length === 0) {
    const reason = `Kafka is not running and this run starts no server: start it with npx tsx scripts/servers.ts up kafka, or run npm run bench -- --quick kafka-ingest`;
    log(`kafka-ingest: skipped: ${reason}`);
    return {
      name: 'kafka-ingest',
      rows: [],
      ratios: {},
      correct: true,
      skipped: READERS.map((system) => ({ system, reason })),
      quick: options.quick,
    };
  }
  await installTool('kcat', KCAT);
  const release = await useServers(['kafka']);
  try {
    const brokers = [`127.0.0.1:${serverEnv('kafka').KINDLING_KAFKA_PORT}`];
    log(`kafka-ingest: producing ${s.messages.toLocaleString('en-US')} messages of ${s.bytes} bytes`);
    const topic = await fillTopic(brokers, s);
    try {
      return await measure(topic, s, log);
    } finally {
      await deleteTopic(topic).catch(() => undefined);
    }
  } finally {
    await release();
  }
}

async function measure(
  topic: BenchTopic,
  s: KafkaIngestSettings,
  log: (line: string) => void,
): Promise<BenchResult> {
  log(`  topic ${topic.topic}: ${topic.perPartition.join(' + ')} messages; ${s.runs} runs of each reader`);
  // Generous: a reader slower than 2 000 messages/s is broken, not slow.
  const timeoutMs = 60_000 + topic.messages / 2;
  const readers: Record<Reader, () => Promise<ReadResult>> = {
    kindling: () => kindlingRead(topic, s.recordsPerBatch),
    'kindling-large': () => kindlingRead(topic, s.largeRecordsPerBatch),
    kafkajs: () => kafkajsRead(topic, timeoutMs),
    kcat: () => kcatRead(topic, KCAT, timeoutMs),
  };
  const times: Record<Reader, number[]> = { kindling: [], 'kindling-large': [], kafkajs: [], kcat: [] };
  const problems: string[] = [];
  // One untimed round first: a broker the benchmark just started is still compiling its own hot
  // paths (and each reader's process its own), which would slow whichever reader came first.
  for (const who of READERS) {
    const problem = check(await readers[who](), topic);
    if (problem) problems.push(`${who} warm-up: ${problem}`);
  }
  for (let run = 0; run < s.runs; run++) {
    // Each round starts with the next reader, so that none always runs first.
    const first = run % READERS.length;
    for (const who of [...READERS.slice(first), ...READERS.slice(0, first)]) {
      const result = await readers[who]();
      const problem = check(result, topic);
      if (problem) problems.push(`${who} run ${run + 1}: ${problem}`);
      times[who].push(result.seconds);
      log(
        `  run ${run + 1} ${who}: ${result.count} messages in ${result.seconds.toFixed(3)} s ` +
          `(${Math.round(result.count / result.seconds).toLocaleString('en-US')}/s)`,
      );
    }
  }
  for (const problem of problems) log(`  MISMATCH ${problem}`);
  const rate = (who: Reader): number => topic.messages / median(times[who]);
  const large = `kindling, ${s.largeRecordsPerBatch.toLocaleString('en-US')} records per batch and partition`;
  const ratio = rate('kindling') / rate('kafkajs');
  return {
    name: 'kafka-ingest',
    rows: [
      { system: 'kindling', metric: 'messages/s', value: rate('kindling') },
      { system: large, metric: 'messages/s', value: rate('kindling-large') },
      { system: 'kafkajs eachBatch', metric: 'messages/s', value: rate('kafkajs') },
      { system: 'kcat', metric: 'messages/s', value: rate('kcat') },
      { system: 'input', metric: 'messages', value: topic.messages },
      { system: 'input', metric: 'bytes per message', value: s.bytes },
      { system: 'input', metric: 'partitions', value: topic.partitions },
      { system: 'kindling', metric: 'records per batch and partition', value: s.recordsPerBatch },
    ],
    ratios: {
      'kindling / kafkajs eachBatch (messages/s)': ratio,
      [`${large} / kafkajs eachBatch (messages/s)`]: rate('kindling-large') / rate('kafkajs'),
      'kindling / kcat (messages/s)': rate('kindling') / rate('kcat'),
    },
    correct: problems.length === 0,
    notes: [
      `Kindling reads at most ${s.recordsPerBatch.toLocaleString('en-US')} records per partition in a batch (maxRatePerPartition over a 1 s interval on a manual clock, batches back to back: ${(s.recordsPerBatch * topic.partitions).toLocaleString('en-US')} records a batch, about what 150 ms batches hold at this rate); the second Kindling row uses ${s.largeRecordsPerBatch.toLocaleString('en-US')}, whose records live longer and cost the garbage collector more. One untimed round of every reader first (the broker warms up), then the median of ${s.runs} rounds, each starting with the next reader`,
      targetNote('kindling / kafkajs eachBatch', ratio, 0.9),
    ],
  };
}

/** What is wrong with a reader's count, or undefined when it counted exactly the topic. */
function check(result: ReadResult, topic: BenchTopic): string | undefined {
  if (result.count !== topic.messages) return `counted ${result.count}, produced ${topic.messages}`;
  const per = result.perPartition.join(',');
  if (per !== topic.perPartition.join(',')) {
    return `counted ${per} per partition, the topic holds ${topic.perPartition.join(',')}`;
  }
  return undefined;
}

/** The entry point `bench/run.ts` calls. */
export default function kafkaIngest(options: BenchOptions): Promise<BenchResult> {
  return runKafkaIngest(options);
}
