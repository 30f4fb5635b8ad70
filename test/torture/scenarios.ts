/**
 * The crash test's combinations: every replayable source, with every output that claims exactly
 * once, each Kafka commit mode, with and without a checkpoint interval; and the damage cases
 * (a write-ahead log corrupt mid-segment and at its tail, every checkpoint corrupt). Each run of
 * a combination writes to all its outputs at once, and each output is checked on its own.
 */

/** A replayable source of the test's lines. */
export type SourceKind = 'kafka' | 'kinesis' | 'files' | 's3' | 'hdfs';

/** An output that claims exactly once (with a replayable source and checkpoints). */
export type OutputKind = 'files' | 'files-rolled' | 's3' | 'hdfs-rolled' | 'mongodb' | 'hbase' | 'kafka';

/** What goes wrong besides the kills. */
export type Fault = 'none' | 'wal-mid-segment' | 'wal-tail' | 'checkpoints-corrupt';

/** One combination. */
export interface Scenario {
  readonly name: string;
  readonly source: SourceKind;
  /** The Kafka direct stream's `commit` mode. */
  readonly commit?: 'kafka' | 'checkpoint';
  /** The context's checkpoint interval, ms; every batch when undefined. */
  readonly checkpointInterval?: number;
  readonly outputs: readonly OutputKind[];
  readonly fault: Fault;
}

/** Every output that any source can write exactly once. */
const COMMON: readonly OutputKind[] = ['files', 'files-rolled', 's3', 'hdfs-rolled', 'mongodb', 'hbase'];

/** The batch interval of the test job, ms. */
export const BATCH_INTERVAL = 500;

/** The checkpoint interval of the "with checkpointInterval" combinations: every 4 batches. */
export const CHECKPOINT_INTERVAL = 2000;

function combinations(): Scenario[] {
  const out: Scenario[] = [];
  const intervals = [undefined, CHECKPOINT_INTERVAL];
  const suffix = (interval: number | undefined): string =>
    interval === undefined ? 'every-batch' : 'interval';
  for (const commit of ['kafka', 'checkpoint'] as const) {
    for (const interval of intervals) {
      out.push({
        name: `kafka/commit-${commit}/${suffix(interval)}`,
        source: 'kafka',
        commit,
        ...(interval === undefined ? {} : { checkpointInterval: interval }),
        outputs: [...COMMON, 'kafka'],
        fault: 'none',
      });
    }
  }
  for (const source of ['kinesis', 'files', 's3', 'hdfs'] as const) {
    for (const interval of intervals) {
      out.push({
        name: `${source}/${suffix(interval)}`,
        source,
        ...(interval === undefined ? {} : { checkpointInterval: interval }),
        outputs: COMMON,
        fault: 'none',
      });
    }
  }
  // A damaged log loses which batch took the blocks after the damage: those records are read
  // again from the source into the batches of the same times, which every output here replaces
  // or upserts. A rolled output keeps what it committed of those batches (see the README).
  const replacing: readonly OutputKind[] = ['files', 's3', 'mongodb', 'hbase'];
  out.push({
    name: 'kinesis/wal-mid-segment',
    source: 'kinesis',
    outputs: replacing,
    fault: 'wal-mid-segment',
  });
  out.push({ name: 'kinesis/wal-tail', source: 'kinesis', outputs: COMMON, fault: 'wal-tail' });
  out.push({
    name: 'files/checkpoints-corrupt',
    source: 'files',
    outputs: ['files'],
    fault: 'checkpoints-corrupt',
  });
  return out;
}

/** Every combination the crash test runs. */
export const SCENARIOS: readonly Scenario[] = combinations();
