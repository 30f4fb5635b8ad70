/**
 * What the crash test tells its job process (as JSON on the command line): where the input is,
 * where each output goes, where to checkpoint, and where to write the final state.
 */

/** How the job reaches S3 (MinIO here). */
export interface S3Connection {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The job's input. */
export type SourceConfig =
  | {
      readonly kind: 'kafka';
      readonly brokers: string[];
      readonly topic: string;
      readonly groupId: string;
      readonly commit: 'kafka' | 'checkpoint';
    }
  | { readonly kind: 'kinesis'; readonly streamName: string; readonly connection: S3Connection }
  | { readonly kind: 'files'; readonly dir: string }
  | { readonly kind: 's3'; readonly url: string; readonly connection: S3Connection }
  | { readonly kind: 'hdfs'; readonly url: string; readonly httpPort: number; readonly user: string };

/** Where each output writes (only those of the scenario are set). */
export interface OutputsConfig {
  readonly files?: string;
  readonly filesRolled?: string;
  readonly s3?: { readonly url: string; readonly connection: S3Connection };
  readonly hdfsRolled?: { readonly url: string; readonly httpPort: number; readonly user: string };
  readonly mongodb?: { readonly url: string; readonly db: string; readonly collection: string };
  readonly hbase?: { readonly zookeeper: string; readonly table: string };
  readonly kafka?: { readonly brokers: string[]; readonly topic: string; readonly transactionalId: string };
}

/** Everything the job process needs. */
export interface JobConfig {
  readonly name: string;
  readonly source: SourceConfig;
  readonly outputs: OutputsConfig;
  readonly checkpointDir: string;
  readonly batchInterval: number;
  readonly checkpointInterval?: number;
  /** A file the job writes its final word counts to, as JSON pairs, after a graceful stop. */
  readonly stateFile: string;
  /** Batches a rolled output puts in one file. */
  readonly rollBatches: number;
}

/** One line the job prints on stdout (JSON). */
export type JobEvent =
  | { readonly type: 'started' }
  | { readonly type: 'batch'; readonly time: number; readonly words: number }
  | { readonly type: 'restored'; readonly batchTime: number; readonly replayed: number }
  | { readonly type: 'damaged'; readonly detail: string };
