/**
 * What one context does about checkpoints around its batches: it builds the {@link Checkpointer}
 * from the options, resumes the graph from the newest checkpoint (`getOrCreate`), writes the
 * checkpoint of the job's start, checkpoints after each completed batch and commits that batch to
 * the batch sources (Kafka's offsets, say), and at a stop waits for the commits and writes a last
 * checkpoint. When and how a checkpoint is taken and written is the Checkpointer's business.
 */
import type { Subject } from 'rxjs';
import { formatDuration, isMultipleOf } from '../duration.js';
import type { SourceInputNode } from '../dstream/inputs/source-stream.js';
import { ConfigurationError, describe } from '../errors.js';
import type { DStreamGraph } from '../graph.js';
import type { StreamOf } from '../input-kinds.js';
import type { Logger } from '../logger.js';
import type { CheckpointStore, Clock, StreamingEvent } from '../types.js';
import { BatchLog } from './batch-plans.js';
import { Checkpointer } from './checkpointer.js';
import { DirectoryCheckpointStore } from './directory-store.js';
import { recoverGraph, type Recovery, type RecoveryOptions } from './recovery.js';

/** The checkpoint options of a context (see `StreamingContextOptions`). */
export interface CheckpointOptions {
  readonly checkpointDir?: string;
  readonly checkpointStore?: CheckpointStore;
  readonly checkpointInterval?: number;
}

/** What a coordinator works with: the context's graph, clock, event stream and logger. */
export interface CoordinatorContext {
  readonly graph: DStreamGraph;
  readonly clock: Clock;
  readonly events: Subject<StreamingEvent>;
  readonly logger: Logger;
}

/** Coordinates one context's checkpoints and source commits; see the file summary. */
export class CheckpointCoordinator {
  /** Undefined when the context has no checkpoint store. */
  private readonly checkpointer: Checkpointer | undefined;
  private recovery: Recovery | undefined;
  private lastCompleted: number | undefined;
  private sources: readonly StreamOf<SourceInputNode<unknown>>[] = [];
  /** Commits to batch sources under way; a stop waits for them before it stops the sources. */
  private readonly commits = new Set<Promise<void>>();

  /** Checks the options (a {@link ConfigurationError} says what is wrong) and builds the Checkpointer. */
  constructor(
    options: CheckpointOptions,
    private readonly scope: CoordinatorContext,
  ) {
    const { checkpointDir, checkpointStore } = options;
    if (checkpointDir !== undefined && checkpointStore !== undefined) {
      throw new ConfigurationError('give either checkpointDir or checkpointStore, not both');
    }
    const store =
      checkpointStore ??
      (checkpointDir === undefined ? undefined : new DirectoryCheckpointStore(checkpointDir));
    const batchInterval = scope.graph.batchInterval;
    const interval = options.checkpointInterval ?? batchInterval;
    if (!isMultipleOf(interval, batchInterval)) {
      throw new ConfigurationError(
        `checkpointInterval ${formatDuration(interval)} is not a multiple of the batch interval ` +
          `${formatDuration(batchInterval)}; use a multiple of it`,
      );
    }
    const { graph, clock, events, logger } = scope;
    this.checkpointer = store && new Checkpointer(store, graph, clock, events, logger, interval);
  }

  /** Where checkpoints go; undefined without a checkpoint store. */
  get store(): CheckpointStore | undefined {
    return this.checkpointer?.store;
  }

  /** How often checkpoints are taken, ms; undefined without a checkpoint store. */
  get interval(): number | undefined {
    return this.checkpointer?.interval;
  }

  /** What the graph was restored from (by {@link resume}), if anything. */
  get recovered(): Recovery | undefined {
    return this.recovery;
  }

  /** Calls `clean` after each durable checkpoint, with the time of the oldest checkpoint kept. */
  onRetired(clean: (time: number) => Promise<void>): void {
    if (this.checkpointer) this.checkpointer.onRetired = clean;
  }

