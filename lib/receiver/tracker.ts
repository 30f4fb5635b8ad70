/**
 * The receivers of one context (Spark's ReceiverTracker): each receiver stream's write-ahead log,
 * opened and read back before the receivers start; the receivers, started under supervisors that
 * cut their blocks; whether records still wait for a batch (a graceful stop drains them); and, at
 * the end, the release of their blocks and logs.
 */
import { join } from 'node:path';
import { unwritable } from '../checkpoint/directory-store.js';
import { ReceivedBlockLog } from '../dstream/inputs/received-block-log.js';
import type { ReceiverInputNode } from '../dstream/inputs/receiver-stream.js';
import { ConfigurationError, describe } from '../errors.js';
import type { StreamOf } from '../input-kinds.js';
import type { Logger } from '../logger.js';
import type { FsyncPolicy } from '../types.js';
import { FileWriteAheadLog } from '../wal/file-wal.js';
import type { ReceiverEnvironment } from './supervisor.js';

/** The `writeAheadLog` option of a context: on, or on with an fsync policy. */
export type WriteAheadLogOption =
  | boolean
  | {
      /** When the log forces its writes to disk. Default `'always'`. */
      readonly fsync?: FsyncPolicy;
    };

/** Where and how the receivers' write-ahead logs are kept. */
export interface WriteAheadLogSettings {
  readonly option: WriteAheadLogOption | undefined;
  /** The context's checkpoint directory: the logs live under it. */
  readonly checkpointDir: string | undefined;
  /** The checkpoint interval, ms, if the context checkpoints: a log rolls at least that seldom. */
  readonly checkpointInterval: number | undefined;
}

/** How often a receiver's write-ahead log starts a new segment, at least, ms. */
const WAL_ROLL_INTERVAL = 60_000;

/** Tracks one context's receiver streams; see the file summary. */
export class ReceiverTracker {
  private logs: FileWriteAheadLog[] = [];

  /**
   * @param receivers the graph's receiver streams, with their stream ids.
   * @param env what every receiver's supervisor runs with.
   */
  constructor(
    private readonly receivers: readonly StreamOf<ReceiverInputNode<unknown>>[],
    private readonly env: ReceiverEnvironment,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens a write-ahead log per receiver stream, when the option is on, and reads back what a
   * crashed run left in it after the checkpoint of time `completed`. Call before {@link start}.
   * Damage found in a log is logged and reported as `writeAheadLogDamaged`.
   */
  async openLogs(settings: WriteAheadLogSettings, completed: number | undefined): Promise<void> {
    const { option, checkpointDir: dir } = settings;
    if (!option) return;
    if (dir === undefined) {
      throw new ConfigurationError(
        'writeAheadLog needs checkpointDir: the log lives beside the checkpoints that say which blocks are done',
      );
    }
    const fsync = (option === true ? undefined : option.fsync) ?? 'always';
    const { clock, events } = this.env;
    for (const { input } of this.receivers) {
      const safe = input.name.replace(/[^A-Za-z0-9._-]+/g, '_');
      const walDir = join(dir, 'received', safe);
      const wal = await FileWriteAheadLog.open(walDir, {
        fsync,
        clock,
        // Rolled segments can be cleaned once checkpointed; Spark rolls every 60 s too.
        rollIntervalMs: Math.max(WAL_ROLL_INTERVAL, settings.checkpointInterval ?? 0),
      }).catch((error: unknown) => {
        const denied = unwritable((error as { code?: string }).code);
        if (denied === undefined) throw error;
        throw new ConfigurationError(
          `could not open the write-ahead log of '${input.name}' in ${walDir}: ${denied} (${describe(error)}); ` +
            'the writeAheadLog option keeps it under checkpointDir: give checkpointDir a directory this ' +
            'process can write, or turn writeAheadLog off',
          { cause: error },
        );
      });
      this.logs.push(wal);
      const damage = await input.attachLog(new ReceivedBlockLog(wal), clock, completed);
      for (const detail of damage) {
        this.logger.warn(
          `write-ahead log of '${input.name}': kept the records before the damage in ${detail}`,
        );
        events.next({ type: 'writeAheadLogDamaged', stream: input.name, detail });
      }
    }
  }

  /**
   * Deletes the log segments that only checkpoints older than `time` needed. Blocks stay until
   * no checkpoint the store keeps needs them: a restart that finds the newest checkpoint corrupt
   * resumes from an older one, and replays its blocks from the log.
   */
  async cleanLogs(time: number): Promise<void> {
    await Promise.all(this.logs.map((wal) => wal.clean(time)));
  }

  /**
   * Starts the receiver of `input` under a supervisor, if `input` is one of the receiver streams;
   * call as each input of the graph has started, in order.
   */
  startReceiverOf(input: object): void {
    const stream = this.receivers.find((r) => r.input === input);
    stream?.input.startReceiver(this.env, stream.streamId);
  }

  /** True while records some receiver stored wait for a batch. */
  get hasUnallocatedBlocks(): boolean {
    return this.receivers.some(({ input }) => input.hasUnallocatedBlocks);
  }

  /**
   * Releases the receivers' blocks (reporting records left in no batch) and closes their logs;
   * call once the last batch has been generated.
   */
  async close(): Promise<void> {
    for (const { input } of this.receivers) input.close();
    const logs = this.logs;
    this.logs = [];
    await Promise.all(logs.map((wal) => wal.close()));
  }
}
