/**
 * The local-file output: each batch as a folder of JSON Lines or CSV part files, committed
 * atomically, or many small batches rolled into fewer, larger files.
 */
import { ConfigurationError, addOutput, type DStream } from '../../lib/index.js';
import { FolderOutput, type FolderOutputOptions } from '../store/folder-output.js';
import { LocalFileStore } from './local-store.js';

/** Options of {@link fileOutput}. */
export interface FileOutputOptions<T> extends FolderOutputOptions<T> {
  /** The directory the batch folders go in; created when missing. */
  readonly dir: string;
}

/**
 * Writes every batch of `stream` under `dir` as JSON Lines (default) or CSV.
 *
 * Layout: `dir/batch-<time>/part-00000.jsonl` and `_SUCCESS` per batch; with `roll`,
 * `dir/batches-<first>-<last>/part-00000.jsonl` and `_SUCCESS` per rolled file, batches waiting
 * for their file under `dir/_staging/`. Each file is written under a temporary name, fsynced and
 * renamed; `_SUCCESS` comes last. Readers take only folders holding `_SUCCESS`.
 *
 * Delivery: exactly-once per batch folder (or rolled folder) with a replayable source and
 * checkpoints: a batch that runs again after a crash replaces its folder, leaving no duplicates
 * and no temporary files, and a rolled batch already committed is not written again. With a
 * source that cannot replay, batches lost in a crash are missing (the output cannot add them).
 *
 * Gotchas: CSV needs `columns` for object records and writes RFC 4180 (CRLF, quotes doubled);
 * `roll.batches` windows are aligned on multiples of `batches` × the stream's slide; call
 * `flush()` after the context stopped to commit a rolled file that is still open.
 *
 * @returns the output, for `flush()` and its `store`.
 * @example
 * const out = fileOutput(tweets, { dir: '/data/tweets', format: 'jsonl', roll: { batches: 60 } });
 * await ssc.start(); ... await ssc.stop(); await out.flush();
 */
export function fileOutput<T>(stream: DStream<T>, options: FileOutputOptions<T>): FolderOutput<T> {
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new ConfigurationError('file output: dir must name the directory to write the batch folders in');
  }
  const output = new FolderOutput<T>(new LocalFileStore(options.dir), options, stream.slideDuration);
  addOutput(stream, output);
  return output;
}