  /**
   * Restores the graph from the newest readable checkpoint in the store, if there is one, before
   * start (`StreamingContext.getOrCreate`), and says in the log what it resumes from.
   *
   * @param checkpointDir the directory `getOrCreate` was given; the context must write there.
   * @param contextDir the context's own `checkpointDir` option.
   */
  async resume(
    checkpointDir: string,
    contextDir: string | undefined,
    options: RecoveryOptions,
  ): Promise<void> {
    const store = this.store;
    if (!store || (contextDir !== undefined && contextDir !== checkpointDir)) {
      throw new ConfigurationError(
        `getOrCreate('${checkpointDir}'): the context that build() returned writes its checkpoints ` +
          `${store ? `to ${store.description}` : 'nowhere'}; give it checkpointDir: '${checkpointDir}'`,
      );
    }
    const { graph, logger } = this.scope;
    const recovered = await recoverGraph(store, graph, options, (message) => logger.warn(message));
    if (!recovered) return;
    this.recovery = recovered;
    this.lastCompleted = recovered.time;
    const { pending, replayed, missingState } = recovered;
    const rerun = pending.length > 0 ? `; batches ${pending.join(', ')} run again` : '';
    const plans = replayed.length > 0 ? ` (${replayed.length} with the plans of the batch log)` : '';
    const missing = missingState.length > 0 ? `; no state for ${missingState.join(', ')}` : '';
    logger.warn(
      `resuming from the checkpoint of time ${recovered.time} in ${store.description}${rerun}${plans}${missing}`,
    );
  }

  /**
   * Fixes the time checkpoint times count from and the batch sources to commit to, and reports
   * the checkpoint resumed from (`checkpointRestored`), if any. Call when the graph has started.
   */
  start(zeroTime: number, sources: readonly StreamOf<SourceInputNode<unknown>>[]): void {
    this.checkpointer?.start(zeroTime);
    this.sources = sources;
    const recovered = this.recovery;
    if (!recovered) return;
    const { time, pending, replayed, skipped, missingState } = recovered;
    this.scope.events.next({
      type: 'checkpointRestored',
      batchTime: time,
      pending,
      replayed,
      skipped,
      missingState,
    });
  }

  /**
   * Makes where the job starts durable before its first batch (unless it resumed from a
   * checkpoint), and has the graph write each batch's plans to the batch log from then on.
   */
  async writeStart(zeroTime: number): Promise<void> {
    if (!this.checkpointer) return;
    if (!this.recovery) await this.checkpointer.writeStart(zeroTime);
    this.scope.graph.batchLog = new BatchLog(this.checkpointer.store);
  }

  /** The batch at `time` and all its outputs completed: checkpoints it if due, commits it to the sources. */
  batchCompleted(time: number): void {
    this.lastCompleted = time;
    this.checkpointer?.afterBatch(time);
    this.commitSources(time);
  }

  /** Resolves once every commit to a batch source under way has settled. */
  async commitsSettled(): Promise<void> {
    await Promise.all(this.commits);
  }

  /**
   * Waits for every checkpoint write; with `last`, first checkpoints the last completed batch if
   * it has not been (a graceful stop that no batch failed).
   */
  async flush(last: boolean): Promise<void> {
    await this.checkpointer?.flush(last ? this.lastCompleted : undefined);
  }

  /** Tells every batch source that the batch at `time` completed; a failed commit is reported. */
  private commitSources(time: number): void {
    const { clock, events, logger } = this.scope;
    for (const { streamId, input } of this.sources) {
      const commit = input.commit(time).catch((error: unknown) => {
        const message = `could not commit the batch of time ${time}: ${describe(error)}`;
        logger.error(`source '${input.source.name}': ${message}`);
        events.next({ type: 'receiverError', receiver: input.source.name, streamId, message, error });
      });
      this.commits.add(commit);
      void commit.then(() => this.commits.delete(commit));
      clock.track(commit);
    }
  }
}
