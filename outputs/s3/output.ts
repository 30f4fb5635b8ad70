/**
 * The S3 output: each batch as part objects in a folder per batch time, committed by a manifest;
 * or, with `roll`, many small batches rolled into fewer, larger objects (the folder output's
 * layout, committed by `_SUCCESS`).
 */
import {
  ConfigurationError,
  addOutput,
  type Delivery,
  type DStream,
  type OutputLifecycle,
} from '../../lib/index.js';
import { connectS3, parseS3Url, type S3Connection } from '../../systems/s3/client.js';
import type { S3ConnectionOptions } from '../../systems/s3/options.js';
import type { RowFormat } from '../../systems/rows/rows.js';
import { FolderOutput, type RollPolicy } from '../store/folder-output.js';
import { writeS3Batch } from './batch.js';
import { S3FileStore } from './store.js';

/** Options of {@link s3Output}. */
export interface S3OutputOptions extends S3ConnectionOptions {
  /** Where the batch folders go: `s3://bucket/prefix/` (a trailing `/` is added when missing). */
  readonly url: string;
  /** `jsonl` (default: one JSON document per line) or `csv` (a header line in every part). */
  readonly format?: RowFormat;
  /** CSV columns, in order. Default: the keys of the batch's first record. */
  readonly columns?: readonly string[];
  /** CSV field separator. Default `,`. */
  readonly delimiter?: string;
  /** Most records in one part object. Default 100 000. Not with `roll` (one part per rolled object). */
  readonly recordsPerPart?: number;
  /**
   * Roll batches into fewer, larger objects: close one after `batches` batch times and/or once it
   * holds `maxBytes`. The layout is then the file output's (see {@link s3Output}). Default: a
   * folder per batch, committed by its manifest.
   */
  readonly roll?: RollPolicy;
}

/** What {@link s3Output} returns: the output (`ssc.stop()` closes its client), and `flush`. */
export interface S3Output extends OutputLifecycle {
  /**
   * With `roll`: commits the batches staged for a rolled object that has not closed yet (call it
   * after the last batch, before or after the context stops). Without `roll`: nothing to do.
   */
  flush(): Promise<void>;
}

/**
 * Writes every batch of `stream` under `s3://bucket/prefix/batch=<time>/` as `part-00000.jsonl`,
 * `part-00001.jsonl`... and then a `_manifest` object (JSON: the batch time, format, record count
 * and the part keys). A batch is committed once its manifest exists; readers must trust only
 * committed batches and read exactly the parts the manifest lists (see `readS3Batch`). A batch
 * with no record gets a manifest with no parts.
 *
 * Delivery: exactly-once per batch time for readers of manifests. A batch that runs again (after
 * a crash, from a checkpoint) first deletes its manifest, rewrites the same part keys, deletes
 * parts an earlier run wrote beyond them, and commits again: no duplicates. Calls retry with
 * back-off (`maxAttempts`, `backoff`); when they run out the batch fails with a KindlingError
 * naming the object, and a record that cannot be serialized fails the batch naming its index.
 *
 * @example
 * s3Output(counts, {
 *   url: 's3://reports/counts/', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1',
 *   credentials: { accessKeyId, secretAccessKey }, format: 'csv', columns: ['word', 'count'],
 * });
 *
 * **With `roll`**: each batch is staged as `prefix/_staging/batch-<time>.jsonl` and, when its
 * rolled object closes, the staged batches are committed in time order as
 * `prefix/batches-<first>-<last>/part-00000.jsonl` plus a `_SUCCESS` object written last (S3 has
 * no rename: a copy then a delete). Readers take only folders holding `_SUCCESS`. A batch time at
 * or before the last committed one is not written again, so a re-run batch leaves no duplicate.
 * Call `flush()` after the last batch to commit what is still staged.
 *
 * @example
 * const out = s3Output(tweets, { url: 's3://archive/tweets/', roll: { batches: 60 }, ...connection });
 * // ... after the last batch:
 * await out.flush();
 *
 * Gotchas: records keep the batch's order; a batch's serialized parts are held in memory while
 * written. Retried calls are reported as `connectorError` events. Credentials are never logged.
 * @throws ConfigurationError when an option is wrong.
 */
export function s3Output<T>(stream: DStream<T>, options: S3OutputOptions): S3Output {
  const what = `s3Output${typeof options.url === 'string' ? ` ${options.url}` : ''}`;
  const { bucket, key } = parseS3Url(what, options.url);
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  const format = options.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') {
    throw new ConfigurationError(`${what}: format must be 'jsonl' or 'csv', got ${String(format)}`);
  }
  const perPart = options.recordsPerPart ?? 100_000;
  if (!(Number.isInteger(perPart) && perPart >= 1)) {
    throw new ConfigurationError(`${what}: recordsPerPart must be a whole number >= 1, got ${perPart}`);
  }
  if (options.delimiter !== undefined && options.delimiter.length !== 1) {
    throw new ConfigurationError(
      `${what}: delimiter must be one character, got ${JSON.stringify(options.delimiter)}`,
    );
  }
  if (
    options.roll !== undefined &&
    (options.delimiter !== undefined || options.recordsPerPart !== undefined)
  ) {
    throw new ConfigurationError(
      `${what}: with roll, each rolled object is one part with ',' between CSV fields: leave out ` +
        'delimiter and recordsPerPart, or leave out roll',
    );
  }
  let conn: S3Connection | undefined = connectS3(what, options);
  const ssc = stream.context;
  conn.onRetry = (message, error, retryIn) => ssc.reportError(what, message, error, retryIn);
  const close = async (): Promise<void> => {
    const open = conn;
    conn = undefined;
    if (open?.owned) open.client.destroy();
  };
  const layout = {
    bucket,
    prefix,
    format,
    recordsPerPart: perPart,
    ...(options.columns === undefined ? {} : { csvColumns: options.columns }),
    ...(options.delimiter === undefined ? {} : { csvDelimiter: options.delimiter }),
  };
  const connection = (): S3Connection => {
    if (!conn) throw new ConfigurationError(`${what}: the context has stopped`);
    return conn;
  };
  if (options.roll !== undefined) {
    const store = new S3FileStore(connection, bucket, prefix);
    const folders = new FolderOutput<T>(
      store,
      {
        format,
        roll: options.roll,
        ...(options.columns === undefined ? {} : { columns: options.columns }),
      },
      stream.slideDuration,
    );
    addOutput(stream, { name: what, delivery: folders.delivery, write: folders.write, close });
    return {
      name: what,
      delivery: folders.delivery,
      close,
      async flush() {
        if (conn) return folders.flush();
        // After the context stopped (its connection is closed): a connection for this flush only.
        conn = connectS3(what, options);
        try {
          await folders.flush();
        } finally {
          await close();
        }
      },
    };
  }
  const delivery: Delivery = {
    guarantee: 'exactly-once',
    when: 'per batch time, for readers of manifests: a batch run again replaces its parts, then its manifest',
  };
  addOutput(stream, {
    name: what,
    delivery,
    write: async (records, time) => void (await writeS3Batch(connection(), layout, time, records)),
    close,
  });
  return { name: what, delivery, close, flush: () => Promise.resolve() };
}
